package auth

import (
	"switchboard/core"
	"switchboard/engine"
	"switchboard/sip"
)

// replyError answers with an error that needs no extra header (400 for
// broken credentials, as OpenSIPS's pre_auth does) and returns Replied:
// the script stops, as in OpenSIPS.
func replyError(ctx *engine.Context, code int, reason string) int {
	sendReply(ctx, code, reason, nil)
	return Replied
}

// sendReply replies through tm when the request has a transaction, else
// through sl, with headers added as reply headers (the challenge). It
// returns 1, or -1 when no reply could be sent.
func sendReply(ctx *engine.Context, code int, reason string, headers []sip.Field) int {
	ctx.ReplyHeaders = append(ctx.ReplyHeaders, headers...)
	return core.Reply(ctx, code, reason)
}
