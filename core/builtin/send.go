package builtin

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// sendFunctions are the core functions that choose how a message leaves:
// its socket, its Via handling and the address the element advertises
// (OpenSIPS's force_send_socket, force_rport, add_local_rport,
// force_tcp_alias, set_advertised_*, set_via_handling), and send(), which
// puts the message on the wire untouched.
func sendFunctions() []engine.Function {
	return []engine.Function{
		{Name: "send", Args: []engine.ArgSpec{{Kind: engine.ArgStr, Fixup: fixDestination}, {Kind: engine.ArgStr, Optional: true}},
			Run: sendRaw},
		{Name: "force_send_socket", Args: []engine.ArgSpec{{Kind: engine.ArgStr, Fixup: fixupSocketArg}},
			Run: forceSendSocket},
		{Name: "force_rport", Run: func(ctx *engine.Context, _ []engine.Arg) int {
			forceRPort(ctx)
			return 1
		}},
		{Name: "add_local_rport", Run: func(ctx *engine.Context, _ []engine.Arg) int {
			ctx.Send.LocalRPort = true
			return 1
		}},
		{Name: "force_tcp_alias", Args: []engine.ArgSpec{{Kind: engine.ArgInt, Optional: true}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				port := 0
				if a[0].Set {
					port = a[0].Int
				}
				return forceTCPAlias(ctx, port)
			}},
		{Name: "set_advertised_address", Args: []engine.ArgSpec{{Kind: engine.ArgStr}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				host, ok := advertisedHost(a[0].Str)
				if !ok {
					logger(ctx).Error("set_advertised_address: not an IP address or host name", "address", a[0].Str)
					return -1
				}
				ctx.Send.AdvertisedHost = host
				return 1
			}},
		{Name: "set_advertised_port", Args: []engine.ArgSpec{{Kind: engine.ArgStr}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				port, err := strconv.Atoi(strings.TrimSpace(a[0].Str))
				if err != nil || port < 1 || port > 65535 {
					logger(ctx).Error("set_advertised_port: not a port number", "port", a[0].Str)
					return -1
				}
				ctx.Send.AdvertisedPort = port
				return 1
			}},
		{Name: "set_via_handling", Args: []engine.ArgSpec{{Kind: engine.ArgStatic, Fixup: fixupViaHandling}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				h, _ := a[0].Fixed.(viaHandling)
				if h.forceRPort {
					forceRPort(ctx)
				}
				if h.localRPort {
					ctx.Send.LocalRPort = true
				}
				if h.replyToVia {
					ctx.Send.ReplyToVia = true
				}
				if h.tcpAlias {
					return forceTCPAlias(ctx, 0)
				}
				return 1
			}},
	}
}

// network returns the sender's access to sockets and connections, or nil
// (a context that sends nothing).
func network(ctx *engine.Context) engine.Network {
	n, _ := ctx.Sender.(engine.Network)
	return n
}

// forceRPort is force_rport(): the request's Via gets received and rport
// now, as if it had asked for rport (RFC 3581 §4), and replies go to the
// source port. What the core already added on receipt (received for
// another host, the value of an empty rport) is not written twice.
func forceRPort(ctx *engine.Context) {
	if ctx.Send.ForceRPort {
		return
	}
	ctx.Send.ForceRPort = true
	m, src := ctx.Msg, ctx.Received.Src
	if m == nil || !m.IsRequest() || !src.IsValid() {
		return
	}
	via, err := m.Via()
	if err != nil || via.HasRPort {
		return // an rport of the UAC's own was answered on receipt
	}
	ip := src.Addr().Unmap()
	if host, err := netip.ParseAddr(strings.Trim(via.Host, "[]")); err == nil && host.Unmap() == ip {
		m.Lumps.InsertAfter(via.End, ";received="+ip.String())
	}
	m.Lumps.InsertAfter(via.End, ";rport="+strconv.Itoa(int(src.Port())))
}

// forceTCPAlias is force_tcp_alias([port]).
func forceTCPAlias(ctx *engine.Context, port int) int {
	if port < 0 || port > 65535 {
		logger(ctx).Error("force_tcp_alias: port out of range", "port", port)
		return -1
	}
	n := network(ctx)
	if n == nil {
		return 1 // nothing came over a connection
	}
	if err := n.AddConnAlias(ctx, port); err != nil {
		logger(ctx).Error("force_tcp_alias failed", "err", err)
		return -1
	}
	return 1
}

// sendRaw is send(destination[, headers]): the message as it was
// received, no Via and no script edits, to "[proto:]host[:port]" (or a
// SIP URI); the
// headers, CRLF-terminated header lines, go right after the first line.
func sendRaw(ctx *engine.Context, a []engine.Arg) int {
	n := network(ctx)
	if n == nil || ctx.Msg == nil {
		return -1
	}
	dst := destinationArg(a[0])
	if _, err := sip.ParseURI(dst); err != nil {
		logger(ctx).Error("send: bad destination", "destination", a[0].Str, "err", err)
		return -1
	}
	data := []byte(ctx.Msg.Raw())
	if a[1].Set && a[1].Str != "" {
		hdrs, err := sip.HeaderLines(a[1].Str)
		if err != nil {
			logger(ctx).Error("send: bad headers", "err", err)
			return -1
		}
		end := strings.Index(ctx.Msg.Raw(), "\r\n") + 2
		data = append(append(append(make([]byte, 0, len(data)+len(hdrs)), data[:end]...), hdrs...), data[end:]...)
	}
	if err := n.SendRaw(ctx, dst, data); err != nil {
		logger(ctx).Error("send failed", "err", err)
		return -1
	}
	return 1
}

// socketArg is force_send_socket's argument once parsed.
type socketArg struct {
	proto, host string
	port        int
}

func fixupSocketArg(s string) (any, error) {
	proto, host, port, err := ParseSocketArg(s)
	if err != nil {
		return nil, err
	}
	return socketArg{proto, host, port}, nil
}

// forceSendSocket is force_send_socket([proto:]address[:port]): the
// message's requests leave from that socket, which must be one of ours.
func forceSendSocket(ctx *engine.Context, a []engine.Arg) int {
	sa, ok := a[0].Fixed.(socketArg)
	if !ok {
		proto, host, port, err := ParseSocketArg(a[0].Str)
		if err != nil {
			logger(ctx).Error("force_send_socket: bad socket", "socket", a[0].Str, "err", err)
			return -1
		}
		sa = socketArg{proto, host, port}
	}
	n := network(ctx)
	if n == nil {
		return -1
	}
	name := n.FindSocket(sa.proto, sa.host, sa.port)
	if name == "" {
		logger(ctx).Error("force_send_socket: not a socket we listen on", "socket", a[0].Str)
		return -1
	}
	ctx.Socket = name
	return 1
}

// ParseSocketArg reads "[proto:]host[:port]" (IPv6 in brackets when a
// port or protocol follows or precedes it). An empty proto or port 0
// means any.
func ParseSocketArg(s string) (proto, host string, port int, err error) {
	rest := strings.TrimSpace(s)
	if p, r, ok := strings.Cut(rest, ":"); ok {
		switch strings.ToLower(p) {
		case "udp", "tcp", "tls", "sctp", "ws", "wss":
			proto, rest = strings.ToLower(p), r
		}
	}
	switch {
	case strings.HasPrefix(rest, "["):
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return "", "", 0, errors.New("IPv6 reference without ']'")
		}
		host, rest = rest[1:end], rest[end+1:]
		if rest != "" && rest[0] != ':' {
			return "", "", 0, fmt.Errorf("unexpected %q after the address", rest)
		}
		rest = strings.TrimPrefix(rest, ":")
	case strings.Count(rest, ":") > 1:
		host, rest = rest, "" // a bare IPv6 address
	default:
		host, rest, _ = strings.Cut(rest, ":")
	}
	if h, ok := advertisedHost(host); ok {
		host = h
	} else {
		return "", "", 0, fmt.Errorf("%q is not an address", host)
	}
	if rest != "" {
		port, err = strconv.Atoi(rest)
		if err != nil || port < 1 || port > 65535 {
			return "", "", 0, fmt.Errorf("bad port %q", rest)
		}
	}
	return proto, host, port, nil
}

// advertisedHost checks an address for Via and Record-Route: an IP
// address (IPv6 with or without brackets; kept bare) or a host name.
func advertisedHost(s string) (string, bool) {
	h := strings.TrimSpace(s)
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	if h == "" {
		return "", false
	}
	if ip, err := netip.ParseAddr(h); err == nil {
		return h, ip.Zone() == ""
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return "", false
		}
	}
	return h, true
}

// viaHandling is set_via_handling's flags.
type viaHandling struct{ forceRPort, localRPort, replyToVia, tcpAlias bool }

func fixupViaHandling(s string) (any, error) {
	var h viaHandling
	for _, name := range strings.Split(s, ",") {
		switch strings.TrimSpace(name) {
		case "force-rport":
			h.forceRPort = true
		case "add-local-rport":
			h.localRPort = true
		case "reply-to-via":
			h.replyToVia = true
		case "force-tcp-alias":
			h.tcpAlias = true
		case "":
		default:
			return nil, fmt.Errorf("unknown set_via_handling flag %q (known: force-rport, add-local-rport, reply-to-via, force-tcp-alias)", strings.TrimSpace(name))
		}
	}
	return h, nil
}
