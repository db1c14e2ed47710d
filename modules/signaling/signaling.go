// Package signaling is OpenSIPS's signaling module: one send_reply that
// replies statefully when the request has a transaction and statelessly
// otherwise, so a script need not know which (see README.md).
package signaling

import (
	"switchboard/core"
	"switchboard/engine"
)

// SendReply replies through tm when the request has a transaction, else
// through sl (core.Reply).
func SendReply(ctx *engine.Context, code int, reason string) int {
	return core.Reply(ctx, code, reason)
}
