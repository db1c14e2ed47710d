package sipmsgops

import (
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// currentRURI returns the Request-URI the request will leave with, parsed.
func currentRURI(m *sip.Msg) (sip.URI, bool) {
	if m == nil || !m.IsRequest() {
		return sip.URI{}, false
	}
	u, err := sip.ParseURI(m.NewRequestURI())
	return u, err == nil
}

// ruriHasParam is ruri_has_param(name[, value]): without a value the
// parameter must have none. Names and values compare with case, as
// OpenSIPS does.
func ruriHasParam(ctx *engine.Context, a []engine.Arg) int {
	u, ok := currentRURI(ctx.Msg)
	if !ok {
		return -1
	}
	for _, p := range u.Params.All() {
		if p.Name != a[0].Str {
			continue
		}
		if a[1].Set {
			return truth(p.Value == a[1].Str)
		}
		return truth(p.Value == "")
	}
	return -1
}

// setRURI sets uri if it parses: a script must not make the proxy send a
// Request-URI it could not parse itself.
func setRURI(m *sip.Msg, uri string) int {
	if _, err := sip.ParseURI(uri); err != nil {
		return -1
	}
	m.SetRequestURI(uri)
	return 1
}

// ruriAddParam is ruri_add_param("name=value"): added after the last
// parameter, before any URI headers.
func ruriAddParam(ctx *engine.Context, a []engine.Arg) int {
	if a[0].Str == "" {
		return 1
	}
	u, ok := currentRURI(ctx.Msg)
	if !ok {
		return -1
	}
	uri := u.Raw
	if u.Headers != "" {
		q := len(uri) - len(u.Headers) - 1
		uri = uri[:q] + ";" + a[0].Str + uri[q:]
	} else {
		uri += ";" + a[0].Str
	}
	return setRURI(ctx.Msg, uri)
}

// ruriDelParam is ruri_del_param(name): the first parameter with that
// name goes, with its ';'.
func ruriDelParam(ctx *engine.Context, a []engine.Arg) int {
	if a[0].Str == "" {
		return 1
	}
	u, ok := currentRURI(ctx.Msg)
	if !ok || u.Params == "" {
		return -1
	}
	params := string(u.Params)
	start := strings.Index(u.Raw, params)
	for i := 0; i < len(params); {
		j := strings.IndexByte(params[i+1:], ';')
		end := len(params)
		if j >= 0 {
			end = i + 1 + j
		}
		name, _, _ := strings.Cut(params[i+1:end], "=")
		if name == a[0].Str {
			return setRURI(ctx.Msg, u.Raw[:start+i]+u.Raw[start+end:])
		}
		i = end
	}
	return -1
}

// ruriTel2SIP is ruri_tel2sip(): tel:NUMBER becomes
// sip:NUMBER@<From host>;user=phone; any other URI is left as it is.
func ruriTel2SIP(ctx *engine.Context, _ []engine.Arg) int {
	m := ctx.Msg
	if m == nil || !m.IsRequest() {
		return -1
	}
	ruri := m.NewRequestURI()
	if len(ruri) < 4 || !strings.EqualFold(ruri[:4], "tel:") {
		return 1
	}
	from, err := m.From()
	if err != nil || from.URI.Host == "" {
		return -1
	}
	return setRURI(m, "sip:"+ruri[4:]+"@"+from.URI.Host+";user=phone")
}

// isURIUserE164 is is_uri_user_e164(uri): the user is '+' and 2 to 15
// digits.
func isURIUserE164(_ *engine.Context, a []engine.Arg) int {
	u, err := sip.ParseURI(a[0].Str)
	if a[0].Str == "" || err != nil {
		return -1
	}
	user := u.User
	if len(user) < 3 || len(user) > 16 || user[0] != '+' {
		return -1
	}
	for i := 1; i < len(user); i++ {
		if user[i] < '0' || user[i] > '9' {
			return -1
		}
	}
	return 1
}
