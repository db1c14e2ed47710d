package core

import (
	"strconv"

	"switchboard/engine"
	"switchboard/sip"
	"switchboard/transport"
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
	via := viaValue(out, branch)
	if ctx.Send.LocalRPort {
		via += ";rport" // add_local_rport (RFC 3581 §3)
	}
	sip.InsertTopVia(&lumps, m, via)
	for _, mod := range ctx.Modules {
		if mod.BeforeForward != nil {
			mod.BeforeForward(ctx, out)
		}
	}
	return m.AppendWith(dst, &lumps)
}

// Advertised is the host:port the element writes into the Via and
// Record-Route of a request leaving from sock: the socket's "as", else
// the message's set_advertised_address/port, else the advertised_address
// and advertised_port parameters, else the bound address (OpenSIPS's
// order).
func Advertised(ctx *engine.Context, sock *transport.Socket) string {
	if ctx.Send.AdvertisedHost == "" && ctx.Send.AdvertisedPort == 0 {
		return sock.SentByHostPort() // worked out once per socket
	}
	host, port := sock.Advertise(ctx.Send.AdvertisedHost, ctx.Send.AdvertisedPort)
	return HostPort(host, port)
}

// The receiving socket or connection in Received.Handle tells
// $socket_in its "as" address.
var (
	_ engine.AdvertisedSocket = (*transport.Socket)(nil)
	_ engine.AdvertisedSocket = (*transport.Conn)(nil)
)

// ReceivedAdvertised is the host:port of the socket the message in ctx
// came in on, as that socket advertises itself (its "as", else the
// advertised_address parameter): the inbound Record-Route of RFC 5658
// double routing. set_advertised_address does not change it, as in
// OpenSIPS.
func ReceivedAdvertised(ctx *engine.Context) string {
	var sock *transport.Socket
	switch h := ctx.Received.Handle.(type) {
	case *transport.Socket:
		sock = h
	case *transport.Conn:
		sock = h.Socket
	}
	if sock == nil {
		return HostPort(ctx.Received.Local.Addr().String(), int(ctx.Received.Local.Port()))
	}
	return sock.SentByHostPort() // worked out once per socket
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
