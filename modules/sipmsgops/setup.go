// Package sipmsgops is the OpenSIPS sipmsgops module: SIP-aware checks
// and edits of the message (methods, headers, Request-URI parameters,
// body presence, validation, reply status).
package sipmsgops

import (
	"switchboard/core"
	"switchboard/engine"
)

// Route sets of the OpenSIPS export table.
const (
	msgRoutes = engine.RequestRoute | engine.OnReplyRoute | engine.FailureRoute |
		engine.BranchRoute | engine.LocalRoute
	reqRoutes = engine.RequestRoute | engine.FailureRoute | engine.BranchRoute | engine.LocalRoute
)

func init() {
	str := engine.ArgSpec{Kind: engine.ArgStr}
	hname := engine.ArgSpec{Kind: engine.ArgStr, Fixup: fixupHeaderName}
	optHname := engine.ArgSpec{Kind: engine.ArgStr, Optional: true, Fixup: fixupHeaderName}
	mime := engine.ArgSpec{Kind: engine.ArgStr, Optional: true, Fixup: fixupMime}
	variable := engine.ArgSpec{Kind: engine.ArgVar}
	core.Register(&engine.Module{
		Name: "sipmsgops",
		Functions: []engine.Function{
			{Name: "append_hf", Args: []engine.ArgSpec{str, optHname}, Routes: msgRoutes, Run: appendHF},
			{Name: "append_to_reply", Args: []engine.ArgSpec{str},
				Routes: engine.RequestRoute | engine.BranchRoute | engine.FailureRoute | engine.ErrorRoute, Run: appendToReply},
			{Name: "insert_hf", Args: []engine.ArgSpec{str, optHname}, Routes: msgRoutes, Run: insertHF},
			{Name: "append_urihf", Args: []engine.ArgSpec{str, str},
				Routes: engine.RequestRoute | engine.FailureRoute | engine.BranchRoute, Run: appendURIHF},
			{Name: "remove_hf", Args: []engine.ArgSpec{hname}, Routes: msgRoutes, Run: removeHF},
			{Name: "remove_hf_re", Args: []engine.ArgSpec{{Kind: engine.ArgRegex}}, Routes: msgRoutes, Run: removeHFRegex},
			{Name: "remove_hf_glob", Args: []engine.ArgSpec{{Kind: engine.ArgStr, Fixup: fixupGlob}}, Routes: msgRoutes, Run: removeHFGlob},
			{Name: "is_present_hf", Args: []engine.ArgSpec{hname}, Routes: msgRoutes, Run: isPresentHF},
			{Name: "is_method", Args: []engine.ArgSpec{{Kind: engine.ArgStr, Fixup: fixupMethods}}, Routes: msgRoutes, Run: isMethod},
			{Name: "has_totag", Routes: msgRoutes, Run: hasToTag},
			{Name: "has_body", Args: []engine.ArgSpec{mime}, Routes: msgRoutes, Run: hasBody},
			{Name: "has_body_part", Args: []engine.ArgSpec{mime}, Routes: msgRoutes, Run: hasBody},
			{Name: "is_privacy", Args: []engine.ArgSpec{{Kind: engine.ArgStr, Fixup: fixupPrivacy}}, Routes: msgRoutes, Run: isPrivacy},
			{Name: "ruri_has_param", Args: []engine.ArgSpec{str, {Kind: engine.ArgStr, Optional: true}}, Routes: reqRoutes, Run: ruriHasParam},
			{Name: "ruri_add_param", Args: []engine.ArgSpec{str}, Routes: reqRoutes, Run: ruriAddParam},
			{Name: "ruri_del_param", Args: []engine.ArgSpec{str}, Routes: reqRoutes, Run: ruriDelParam},
			{Name: "ruri_tel2sip", Routes: reqRoutes, Run: ruriTel2SIP},
			{Name: "is_uri_user_e164", Args: []engine.ArgSpec{str},
				Routes: engine.RequestRoute | engine.FailureRoute | engine.LocalRoute, Run: isURIUserE164},
			{Name: "list_hdr_has_option", Args: []engine.ArgSpec{hname, str}, Routes: msgRoutes, Run: listHdrHasOption},
			{Name: "list_hdr_add_option", Args: []engine.ArgSpec{hname, str}, Routes: msgRoutes, Run: listHdrAddOption},
			{Name: "list_hdr_remove_option", Args: []engine.ArgSpec{hname, str}, Routes: msgRoutes, Run: listHdrRemoveOption},
			{Name: "sipmsg_validate", Args: []engine.ArgSpec{{Kind: engine.ArgStatic, Optional: true, Fixup: fixupValidateFlags},
				{Kind: engine.ArgVar, Optional: true}},
				Routes: msgRoutes &^ engine.LocalRoute, Run: sipmsgValidate},
			{Name: "change_reply_status", Args: []engine.ArgSpec{{Kind: engine.ArgInt}, str},
				Routes: engine.OnReplyRoute, Run: changeReplyStatus},
			{Name: "get_glob_headers_values", Args: []engine.ArgSpec{{Kind: engine.ArgStr, Fixup: fixupGlob}, variable, variable},
				Routes: msgRoutes, Run: getGlobHeadersValues},
		},
	})
}
