package builtin

import (
	"strings"

	"switchboard/engine"
)

// forwardFunctions are the core's stateless sending functions.
func forwardFunctions() []engine.Function {
	return []engine.Function{
		// forward([destination]): stateless forward to a SIP URI or
		// proto:host[:port], else to $du or the new Request-URI.
		{Name: "forward", Routes: engine.RequestRoute | engine.FailureRoute | engine.BranchRoute,
			Args: []engine.ArgSpec{{Kind: engine.ArgStr, Optional: true}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				if ctx.Sender == nil || ctx.Msg == nil || !ctx.Msg.IsRequest() {
					return -1
				}
				dst := ""
				if a[0].Set {
					dst = destinationURI(a[0].Str)
				}
				if err := ctx.Sender.ForwardRequest(ctx, dst); err != nil {
					logger(ctx).Error("forward failed", "err", err)
					return -1
				}
				return 1
			}},
	}
}

// destinationURI turns OpenSIPS's "proto:host:port" destination form into
// a SIP URI; a SIP URI is kept.
func destinationURI(d string) string {
	if strings.HasPrefix(d, "sip:") || strings.HasPrefix(d, "sips:") {
		return d
	}
	proto, rest, ok := strings.Cut(d, ":")
	switch strings.ToLower(proto) {
	case "udp", "tcp", "tls", "sctp", "ws", "wss":
		if ok {
			return "sip:" + rest + ";transport=" + strings.ToLower(proto)
		}
	}
	return "sip:" + d
}
