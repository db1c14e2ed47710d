package tm

import (
	"fmt"
	"log/slog"

	"switchboard/engine"
	"switchboard/sip"
)

// parseReplicateFlags reads t_replicate's flags: of t_relay's, OpenSIPS
// applies only no-dns-failover here, which switchboard's tm does not
// have yet.
func parseReplicateFlags(s string) (any, error) {
	f, err := parseRelayFlags(s)
	if err != nil {
		return nil, err
	}
	switch rf := f.(relayFlags); {
	case rf.noAuto477:
		return nil, fmt.Errorf("t_replicate: flag no-auto-477 does not apply (a replicated request never answers the UAC)")
	case rf.passReason:
		return nil, fmt.Errorf("t_replicate: flag pass-reason-hdr does not apply (a CANCEL is not replicated)")
	}
	return f, nil
}

// tReplicate is t_replicate(uri[, flags]): a copy of the request goes
// statefully to uri (and to the branches append_branch added), and the
// replies stop here: the UAC hears nothing of them, as OpenSIPS's
// t_replicate marks the transaction local. Replies the script sends
// itself (t_reply, save's) still go to the UAC. tm ACKs a 2xx to a
// replicated INVITE itself. As in OpenSIPS, $du is set to uri.
func tReplicate(ctx *engine.Context, a []engine.Arg) int {
	uri := a[0].Str
	if _, err := sip.ParseURI(uri); err != nil {
		logger(ctx).Error("t_replicate: not a SIP URI", "uri", uri, "err", err)
		return -1
	}
	m := ctx.Msg
	if m == nil || !m.IsRequest() {
		return -1
	}
	switch m.Method() {
	case sip.MethodAck:
		// No transaction: the ACK goes on statelessly, as t_relay_to
		// sends it.
		if err := ctx.Sender.ForwardRequest(ctx, uri); err != nil {
			logger(ctx).Error("t_replicate: forwarding the ACK failed", "err", err)
			return -1
		}
		return 1
	case sip.MethodCancel:
		logger(ctx).Error("not supported: t_replicate of a CANCEL")
		return -1
	}
	ctx.DstURI = uri
	st := stateOf(ctx)
	if st.locked { // failure_route: more branches on the same transaction
		st.tx.replicated = true
		return st.tx.relayLocked(ctx, "")
	}
	created := st.tx == nil
	tx, ret := ensureTransaction(ctx, st)
	if tx == nil {
		return ret
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.replicated = true
	tx.takeRequestLocked(ctx, created)
	return tx.relayLocked(ctx, "")
}

// logger is the script's logger for tm's messages.
func logger(ctx *engine.Context) *slog.Logger {
	l := ctx.Log
	if l == nil {
		l = slog.Default()
	}
	return l.With("module", "tm")
}
