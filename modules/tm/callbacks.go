package tm

import (
	"switchboard/core"
	"switchboard/engine"
	"switchboard/sip"
)

// callback is one registration of another module (acc) on a
// transaction: OpenSIPS's tm callbacks, reached through core so that the
// module never imports tm.
type callback struct {
	key   any
	kinds core.TMCallbackKind
	cb    core.TMCallback
}

// registerCallback is core.TMCallbackRegistrar: the callback goes on the
// request's transaction, or waits in the message's state for the one
// t_relay or t_newtran makes (applyTo hands it over).
func registerCallback(ctx *engine.Context, key any, kinds core.TMCallbackKind, cb core.TMCallback) (core.TMCallback, bool) {
	m := ctx.Msg
	if m == nil || !m.IsRequest() || m.Method() == sip.MethodAck || cb == nil {
		return nil, false // an ACK never gets a transaction to call back from
	}
	add := func(list *[]callback) core.TMCallback {
		for _, c := range *list {
			if c.key == key {
				return c.cb
			}
		}
		*list = append(*list, callback{key: key, kinds: kinds, cb: cb})
		return cb
	}
	st := stateOf(ctx)
	var got core.TMCallback
	if !st.with(func(tx *Transaction) { got = add(&tx.callbacks) }) {
		got = add(&st.callbacks)
	}
	return got, true
}

// runCallbacksLocked tells the callbacks registered for kind. reply is
// nil for a reply tm made itself.
func (tx *Transaction) runCallbacksLocked(kind core.TMCallbackKind, reply *sip.Msg, code int, reason string) {
	if len(tx.callbacks) == 0 {
		return
	}
	if reason == "" {
		reason = sip.ReasonPhrase(code)
	}
	ev := &core.TMEvent{Kind: kind, Request: tx.request, Reply: reply, Code: code, Reason: reason}
	for _, c := range tx.callbacks {
		if c.kinds&kind != 0 {
			c.cb.TransactionEvent(ev)
		}
	}
}

// failedLocked tells the TMOnFailure callbacks that every branch failed
// and best won, with the code sendBestLocked would send for it.
func (tx *Transaction) failedLocked(best *branch) {
	switch {
	case best.local && tx.cancelled:
		tx.runCallbacksLocked(core.TMOnFailure, nil, 487, "")
	case best.local:
		tx.runCallbacksLocked(core.TMOnFailure, nil, best.code, "")
	default:
		tx.runCallbacksLocked(core.TMOnFailure, best.final, best.code, best.final.Reason())
	}
}
