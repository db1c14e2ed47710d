package tm

import (
	"regexp"
	"strconv"

	"switchboard/engine"
	"switchboard/sip"
)

// tReply is t_reply(code, reason): a stateful reply, making the
// transaction first when needed.
func tReply(ctx *engine.Context, a []engine.Arg) int {
	ret, _ := statefulReply(ctx, a[0].Int, a[1].Str, "", true)
	return ret
}

// tReplyWithBody is t_reply_with_body(code, reason, body): t_reply with a
// body; its Content-Type comes from append_to_reply, as in OpenSIPS.
func tReplyWithBody(ctx *engine.Context, a []engine.Arg) int {
	ret, _ := statefulReply(ctx, a[0].Int, a[1].Str, a[2].Str, true)
	return ret
}

// transactionReply is what signaling's send_reply calls: a stateful reply
// when the request already has a transaction, else ok is false.
func transactionReply(ctx *engine.Context, code int, reason string) (int, bool) {
	return statefulReply(ctx, code, reason, "", false)
}

// statefulReply answers the request's transaction, creating it when
// create is set, with the headers append_to_reply added and body.
func statefulReply(ctx *engine.Context, code int, reason, body string, create bool) (int, bool) {
	st := peekState(ctx)
	if st == nil || st.tx == nil {
		if !create {
			return 0, false
		}
		st = stateOf(ctx)
		if tx, ret := ensureTransaction(ctx, st); tx == nil {
			return ret, true
		}
	}
	ret := -1
	st.with(func(tx *Transaction) {
		if !st.locked {
			// Replies carry the script's edits to the request made so far
			// only through its Via and headers, which AppendReply copies
			// from the received bytes; nothing to refresh.
			tx.flags = ctx.Flags
		}
		ret = tx.replyWithLocked(code, reason, ctx.ReplyHeaders, body)
	})
	return ret, true
}

// tCheckTrans is t_check_trans(): for a retransmission, the last reply
// goes again and the script stops (0); a CANCEL is true when the INVITE it
// cancels has a transaction; an ACK is true when it acknowledges one of
// our non-2xx replies (and is absorbed by it), -2 when it is the end-to-end
// ACK of a 2xx; otherwise false.
func tCheckTrans(ctx *engine.Context, _ []engine.Arg) int {
	m := ctx.Msg
	switch m.Method() {
	case sip.MethodCancel:
		if lookupInvite(m) != nil {
			return 1
		}
		return -1
	case sip.MethodAck:
		tx := lookupRequest(m)
		if tx == nil {
			return -1
		}
		tx.mu.Lock()
		mine := tx.ackLocked()
		tx.mu.Unlock()
		if mine {
			return 1
		}
		return -2
	}
	if st := peekState(ctx); st != nil && st.tx != nil {
		return 1 // this very message made it (t_newtran before)
	}
	tx := lookupRequest(m)
	if tx == nil {
		return -1
	}
	tx.mu.Lock()
	tx.retransmitLocked()
	tx.mu.Unlock()
	return 0
}

// setRoute is t_on_failure, t_on_reply and t_on_branch: the route is
// armed on the transaction, or kept until t_relay makes it. t_on_reply in
// branch_route arms it for that branch only.
func setRoute(kind engine.RouteType) func(ctx *engine.Context, a []engine.Arg) int {
	return func(ctx *engine.Context, a []engine.Arg) int {
		r, _ := a[0].Fixed.(engine.Route)
		if r == nil {
			return -1
		}
		st := stateOf(ctx)
		if kind == engine.OnReplyRoute && ctx.Route == engine.BranchRoute && st.branch != nil {
			st.branchOnReply = r
			return 1
		}
		set := func(f, o, b *engine.Route) {
			switch kind {
			case engine.FailureRoute:
				*f = r
			case engine.OnReplyRoute:
				*o = r
			case engine.BranchRoute:
				*b = r
			}
		}
		if !st.with(func(tx *Transaction) { set(&tx.onFailure, &tx.onReply, &tx.onBranch) }) {
			set(&st.onFailure, &st.onReply, &st.onBranch)
		}
		return 1
	}
}

// replyCode is the code t_check_status and $T_reply_code look at: the
// reply being processed in onreply_route, the winning one in
// failure_route, else the last reply sent for the transaction.
func replyCode(ctx *engine.Context) int {
	st := peekState(ctx)
	if st == nil {
		return 0
	}
	if st.code != 0 {
		return st.code
	}
	code := 0
	st.with(func(tx *Transaction) { code = tx.lastCode })
	return code
}

// tCheckStatus is t_check_status(re).
func tCheckStatus(ctx *engine.Context, a []engine.Arg) int {
	code := replyCode(ctx)
	if code == 0 {
		return -1
	}
	re, _ := a[0].Fixed.(*regexp.Regexp)
	if re == nil {
		var err error
		if re, err = regexp.Compile(a[0].Str); err != nil {
			return -1
		}
	}
	if re.MatchString(strconv.Itoa(code)) {
		return 1
	}
	return -1
}

// tWasCancelled is t_was_cancelled().
func tWasCancelled(ctx *engine.Context, _ []engine.Arg) int {
	cancelled := false
	peekState(ctx).with(func(tx *Transaction) { cancelled = tx.cancelled })
	if cancelled {
		return 1
	}
	return -1
}

// localFixup checks t_local_replied's "all" or "last".
func localFixup(s string) (any, error) {
	if s != "all" && s != "last" {
		return nil, errorf("t_local_replied takes \"all\" or \"last\", not %q", s)
	}
	return s == "all", nil
}

// tLocalReplied is t_local_replied("all"|"last"): whether every reply, or
// the last one, was made here rather than received.
func tLocalReplied(ctx *engine.Context, a []engine.Arg) int {
	all, _ := a[0].Fixed.(bool)
	st := peekState(ctx)
	local := false
	st.with(func(tx *Transaction) {
		if all {
			local = true
			for _, b := range tx.branches {
				local = local && !b.received
			}
			return
		}
		if st.winner != nil {
			local = st.winner.local
			return
		}
		local = tx.lastLocal
	})
	if local {
		return 1
	}
	return -1
}

// cancelFixup reads t_cancel_branch's flags: "a" all, "o" others, "" the
// current branch.
func cancelFixup(s string) (any, error) {
	if s != "" && s != "a" && s != "o" {
		return nil, errorf("t_cancel_branch takes \"a\", \"o\" or nothing, not %q", s)
	}
	return s, nil
}

// tCancelBranch is t_cancel_branch([flags]) in onreply_route.
func tCancelBranch(ctx *engine.Context, a []engine.Arg) int {
	which, _ := a[0].Fixed.(string)
	st := peekState(ctx)
	if st == nil || st.branch == nil {
		return -1
	}
	st.with(func(tx *Transaction) {
		for _, b := range tx.branches {
			switch {
			case which == "a", which == "o" && b != st.branch, which == "" && b == st.branch:
				b.cancelLocked()
			}
		}
	})
	return 1
}

// tFlushFlags is t_flush_flags(): the message flags as the script has
// them now become the transaction's (after t_newtran, flags set later
// would otherwise not reach it).
func tFlushFlags(ctx *engine.Context, _ []engine.Arg) int {
	st := peekState(ctx)
	if !st.with(func(tx *Transaction) { tx.flags = ctx.Flags }) {
		return -1
	}
	return 1
}
