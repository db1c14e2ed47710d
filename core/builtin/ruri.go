package builtin

import (
	"strconv"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// uriParts is a Request-URI taken apart for rewriting. Only the part a
// function changes is replaced; the rest keeps its received text.
type uriParts struct {
	scheme, user, password, host, port string
	params, headers                    string
}

func splitURI(s string) (uriParts, bool) {
	u, err := sip.ParseURI(s)
	if err != nil || u.Opaque != "" {
		return uriParts{}, false
	}
	p := uriParts{scheme: u.Scheme, user: u.User, password: u.Password,
		host: u.Host, params: string(u.Params), headers: u.Headers}
	if u.Port != 0 {
		p.port = strconv.Itoa(u.Port)
	}
	return p, true
}

func (p *uriParts) String() string {
	var b strings.Builder
	b.WriteString(p.scheme)
	b.WriteByte(':')
	if p.user != "" {
		b.WriteString(p.user)
		if p.password != "" {
			b.WriteByte(':')
			b.WriteString(p.password)
		}
		if p.host != "" {
			b.WriteByte('@')
		}
	}
	b.WriteString(p.host)
	if p.port != "" {
		b.WriteByte(':')
		b.WriteString(p.port)
	}
	b.WriteString(p.params)
	if p.headers != "" {
		b.WriteByte('?')
		b.WriteString(p.headers)
	}
	return b.String()
}

// rewriteRURI applies edit to the current Request-URI and sets the result
// if it is still a valid URI: a script must not be able to make the proxy
// send a Request-URI it could not parse itself. It returns the script code.
func rewriteRURI(ctx *engine.Context, edit func(p *uriParts) bool) int {
	if ctx.Msg == nil || !ctx.Msg.IsRequest() {
		return -1
	}
	p, ok := splitURI(ctx.Msg.NewRequestURI())
	if !ok || !edit(&p) {
		return -1
	}
	uri := p.String()
	if _, err := sip.ParseURI(uri); err != nil {
		return -1
	}
	ctx.Msg.SetRequestURI(uri)
	return 1
}

// userText returns s as it may appear in a user part: as given when that
// is valid (OpenSIPS copies it verbatim), %-escaped otherwise.
func userText(s string) string {
	if _, err := sip.ParseURI("sip:" + s + "@h"); err == nil {
		return s
	}
	return sip.EscapeUser(s)
}

func ruriFunctions() []engine.Function {
	str := []engine.ArgSpec{{Kind: engine.ArgStr}}
	num := []engine.ArgSpec{{Kind: engine.ArgInt}}
	return []engine.Function{
		{Name: "seturi", Args: str, Run: func(ctx *engine.Context, a []engine.Arg) int {
			if ctx.Msg == nil || !ctx.Msg.IsRequest() {
				return -1
			}
			if _, err := sip.ParseURI(a[0].Str); err != nil {
				return -1
			}
			ctx.Msg.SetRequestURI(a[0].Str)
			return 1
		}},
		{Name: "sethost", Args: str, Run: func(ctx *engine.Context, a []engine.Arg) int {
			return rewriteRURI(ctx, func(p *uriParts) bool {
				p.host = a[0].Str
				return p.host != ""
			})
		}},
		{Name: "sethostport", Args: str, Run: func(ctx *engine.Context, a []engine.Arg) int {
			return rewriteRURI(ctx, func(p *uriParts) bool {
				host, port, ok := splitHostPort(a[0].Str)
				p.host, p.port = host, port
				return ok
			})
		}},
		{Name: "setuser", Args: str, Run: func(ctx *engine.Context, a []engine.Arg) int {
			return rewriteRURI(ctx, func(p *uriParts) bool {
				p.user = userText(a[0].Str)
				if p.user == "" {
					p.password = ""
				}
				return true
			})
		}},
		{Name: "setuserpass", Args: str, Run: func(ctx *engine.Context, a []engine.Arg) int {
			return rewriteRURI(ctx, func(p *uriParts) bool {
				p.password = a[0].Str
				return p.user != "" || p.password == ""
			})
		}},
		{Name: "setport", Args: str, Run: func(ctx *engine.Context, a []engine.Arg) int {
			return rewriteRURI(ctx, func(p *uriParts) bool {
				p.port = a[0].Str
				return true
			})
		}},
		{Name: "prefix", Args: str, Run: func(ctx *engine.Context, a []engine.Arg) int {
			return rewriteRURI(ctx, func(p *uriParts) bool {
				p.user = userText(a[0].Str) + p.user
				return true
			})
		}},
		{Name: "strip", Args: num, Run: func(ctx *engine.Context, a []engine.Arg) int {
			return rewriteRURI(ctx, func(p *uriParts) bool {
				n := a[0].Int
				if n < 0 || n > len(p.user) {
					return false
				}
				p.user = p.user[n:]
				return true
			})
		}},
		{Name: "strip_tail", Args: num, Run: func(ctx *engine.Context, a []engine.Arg) int {
			return rewriteRURI(ctx, func(p *uriParts) bool {
				n := a[0].Int
				if n < 0 || n > len(p.user) {
					return false
				}
				p.user = p.user[:len(p.user)-n]
				return true
			})
		}},
		{Name: "revert_uri", Run: func(ctx *engine.Context, _ []engine.Arg) int {
			if ctx.Msg != nil {
				ctx.Msg.ResetRequestURI()
			}
			return 1
		}},
		{Name: "setdsturi", Args: str, Run: func(ctx *engine.Context, a []engine.Arg) int {
			if _, err := sip.ParseURI(a[0].Str); err != nil {
				return -1
			}
			ctx.DstURI = a[0].Str
			return 1
		}},
		{Name: "resetdsturi", Run: func(ctx *engine.Context, _ []engine.Arg) int {
			ctx.DstURI = ""
			return 1
		}},
		{Name: "isdsturiset", Run: func(ctx *engine.Context, _ []engine.Arg) int {
			return truth(ctx.DstURI != "")
		}},
	}
}

// splitHostPort splits "host[:port]", where host may be an IPv6 reference
// in brackets.
func splitHostPort(s string) (host, port string, ok bool) {
	if s == "" {
		return "", "", false
	}
	end := 0
	if s[0] == '[' {
		end = strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false
		}
		end++
	} else if i := strings.IndexByte(s, ':'); i >= 0 {
		end = i
	} else {
		end = len(s)
	}
	host, rest := s[:end], s[end:]
	if rest == "" {
		return host, "", true
	}
	if rest[0] != ':' || len(rest) == 1 {
		return "", "", false
	}
	return host, rest[1:], true
}
