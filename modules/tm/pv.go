package tm

import (
	"fmt"
	"strconv"
	"time"

	"switchboard/engine"
)

func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }

// pvs are the module's pseudo-variables.
var pvs = []engine.PVClass{
	{Name: "T_branch_idx", Get: branchIndexPV},
	{Name: "T_reply_code", Get: func(ctx *engine.Context, _ *engine.PVKey) engine.Value {
		if code := replyCode(ctx); code != 0 {
			return engine.StrInt(strconv.Itoa(code), code)
		}
		return engine.Null
	}},
	{Name: "T_ruri", Get: func(ctx *engine.Context, _ *engine.PVKey) engine.Value {
		if st := peekState(ctx); st != nil && st.winner != nil {
			return engine.Str(st.winner.uri)
		}
		return engine.Null
	}},
	{Name: "T_id", Get: func(ctx *engine.Context, _ *engine.PVKey) engine.Value {
		if st := peekState(ctx); st != nil && st.tx != nil {
			return engine.Str(transID(st.tx))
		}
		return engine.Null
	}},
	timeoutPV("T_fr_timeout", false),
	timeoutPV("T_fr_inv_timeout", true),
}

// branchIndexPV is $T_branch_idx: the branch being built in branch_route
// or replied to in onreply_route; 0 elsewhere.
func branchIndexPV(ctx *engine.Context, _ *engine.PVKey) engine.Value {
	if st := peekState(ctx); st != nil && st.branch != nil {
		return engine.Int(st.branch.index)
	}
	return engine.Int(0)
}

// timeoutPV is $T_fr_timeout or $T_fr_inv_timeout: the transaction's
// timeout in seconds, writable for this transaction only (OpenSIPS).
func timeoutPV(name string, invite bool) engine.PVClass {
	pick := func(tx *Transaction) *time.Duration {
		if invite {
			return &tx.frInvTimeout
		}
		return &tx.frTimeout
	}
	return engine.PVClass{Name: name,
		Get: func(ctx *engine.Context, _ *engine.PVKey) engine.Value {
			d := time.Duration(config.frTimeout.Load()) * time.Second
			if invite {
				d = time.Duration(config.frInvTimeout.Load()) * time.Second
			}
			st := peekState(ctx)
			switch {
			case st != nil && st.tx != nil:
				st.with(func(tx *Transaction) { d = *pick(tx) })
			case st != nil && invite && st.frInvTimeout > 0:
				d = st.frInvTimeout
			case st != nil && !invite && st.frTimeout > 0:
				d = st.frTimeout
			}
			return engine.Int(int(d / time.Second))
		},
		Set: func(ctx *engine.Context, _ *engine.PVKey, v engine.Value, _ bool) error {
			n, ok := v.AsInt()
			if !ok || n <= 0 {
				return errorf("$%s must be a positive number of seconds", name)
			}
			d := time.Duration(n) * time.Second
			st := stateOf(ctx)
			if !st.with(func(tx *Transaction) { *pick(tx) = d }) {
				if invite {
					st.frInvTimeout = d
				} else {
					st.frTimeout = d
				}
			}
			return nil
		}}
}
