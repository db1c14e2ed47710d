package sipmsgops

import (
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// appendToReply is append_to_reply(txt): header lines added to the reply
// this request will get, whoever builds it (sl, tm, auth). txt holds one
// or more "Name: value" lines ending with CRLF, as OpenSIPS takes them.
func appendToReply(ctx *engine.Context, a []engine.Arg) int {
	added := false
	for _, line := range strings.Split(a[0].Str, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return -1
		}
		ctx.ReplyHeaders = append(ctx.ReplyHeaders, sip.Field{Name: name, Value: strings.TrimSpace(value)})
		added = true
	}
	if !added {
		return -1
	}
	return 1
}
