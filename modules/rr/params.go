package rr

import (
	"regexp"

	"switchboard/engine"
	"switchboard/sip"
)

// checkRouteParam is check_route_param(re): whether the parameters of our
// own Route (found by loose_route) match re. They are matched from their
// leading ';', as OpenSIPS does, so "nat=yes" and ";nat=yes" both work.
func checkRouteParam(ctx *engine.Context, a []engine.Arg) int {
	st := stateOf(ctx)
	re, _ := a[0].Fixed.(*regexp.Regexp)
	if st == nil || !st.routed || len(st.routeParams) < 2 || !a[0].Set || re == nil {
		return -1
	}
	if re.MatchString(string(st.routeParams)) {
		return 1
	}
	return -1
}

// isDirection is is_direction(dir): the ftag of our Route is the From tag
// of the request that created the dialog, so a request with another From
// tag flows upstream, from the callee. Without an ftag or a From tag the
// request counts as downstream, as in OpenSIPS.
func isDirection(ctx *engine.Context, a []engine.Arg) int {
	want, ok := a[0].Fixed.(direction)
	if !ok {
		if want, ok = parseDirection(a[0].Str); !ok {
			logger(ctx).Error("is_direction: unknown direction", "dir", a[0].Str)
			return -1
		}
	}
	if requestDirection(ctx) == want {
		return 1
	}
	return -1
}

func requestDirection(ctx *engine.Context) direction {
	st := stateOf(ctx)
	if st == nil || !st.routed {
		return downstream
	}
	ftag, _ := st.routeParams.Get("ftag")
	if ftag == "" {
		return downstream
	}
	if unescaped, err := sip.Unescape(ftag); err == nil {
		ftag = unescaped
	}
	from, err := ctx.Msg.From()
	if err != nil || from.Tag() == "" || from.Tag() == ftag {
		return downstream
	}
	return upstream
}

// routeParamsPV is $rr_params: the parameters of our own Route, without
// the leading ';'; null before loose_route found it.
func routeParamsPV(ctx *engine.Context, _ *engine.PVKey) engine.Value {
	st := stateOf(ctx)
	if st == nil || !st.routed || len(st.routeParams) < 2 {
		return engine.Null
	}
	return engine.Str(string(st.routeParams[1:]))
}
