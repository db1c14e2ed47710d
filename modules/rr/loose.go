package rr

import (
	"strings"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/sip"
)

// looseRoute is loose_route(): route information preprocessing (RFC 3261
// §16.4) and the routing of a request by its route set (§16.12). It
// returns 1 when the route set decides the next hop, -1 when there is no
// Route header, when the only Route of an initial request was ours (it is
// removed), or on a parse error, as OpenSIPS does.
//
// Where OpenSIPS sets the destination URI, so does this: ctx.DstURI, which
// core.NextHop prefers to the Request-URI.
func looseRoute(ctx *engine.Context, _ []engine.Arg) int {
	st := ensureState(ctx)
	st.routed, st.routeParams = false, ""
	m := ctx.Msg
	routes, err := m.Routes()
	if err != nil {
		logger(ctx).Error("loose_route: bad Route header", "err", err)
		return -1
	}
	if len(routes) == 0 {
		return -1
	}
	ruri, err := sip.ParseURI(m.NewRequestURI())
	if err != nil {
		logger(ctx).Error("loose_route: bad Request-URI", "err", err)
		return -1
	}
	to, err := m.To()
	if err != nil {
		logger(ctx).Error("loose_route: bad To header", "err", err)
		return -1
	}
	r := &router{ctx: ctx, st: st, routes: routes, drop: make([]bool, len(routes))}
	defer r.removeDropped()
	// Only a request inside a dialog can come from a strict router that
	// put our Record-Route into the Request-URI; a GRUU there names a
	// user agent behind us, not us.
	preloaded := to.Tag() == ""
	if !preloaded && isMyself(&ruri) && !ruri.Params.Has("gr") {
		return r.afterStrict(&ruri)
	}
	return r.afterLoose(preloaded)
}

// router is one loose_route run: the route set as received and which of
// its values are to go.
type router struct {
	ctx    *engine.Context
	st     *msgState
	routes []sip.NameAddr
	drop   []bool
}

// afterLoose handles a request whose Request-URI is not ours: the previous
// hop was a loose router, or the Route set was preloaded. Our own value on
// top is removed (RFC 3261 §16.4), with the second of a double
// Record-Route (r2), and the next value decides the next hop.
func (r *router) afterLoose(preloaded bool) int {
	next := 0
	// Inside a dialog the request leaves where it came in, unless a
	// double Record-Route names the other socket: the far side knows us
	// by that address.
	sameSocket := false
	if top := &r.routes[0]; isMyself(&top.URI) {
		r.st.routed, r.st.routeParams = true, top.URI.Params
		r.drop[0] = true
		next, sameSocket = 1, true
		if config.doubleRR && top.URI.Params.Has("r2") && len(r.routes) > 1 {
			r.forceSocket(&r.routes[1].URI)
			r.drop[1] = true
			next, sameSocket = 2, false
		}
	}
	if sameSocket && !preloaded {
		r.ctx.Socket = r.ctx.Received.Socket
	}
	if next == len(r.routes) {
		// Our Route was the last: the Request-URI is the next hop. A
		// preloaded Route to us alone does not make routing route-driven.
		if preloaded {
			return -1
		}
		return 1
	}
	r.toNextHop(next)
	return 1
}

// afterStrict handles an in-dialog request whose Request-URI is ours: the
// previous hop was a strict router, which put our Record-Route value there
// and the remote target in the last Route (RFC 3261 §16.4).
func (r *router) afterStrict(ruri *sip.URI) int {
	r.st.routed, r.st.routeParams = true, ruri.Params
	i := 0
	if top := &r.routes[0]; config.doubleRR && top.URI.Params.Has("r2") && isMyself(&top.URI) {
		r.forceSocket(&top.URI)
		r.drop[0] = true
		i = 1
		if i == len(r.routes) {
			return -1
		}
	} else {
		r.forceSocket(ruri)
	}
	hop := &r.routes[i]
	if !hop.URI.Params.Has("lr") {
		// The next hop is a strict router too: it gets its own URI as
		// the Request-URI.
		r.ctx.Msg.SetRequestURI(hopURI(&hop.URI))
		r.drop[i] = true
		return 1
	}
	// RFC 3261 §16.4: the Request-URI becomes the last Route value, which
	// is removed, and the request goes to the next (loose) hop.
	r.ctx.DstURI = hopURI(&hop.URI)
	last := len(r.routes) - 1
	r.ctx.Msg.SetRequestURI(hopURI(&r.routes[last].URI))
	r.drop[last] = true
	return 1
}

// toNextHop sends the request to route value i: to it as the destination
// when it is a loose router, else (RFC 3261 §16.6 step 6) as the
// Request-URI, with the Request-URI saved as the last Route value.
func (r *router) toNextHop(i int) {
	hop := &r.routes[i]
	if hop.URI.Params.Has("lr") {
		r.ctx.DstURI = hopURI(&hop.URI)
		return
	}
	m := r.ctx.Msg
	m.AddHeader("Route", "<"+m.NewRequestURI()+">")
	m.SetRequestURI(hopURI(&hop.URI))
	r.drop[i] = true
}

// forceSocket makes the request leave from the socket u names (a double
// Record-Route value, or our own Request-URI), as OpenSIPS forces its
// send socket. A URI that is not ours cannot name a socket.
func (r *router) forceSocket(u *sip.URI) {
	proto := "udp"
	if t, ok := u.Params.Get("transport"); ok && t != "" {
		proto = strings.ToLower(t)
	} else if sip.EqualFold(u.Scheme, "sips") {
		proto = "tls"
	}
	if !isMyself(u) {
		if config.mismatchWarning {
			logger(r.ctx).Warn("no socket found to match the Route", "uri", u.Raw)
		}
		return
	}
	port := u.Port
	if port == 0 {
		port = 5060
		if proto == "tls" || proto == "wss" {
			port = 5061
		}
	}
	r.ctx.Socket = proto + ":" + core.HostPort(u.HostName(), port)
}

// isMyself reports whether a Route or Request-URI names this server: its
// maddr when it has one, else its host and port.
func isMyself(u *sip.URI) bool {
	if !u.IsSIP() {
		return false
	}
	if maddr, ok := u.Params.Get("maddr"); ok && maddr != "" {
		return core.IsMyself(maddr, u.Port)
	}
	return core.IsMyself(u.Host, u.Port)
}

// hopURI is where a route value sends the request: its maddr when it has
// one (with the URI's port), else the URI itself.
func hopURI(u *sip.URI) string {
	maddr, ok := u.Params.Get("maddr")
	if !ok || maddr == "" {
		return u.Raw
	}
	if u.Port != 0 {
		return "sip:" + core.HostPort(maddr, u.Port)
	}
	return "sip:" + maddr
}
