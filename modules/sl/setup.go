package sl

import (
	"switchboard/core"
	"switchboard/engine"
)

func init() {
	core.ProvideStatelessReply(SendReply)
	core.Register(&engine.Module{
		Name: "sl",
		Params: []engine.Param{
			{Name: "enable_stats", Kind: engine.ParamInt, Set: func(v engine.Value) error {
				statsEnabled.Store(v.Int != 0)
				return nil
			}},
		},
		Functions: []engine.Function{
			{Name: "sl_send_reply", Routes: replyRoutes,
				Args: []engine.ArgSpec{{Kind: engine.ArgInt}, {Kind: engine.ArgStr}},
				Run: func(ctx *engine.Context, a []engine.Arg) int {
					return SendReply(ctx, a[0].Int, a[1].Str)
				}},
			{Name: "sl_reply_error", Routes: replyRoutes, Run: replyError},
		},
		BeforeScript: absorbACK,
		Stats:        statSpecs(),
	})
}

// replyRoutes are where a request is at hand to reply to (OpenSIPS allows
// sl_send_reply in request, failure, branch and error routes).
const replyRoutes = engine.RequestRoute | engine.FailureRoute | engine.BranchRoute | engine.ErrorRoute
