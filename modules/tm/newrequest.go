package tm

import (
	"strings"

	"switchboard/engine"
)

// tNewRequest is t_new_request(method, ruri, from, to, [body], [ctx]): a
// new request, unrelated to the message at hand, sent statefully to
// ruri. from and to are "[display ]URI" (the display is what comes
// before the last space); body starts with its content type and a space
// ("text/plain Hello"); ctx becomes $avp(uac_ctx) in local_route. It
// returns 1 when the request left, -1 otherwise.
func tNewRequest(ctx *engine.Context, a []engine.Arg) int {
	r := &LocalRequest{Method: a[0].Str, RURI: a[1].Str, From: nameAddr(a[2].Str), To: nameAddr(a[3].Str)}
	if a[4].Set {
		ctype, body, ok := strings.Cut(a[4].Str, " ")
		if !ok || ctype == "" {
			logger(ctx).Error("t_new_request: the body must start with its content type and a space", "body", a[4].Str)
			return -1
		}
		r.Headers, r.Body = "Content-Type: "+ctype+"\r\n", body
	}
	if a[5].Set {
		r.Context = a[5].Str
	}
	if _, err := SendLocal(r, nil); err != nil {
		logger(ctx).Error("t_new_request: the request was not sent", "method", r.Method, "ruri", r.RURI, "err", err)
		return -1
	}
	return 1
}

// nameAddr turns "[display ]URI" into a From or To value.
func nameAddr(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return strings.TrimSpace(s[:i]) + " <" + s[i+1:] + ">"
	}
	return "<" + s + ">"
}
