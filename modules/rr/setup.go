// Package rr is the OpenSIPS rr module: Record-Route on requests that
// start a dialog (RFC 3261 §16.6 step 4, RFC 5658 double Record-Route) and
// routing of requests that carry a route set (RFC 3261 §16.4 and §16.12),
// with parameters kept in our own Record-Route for the rest of the dialog.
package rr

import (
	"fmt"
	"strings"

	"switchboard/core"
	"switchboard/engine"
)

// config holds the modparams. They are set while the script is loaded,
// before any message runs, and only read afterwards.
var config = struct {
	appendFromTag   bool // append_fromtag: ;ftag= in our Record-Route, for is_direction
	doubleRR        bool // enable_double_rr: two Record-Routes when the sockets differ
	addUsername     bool // add_username: the R-URI user in our Record-Route
	mismatchWarning bool // enable_socket_mismatch_warning
}{appendFromTag: true, doubleRR: true, mismatchWarning: true}

// recordRoutes are where a request is still being routed: OpenSIPS allows
// the Record-Route functions in request, branch and failure routes.
const recordRoutes = engine.RequestRoute | engine.BranchRoute | engine.FailureRoute

func init() {
	str := engine.ArgSpec{Kind: engine.ArgStr}
	optStr := engine.ArgSpec{Kind: engine.ArgStr, Optional: true}
	core.Register(&engine.Module{
		Name: "rr",
		Params: []engine.Param{
			engine.BoolParam("append_fromtag", func(b bool) { config.appendFromTag = b }),
			engine.BoolParam("enable_double_rr", func(b bool) { config.doubleRR = b }),
			engine.BoolParam("add_username", func(b bool) { config.addUsername = b }),
			engine.BoolParam("enable_socket_mismatch_warning", func(b bool) { config.mismatchWarning = b }),
		},
		Functions: []engine.Function{
			{Name: "loose_route", Routes: engine.RequestRoute, Run: looseRoute},
			{Name: "record_route", Args: []engine.ArgSpec{optStr}, Routes: recordRoutes, Run: recordRoute},
			{Name: "record_route_preset", Args: []engine.ArgSpec{str, optStr}, Routes: recordRoutes, Run: recordRoutePreset},
			{Name: "add_rr_param", Args: []engine.ArgSpec{str}, Routes: recordRoutes, Run: addRRParam},
			{Name: "check_route_param", Args: []engine.ArgSpec{{Kind: engine.ArgRegex}}, Routes: engine.RequestRoute, Run: checkRouteParam},
			{Name: "is_direction", Args: []engine.ArgSpec{{Kind: engine.ArgStr, Fixup: fixupDirection}},
				Routes: engine.RequestRoute, Run: isDirection},
		},
		PVs: []engine.PVClass{
			{Name: "rr_params", Key: engine.KeyNone, Get: routeParamsPV},
		},
		BeforeForward: insertRecordRoute,
	})
}

// direction is what is_direction checks, relative to the request that
// created the dialog.
type direction uint8

const (
	downstream direction = iota + 1 // from the caller (UAC) to the callee
	upstream                        // from the callee back to the caller
)

// fixupDirection reads is_direction's argument once. The direction is
// found from the ftag parameter, so without append_fromtag the function
// could never answer; OpenSIPS refuses the script then, and so do we.
func fixupDirection(s string) (any, error) {
	if !config.appendFromTag {
		return nil, fmt.Errorf(`is_direction needs modparam("rr", "append_fromtag", 1)`)
	}
	d, ok := parseDirection(s)
	if !ok {
		return nil, fmt.Errorf("unknown direction %q: use \"upstream\" or \"downstream\"", s)
	}
	return d, nil
}

func parseDirection(s string) (direction, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "downstream":
		return downstream, true
	case "upstream":
		return upstream, true
	}
	return 0, false
}
