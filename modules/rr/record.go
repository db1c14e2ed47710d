package rr

import (
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// recordRoute is record_route([params]): ask for our Record-Route in
// every copy of the request that leaves (RFC 3261 §16.6 step 4). The
// header needs the sending socket, which is only known once the core has
// chosen the destination, so the function records the wish and the
// forward hook writes the header.
func recordRoute(ctx *engine.Context, a []engine.Arg) int {
	st := ensureState(ctx)
	if st.recorded {
		logger(ctx).Error("double attempt to record-route")
		return -1
	}
	params := ""
	if len(a) > 0 && a[0].Set {
		var ok bool
		if params, ok = uriParams(a[0].Str); !ok {
			logger(ctx).Error("record_route: not URI parameters", "params", a[0].Str)
			return -1
		}
	}
	if !st.capture(ctx) {
		return -1
	}
	st.recorded, st.rrParams = true, params
	return 1
}

// recordRoutePreset is record_route_preset(uri [, uri2]): a Record-Route
// with the given address instead of the socket's; with two, the first is
// the outbound interface and the second the inbound one (RFC 5658).
func recordRoutePreset(ctx *engine.Context, a []engine.Arg) int {
	st := ensureState(ctx)
	if st.recorded {
		logger(ctx).Error("double attempt to record-route")
		return -1
	}
	second := len(a) > 1 && a[1].Set
	if second && !config.doubleRR {
		logger(ctx).Error("record_route_preset with two addresses while enable_double_rr is off")
		return -1
	}
	first, ok := parsePreset(a[0].Str)
	if !ok {
		logger(ctx).Error("record_route_preset: not a SIP URI", "uri", a[0].Str)
		return -1
	}
	presets := []presetURI{first}
	if second {
		p, ok := parsePreset(a[1].Str)
		if !ok {
			logger(ctx).Error("record_route_preset: not a SIP URI", "uri", a[1].Str)
			return -1
		}
		presets = append(presets, p)
	}
	if !st.capture(ctx) {
		return -1
	}
	st.recorded, st.presets = true, presets
	return 1
}

// addRRParam is add_rr_param(param): a parameter for our Record-Route,
// before or after record_route, for the dialog's later requests to find
// with check_route_param.
func addRRParam(ctx *engine.Context, a []engine.Arg) int {
	params, ok := uriParams(a[0].Str)
	if !ok {
		logger(ctx).Error("add_rr_param: not URI parameters", "params", a[0].Str)
		return -1
	}
	st := ensureState(ctx)
	st.extra += params
	return 1
}

// capture takes what the Record-Route carries from the request as it is
// now: the From tag (append_fromtag) and the R-URI user (add_username).
func (st *msgState) capture(ctx *engine.Context) bool {
	m := ctx.Msg
	if config.appendFromTag {
		from, err := m.From()
		if err != nil {
			logger(ctx).Error("record_route: bad From header", "err", err)
			return false
		}
		st.fromTag = from.Tag()
	}
	if config.addUsername {
		user, ok := requestUser(m)
		if !ok {
			logger(ctx).Error("record_route: bad Request-URI")
			return false
		}
		st.user = user
	}
	return true
}

// requestUser is the user of the received Request-URI, or of the new one
// when the received one has none (a request to a service address the
// script rewrote), as OpenSIPS's add_username takes it.
func requestUser(m *sip.Msg) (string, bool) {
	u, err := m.RequestURI()
	if err != nil {
		return "", false
	}
	if u.User != "" || m.NewRequestURI() == m.RequestURIString() {
		return u.User, true
	}
	nu, err := sip.ParseURI(m.NewRequestURI())
	if err != nil {
		return "", false
	}
	return nu.User, true
}

// uriParams checks that s is a list of URI parameters (";name=value",
// the leading ';' may be left out) and returns it with its ';'. Parameters
// often come from variables; anything that is not URI parameters (a '>',
// a line break) would let a caller write headers of its own, so it is
// refused.
func uriParams(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if s[0] != ';' {
		s = ";" + s
	}
	u, err := sip.ParseURI("sip:h" + s)
	if err != nil || string(u.Params) != s || u.Headers != "" {
		return "", false
	}
	return s, true
}

// presetURI is a record_route_preset address: the scheme, and the rest
// after "scheme:".
type presetURI struct {
	scheme, rest string
	hasUser      bool
	hasR2        bool
}

// parsePreset reads a record_route_preset argument. OpenSIPS writes
// "sip:" before it, so scripts give "host:port"; a full sip: or sips: URI
// is taken as it is rather than prefixed twice.
func parsePreset(s string) (presetURI, bool) {
	s = strings.TrimSpace(s)
	p := presetURI{scheme: "sip", rest: s}
	if i := strings.IndexByte(s, ':'); i > 0 && (sip.EqualFold(s[:i], "sip") || sip.EqualFold(s[:i], "sips")) {
		p.scheme, p.rest = s[:i], s[i+1:]
	}
	u, err := sip.ParseURI(p.scheme + ":" + p.rest)
	if err != nil || u.Headers != "" || p.rest == "" {
		return presetURI{}, false
	}
	p.hasUser, p.hasR2 = u.User != "", u.Params.Has("r2")
	return p, true
}
