package signaling

import (
	"switchboard/core"
	"switchboard/engine"
)

func init() {
	core.Register(&engine.Module{
		Name: "signaling",
		Deps: []string{"sl"},
		Functions: []engine.Function{
			{Name: "send_reply", Routes: engine.RequestRoute | engine.FailureRoute | engine.BranchRoute | engine.ErrorRoute,
				Args: []engine.ArgSpec{{Kind: engine.ArgInt}, {Kind: engine.ArgStr}},
				Run: func(ctx *engine.Context, a []engine.Arg) int {
					return SendReply(ctx, a[0].Int, a[1].Str)
				}},
		},
	})
}
