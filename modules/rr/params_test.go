package rr

import "testing"

func TestRouteParams(t *testing.T) {
	const target = "sip:bob@192.0.2.4"
	// The caller's BYE carries the caller's From tag, the ftag; the
	// callee's BYE carries the callee's.
	fromCaller := dialog{ruri: target, toTag: "a6c85cf", routes: []string{ourRR}}
	fromCallee := dialog{ruri: "sip:alice@192.0.2.1", fromTag: "a6c85cf", toTag: callerTag, routes: []string{ourRR}}
	strictBefore := dialog{ruri: "sip:127.0.0.1:5060;lr;ftag=a6c85cf;nat=no", fromTag: "a6c85cf", toTag: callerTag,
		routes: []string{"<sip:alice@192.0.2.1>"}}
	noFtag := dialog{ruri: target, toTag: "a6c85cf", routes: []string{"<sip:127.0.0.1;lr;nat=yes>"}}
	notOurs := dialog{ruri: target, toTag: "a6c85cf", routes: []string{"<sip:p2.example.com;lr;nat=yes>"}}
	tests := []struct {
		name string
		body string
		msg  dialog
		want int    // $var(rc)
		pv   string // $var(p): $rr_params, "<null>" when null
	}{
		{"rr docs check_route_param: matches our Route's parameters",
			`loose_route(); check_route_param("nat=yes"); $var(rc) = $rc;`, fromCaller, 1, ""},
		{"check_route_param: the leading ';' is part of what is matched",
			`loose_route(); check_route_param(";nat=yes$"); $var(rc) = $rc;`, fromCaller, 1, ""},
		{"check_route_param: no match",
			`loose_route(); check_route_param("nat=no"); $var(rc) = $rc;`, fromCaller, -1, ""},
		{"rr docs check_route_param: must be called after loose_route",
			`check_route_param("nat=yes"); $var(rc) = $rc;`, fromCaller, -1, ""},
		{"check_route_param: a Route that is not ours has no parameters of ours",
			`loose_route(); check_route_param("nat=yes"); $var(rc) = $rc;`, notOurs, -1, ""},
		{"check_route_param after a strict router: our parameters are in the R-URI",
			`loose_route(); check_route_param("nat=no"); $var(rc) = $rc;`, strictBefore, 1, ""},
		{"rr docs $rr_params: the whole parameter string after loose_route",
			`loose_route(); $var(p) = $rr_params;`, fromCaller, 0, "lr;ftag=1928301774;nat=yes"},
		{"$rr_params: null before loose_route",
			`if ($rr_params == NULL) { $var(p) = "<null>"; }`, fromCaller, 0, "<null>"},
		{"$rr_params: null when the top Route is not ours",
			`loose_route(); if ($rr_params == NULL) { $var(p) = "<null>"; }`, notOurs, 0, "<null>"},
		{"rr docs is_direction: the caller's request flows downstream",
			`loose_route(); is_direction("downstream"); $var(rc) = $rc;`, fromCaller, 1, ""},
		{"rr docs is_direction: the caller's request is not upstream",
			`loose_route(); is_direction("upstream"); $var(rc) = $rc;`, fromCaller, -1, ""},
		{"rr docs is_direction: the callee's request flows upstream",
			`loose_route(); is_direction("upstream"); $var(rc) = $rc;`, fromCallee, 1, ""},
		{"rr docs is_direction: the callee's request is not downstream",
			`loose_route(); is_direction("downstream"); $var(rc) = $rc;`, fromCallee, -1, ""},
		{"is_direction after a strict router: the ftag in the R-URI",
			`loose_route(); is_direction("downstream"); $var(rc) = $rc;`, strictBefore, 1, ""},
		{"OpenSIPS is_direction: no ftag counts as downstream",
			`loose_route(); is_direction("downstream"); $var(rc) = $rc;`, noFtag, 1, ""},
		{"is_direction: an escaped ftag is compared unescaped",
			`loose_route(); is_direction("downstream"); $var(rc) = $rc;`,
			dialog{ruri: target, fromTag: "19`28", toTag: "a6c85cf", routes: []string{"<sip:127.0.0.1;lr;ftag=19%6028>"}}, 1, ""},
		{"is_direction from a variable",
			`loose_route(); $var(d) = "UPSTREAM"; is_direction($var(d)); $var(rc) = $rc;`, fromCallee, 1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "", tc.body, tc.msg.String())
			if got := rc(r); tc.want != 0 && got != tc.want {
				t.Errorf("returned %d, want %d\n%s", got, tc.want, r.Log)
			}
			if got := r.Ctx.Vars.Get("p").String(); got != tc.pv {
				t.Errorf("$var(p) %q, want %q", got, tc.pv)
			}
		})
	}
}
