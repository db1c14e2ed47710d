package builtin

import (
	"strings"
	"time"

	"switchboard/engine"
)

// Myself reports whether host (and port, when not 0) is one of the
// addresses or aliases the server listens on; the transport layer sets it
// once its sockets are known. While it is nil nothing is local.
var Myself func(host string, port int) bool

// now is the clock of get_timestamp; tests replace it.
var now = time.Now

// opt returns argument i, or an unset one when the caller passed fewer.
func opt(a []engine.Arg, i int) engine.Arg {
	if i < len(a) {
		return a[i]
	}
	return engine.Arg{}
}

func miscFunctions() []engine.Function {
	return []engine.Function{
		// pv_printf(pv, fmt): the format arrives expanded; storing it is a
		// plain '=' assignment.
		{Name: "pv_printf", Args: []engine.ArgSpec{{Kind: engine.ArgVar}, {Kind: engine.ArgStr}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				if a[0].Var == nil || a[0].Var.Set(ctx, engine.Str(a[1].Str), false) != nil {
					return -1
				}
				return 1
			}},
		{Name: "get_timestamp", Args: []engine.ArgSpec{{Kind: engine.ArgVar}, {Kind: engine.ArgVar}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				t := now()
				if a[0].Var == nil || a[1].Var == nil ||
					a[0].Var.Set(ctx, engine.Int(int(t.Unix())), false) != nil ||
					a[1].Var.Set(ctx, engine.Int(t.Nanosecond()/1000), false) != nil {
					return -1
				}
				return 1
			}},
		{Name: "construct_uri", Args: []engine.ArgSpec{
			{Kind: engine.ArgStr}, {Kind: engine.ArgStr, Optional: true}, {Kind: engine.ArgStr},
			{Kind: engine.ArgStr, Optional: true}, {Kind: engine.ArgStr, Optional: true},
			{Kind: engine.ArgVar},
		}, Run: constructURI},
		{Name: "is_myself", Args: []engine.ArgSpec{{Kind: engine.ArgStr}, {Kind: engine.ArgInt, Optional: true}},
			Run: func(_ *engine.Context, a []engine.Arg) int {
				port := 0
				if p := opt(a, 1); p.Set {
					port = p.Int
				}
				return truth(Myself != nil && a[0].Str != "" && Myself(a[0].Str, port))
			}},
	}
}

// constructURI is construct_uri(proto, [user], domain, [port], [extra],
// result): proto ":" [user "@"] domain [":" port] [";" extra]. An empty
// part is left out, as the manual says.
func constructURI(ctx *engine.Context, a []engine.Arg) int {
	proto, user, domain := a[0].Str, opt(a, 1).Str, a[2].Str
	port, extra, result := opt(a, 3).Str, opt(a, 4).Str, opt(a, 5).Var
	if proto == "" || domain == "" || result == nil {
		return -1
	}
	var b strings.Builder
	b.WriteString(proto)
	b.WriteByte(':')
	if user != "" {
		b.WriteString(user)
		b.WriteByte('@')
	}
	b.WriteString(domain)
	if port != "" {
		b.WriteByte(':')
		b.WriteString(port)
	}
	if extra != "" {
		if extra[0] != ';' && extra[0] != '?' {
			b.WriteByte(';')
		}
		b.WriteString(extra)
	}
	if result.Set(ctx, engine.Str(b.String()), false) != nil {
		return -1
	}
	return 1
}
