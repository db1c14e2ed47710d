// Package textops is the OpenSIPS textops module: regular-expression
// search and replace over the SIP message text, and sed-like subst on the
// message, the Request-URI and its user part.
package textops

import (
	"switchboard/core"
	"switchboard/engine"
)

// routes is where every textops function may run except subst_uri and
// subst_user, which OpenSIPS does not allow in local_route.
const routes = engine.RequestRoute | engine.OnReplyRoute | engine.FailureRoute |
	engine.BranchRoute | engine.LocalRoute

func init() {
	re := engine.ArgSpec{Kind: engine.ArgRegex}
	str := engine.ArgSpec{Kind: engine.ArgStr}
	// OpenSIPS does not expand the subst argument as a format string
	// (CMD_PARAM_NO_EXPAND): '$' anchors the pattern, so the argument is a
	// constant compiled once.
	subst := []engine.ArgSpec{{Kind: engine.ArgStatic, Fixup: fixupSubst}}
	reStr := []engine.ArgSpec{re, str}
	uriRoutes := routes &^ engine.LocalRoute
	core.Register(&engine.Module{
		Name: "textops",
		Functions: []engine.Function{
			{Name: "search", Args: []engine.ArgSpec{re}, Routes: routes, Run: search},
			{Name: "search_body", Args: []engine.ArgSpec{re}, Routes: routes, Run: searchBody},
			{Name: "search_append", Args: reStr, Routes: routes, Run: searchAppend},
			{Name: "search_append_body", Args: reStr, Routes: routes, Run: searchAppendBody},
			{Name: "replace", Args: reStr, Routes: routes, Run: replaceFirst},
			{Name: "replace_body", Args: reStr, Routes: routes, Run: replaceBody},
			{Name: "replace_all", Args: reStr, Routes: routes, Run: replaceAll},
			{Name: "replace_body_all", Args: reStr, Routes: routes, Run: replaceBodyAll},
			{Name: "replace_body_atonce", Args: reStr, Routes: routes, Run: replaceBodyAtOnce},
			{Name: "subst", Args: subst, Routes: routes, Run: substMsg},
			{Name: "subst_uri", Args: subst, Routes: uriRoutes, Run: substURI},
			{Name: "subst_user", Args: subst, Routes: uriRoutes, Run: substUser},
			{Name: "subst_body", Args: subst, Routes: routes, Run: substBody},
		},
	})
}
