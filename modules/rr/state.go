package rr

import (
	"log/slog"

	"switchboard/engine"
	"switchboard/sip"
)

// stateKey is the key of rr's per-message state in engine.Context.
type stateKey struct{}

// msgState is what rr remembers about one request between the script
// functions and the forward hook.
type msgState struct {
	// recorded is set by record_route or record_route_preset: every copy
	// of the request that leaves gets our Record-Route.
	recorded bool
	// presets are record_route_preset's URIs, outbound first; none means
	// the sending socket's address.
	presets []presetURI
	// rrParams are record_route's parameters, extra add_rr_param's, each
	// starting with ';'. add_rr_param may run before or after
	// record_route, so they are kept apart and written in that order.
	rrParams, extra string
	// user and fromTag are taken when record_route runs (add_username,
	// append_fromtag), from the request as the script saw it then.
	user, fromTag string

	// routed is set when loose_route found our own address in the top
	// Route or in the Request-URI; routeParams are that URI's parameters,
	// from its leading ';' (check_route_param, is_direction, $rr_params).
	routed      bool
	routeParams sip.Params
}

// stateOf returns the message's rr state, nil when no rr function ran.
func stateOf(ctx *engine.Context) *msgState {
	st, _ := ctx.State(stateKey{}).(*msgState)
	return st
}

// ensureState returns the message's rr state, making it on first use.
func ensureState(ctx *engine.Context) *msgState {
	if st := stateOf(ctx); st != nil {
		return st
	}
	st := &msgState{}
	ctx.SetState(stateKey{}, st)
	return st
}

// logger is where rr reports what OpenSIPS logs: the message's logger
// when the runtime gave one.
func logger(ctx *engine.Context) *slog.Logger {
	l := ctx.Log
	if l == nil {
		l = slog.Default()
	}
	return l.With("module", "rr")
}
