package core

import (
	"switchboard/engine"
	"switchboard/sip"
)

// TMCallbackKind says when a transaction callback runs, as OpenSIPS's
// TMCB_* types do. Kinds are bits so one registration can take several.
type TMCallbackKind uint8

// Transaction callback kinds.
const (
	// TMResponseOut runs for every reply the transaction sends upstream:
	// provisional or final, relayed or made by tm (TMCB_RESPONSE_OUT).
	TMResponseOut TMCallbackKind = 1 << iota
	// TMOnFailure runs when every branch ended with a negative final
	// reply, before failure_route would run and before the reply goes
	// upstream (TMCB_ON_FAILURE).
	TMOnFailure
)

// TMEvent is what a transaction callback is told.
type TMEvent struct {
	Kind TMCallbackKind
	// Request is the transaction's request (tm's own copy): callbacks
	// read it, never change it.
	Request *sip.Msg
	// Reply is the reply received from downstream, nil when tm made the
	// reply itself (a local reply, a timeout). Valid during the call
	// only: the core reuses received messages.
	Reply  *sip.Msg
	Code   int
	Reason string
}

// TMCallback is told of a transaction's events. tm calls it with the
// transaction locked: it must be quick and must not call back into tm.
type TMCallback interface {
	TransactionEvent(ev *TMEvent)
}

// TMCallbackRegistrar registers cb under key for kinds on the
// transaction of the request in ctx; when the transaction does not exist
// yet, cb waits for the one t_relay or t_newtran will make for this
// request (OpenSIPS's pending callbacks). When a callback is already
// registered under key (the script called do_accounting twice, or again
// in failure_route), that one is returned and cb is dropped, so a module
// keeps one state per transaction. ok is false when ctx holds no request
// that could get a transaction.
type TMCallbackRegistrar func(ctx *engine.Context, key any, kinds TMCallbackKind, cb TMCallback) (registered TMCallback, ok bool)

var tmCallbacks TMCallbackRegistrar

// ProvideTMCallbacks is called by tm.
func ProvideTMCallbacks(f TMCallbackRegistrar) { tmCallbacks = f }

// TMCallbacks returns tm's callback registration, nil when tm is not
// built.
func TMCallbacks() TMCallbackRegistrar { return tmCallbacks }
