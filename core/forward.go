package core

import (
	"strconv"

	"switchboard/engine"
	"switchboard/sip"
)

// NextHop returns where a request goes when a function names no
// destination: $du when set, else the new Request-URI (OpenSIPS's
// forward() and t_relay()).
func NextHop(ctx *engine.Context, dst string) string {
	switch {
	case dst != "":
		return dst
	case ctx.DstURI != "":
		return ctx.DstURI
	}
	return ctx.Msg.NewRequestURI()
}

// BuildForward writes the request in ctx as it leaves through out: the
// element's own Via on top with branch (RFC 3261 §16.6 step 8), the
// BeforeForward edits of the loaded modules, then the script's edits. It
// appends to dst and returns it.
func BuildForward(dst []byte, ctx *engine.Context, out *engine.Outgoing, branch string) []byte {
	m := ctx.Msg
	lumps := m.Lumps.Clone()
	out.Msg, out.Lumps = m, &lumps
	sip.InsertTopVia(&lumps, m, viaValue(out, branch))
	for _, mod := range ctx.Modules {
		if mod.BeforeForward != nil {
			mod.BeforeForward(ctx, out)
		}
	}
	return m.AppendWith(dst, &lumps)
}

// viaValue is the element's Via for a request sent from out.
func viaValue(out *engine.Outgoing, branch string) string {
	proto := out.Proto
	if proto == "" {
		proto = "udp"
	}
	return "SIP/2.0/" + upper(proto) + " " + out.Advertised + ";branch=" + branch
}

func upper(s string) string {
	switch s { // the common ones without an allocation
	case "udp":
		return "UDP"
	case "tcp":
		return "TCP"
	case "tls":
		return "TLS"
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// HostPort formats a socket address for headers: IPv6 in brackets.
func HostPort(host string, port int) string {
	if len(host) > 0 && host[0] != '[' && containsColon(host) {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(port)
}

func containsColon(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return true
		}
	}
	return false
}
