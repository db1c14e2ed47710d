package tm

import (
	"sync/atomic"

	"switchboard/core"
	"switchboard/engine"
)

// Where the functions may be called from, as OpenSIPS's tm allows.
const (
	requestFailure = engine.RequestRoute | engine.FailureRoute
	armRoutes      = engine.RequestRoute | engine.BranchRoute | engine.OnReplyRoute | engine.FailureRoute
	statusRoutes   = engine.RequestRoute | engine.OnReplyRoute | engine.FailureRoute | engine.BranchRoute
)

func init() {
	core.ProvideTransactionReply(transactionReply)
	core.ProvideTMCallbacks(registerCallback)
	core.ProvideLocalRequests(func(r *core.LocalRequest, done func(core.LocalResult)) error {
		_, err := SendLocal(r, done)
		return err
	})
	optStr := engine.ArgSpec{Kind: engine.ArgStr, Optional: true}
	core.Register(&engine.Module{
		Name:  "tm",
		Stats: statSpecs(),
		Params: []engine.Param{
			intParam("fr_timeout", &config.frTimeout, 1),
			intParam("fr_inv_timeout", &config.frInvTimeout, 1),
			intParam("T1_timer", &config.t1, 10),
			intParam("T2_timer", &config.t2, 10),
			intParam("wt_timer", &config.waitTimer, 0),
			engine.BoolParam("restart_fr_on_each_reply", config.restartFR.Store),
			engine.BoolParam("onreply_avp_mode", config.onreplyAVPs.Store),
			engine.BoolParam("disable_6xx_block", config.disable6xxBlock.Store),
			engine.BoolParam("auto_100trying", config.auto100.Store),
			engine.BoolParam("enable_stats", config.statsEnabled.Store),
			engine.BoolParam("pass_provisional_replies", config.passProvisional.Store),
		},
		Functions: []engine.Function{
			{Name: "t_relay", Routes: requestFailure, Run: tRelay, Args: []engine.ArgSpec{
				{Kind: engine.ArgStatic, Optional: true, Fixup: parseRelayFlags}, optStr}},
			{Name: "t_replicate", Routes: requestFailure, Run: tReplicate, Args: []engine.ArgSpec{
				{Kind: engine.ArgStr}, {Kind: engine.ArgStatic, Optional: true, Fixup: parseReplicateFlags}}},
			{Name: "t_newtran", Routes: engine.RequestRoute, Run: tNewtran},
			{Name: "t_reply", Routes: requestFailure, Run: tReply,
				Args: []engine.ArgSpec{{Kind: engine.ArgInt}, {Kind: engine.ArgStr}}},
			{Name: "t_reply_with_body", Routes: requestFailure, Run: tReplyWithBody,
				Args: []engine.ArgSpec{{Kind: engine.ArgInt}, {Kind: engine.ArgStr}, {Kind: engine.ArgStr}}},
			{Name: "t_add_hdrs", Routes: engine.RequestRoute, Run: tAddHdrs, Args: []engine.ArgSpec{{Kind: engine.ArgStr}}},
			{Name: "t_add_cancel_reason", Routes: engine.RequestRoute, Run: tAddCancelReason,
				Args: []engine.ArgSpec{{Kind: engine.ArgStr}}},
			{Name: "t_flush_flags", Routes: engine.RequestRoute | engine.BranchRoute, Run: tFlushFlags},
			{Name: "t_check_trans", Routes: engine.RequestRoute | engine.BranchRoute, Run: tCheckTrans},
			{Name: "t_on_failure", Routes: armRoutes, Run: setRoute(engine.FailureRoute),
				Args: []engine.ArgSpec{{Kind: engine.ArgRoute, Route: engine.FailureRoute}}},
			{Name: "t_on_reply", Routes: armRoutes, Run: setRoute(engine.OnReplyRoute),
				Args: []engine.ArgSpec{{Kind: engine.ArgRoute, Route: engine.OnReplyRoute}}},
			{Name: "t_on_branch", Routes: armRoutes, Run: setRoute(engine.BranchRoute),
				Args: []engine.ArgSpec{{Kind: engine.ArgRoute, Route: engine.BranchRoute}}},
			{Name: "t_check_status", Routes: statusRoutes, Run: tCheckStatus,
				Args: []engine.ArgSpec{{Kind: engine.ArgRegex}}},
			{Name: "t_was_cancelled", Routes: engine.OnReplyRoute | engine.FailureRoute, Run: tWasCancelled},
			{Name: "t_local_replied", Routes: statusRoutes, Run: tLocalReplied,
				Args: []engine.ArgSpec{{Kind: engine.ArgStatic, Fixup: localFixup}}},
			{Name: "t_cancel_branch", Routes: engine.OnReplyRoute, Run: tCancelBranch,
				Args: []engine.ArgSpec{{Kind: engine.ArgStatic, Optional: true, Fixup: cancelFixup}}},
			{Name: "t_new_request", Routes: engine.AnyRoute &^ engine.LocalRoute, Run: tNewRequest, Args: []engine.ArgSpec{
				{Kind: engine.ArgStr}, {Kind: engine.ArgStr}, {Kind: engine.ArgStr}, {Kind: engine.ArgStr}, optStr, optStr}},
		},
		MI:      miCommands(),
		PVs:     pvs,
		OnReply: onReply,
	})
}

// intParam sets a number modparam of at least low.
func intParam(name string, dst *atomic.Int64, low int) engine.Param {
	return engine.Param{Name: name, Kind: engine.ParamInt, Set: func(v engine.Value) error {
		if v.Int < low {
			return errorf("%s must be at least %d", name, low)
		}
		dst.Store(int64(v.Int))
		return nil
	}}
}
