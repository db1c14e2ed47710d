package builtin

import (
	"fmt"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// forwardFunctions are the core's stateless sending functions.
func forwardFunctions() []engine.Function {
	return []engine.Function{
		// forward([destination]): stateless forward to a SIP URI or
		// proto:host[:port], else to $du or the new Request-URI.
		{Name: "forward", Routes: engine.RequestRoute | engine.FailureRoute | engine.BranchRoute,
			Args: []engine.ArgSpec{{Kind: engine.ArgStr, Optional: true, Fixup: fixDestination}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				if ctx.Sender == nil || ctx.Msg == nil || !ctx.Msg.IsRequest() {
					return -1
				}
				dst := ""
				if a[0].Set {
					dst = destinationArg(a[0])
				}
				if err := ctx.Sender.ForwardRequest(ctx, dst); err != nil {
					logger(ctx).Error("forward failed", "err", err)
					return -1
				}
				return 1
			}},
	}
}

// fixDestination turns a constant destination into its SIP URI once, at
// load time, and refuses one that is not a SIP URI there rather than on
// every message.
func fixDestination(s string) (any, error) {
	d := destinationURI(s)
	if _, err := sip.ParseURI(d); err != nil {
		return nil, fmt.Errorf("bad destination %q: %w", s, err)
	}
	return d, nil
}

// destinationArg is the destination argument as a SIP URI: fixed at load
// time for a constant, converted now for a variable one.
func destinationArg(a engine.Arg) string {
	if d, ok := a.Fixed.(string); ok {
		return d
	}
	return destinationURI(a.Str)
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
