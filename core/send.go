package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"time"

	"switchboard/core/builtin"
	"switchboard/engine"
	"switchboard/resolver"
	"switchboard/sip"
	"switchboard/stats"
	"switchboard/transport"
)

var _ engine.Sender = (*Server)(nil)

// failedTargetPause is how long a destination that could not be reached
// is tried last (the DNS failover blacklist).
const failedTargetPause = 30 * time.Second

// SendReply sends a reply to the request in ctx: on the TCP connection it
// came in on, else where its top Via says (RFC 3261 §18.2.2, RFC 3581),
// from the socket it arrived on.
func (s *Server) SendReply(ctx *engine.Context, reply []byte) error {
	if conn, ok := ctx.Received.Handle.(*transport.Conn); ok && !conn.Closed() {
		return s.transport.Send(transport.Destination{Proto: conn.Socket.Proto(), Addr: conn.Remote, Conn: conn}, reply)
	}
	target, sock, err := replyTarget(ctx)
	if err != nil {
		return err
	}
	return s.sendToTarget(target, sock, reply)
}

// ReplyDestination implements engine.Sender: where SendReply would send a
// reply to the request in ctx, for SendAgain, when that is fixed without
// a name lookup: the Via's host or received is an address. A request
// that came on a connection gets none (the connection may close and the
// reply then follow the Via).
func (s *Server) ReplyDestination(ctx *engine.Context) (*engine.Sent, bool) {
	if _, ok := ctx.Received.Handle.(*transport.Conn); ok {
		return nil, false
	}
	target, sock, err := replyTarget(ctx)
	if err != nil || !target.Addr.IsValid() {
		return nil, false
	}
	d := transport.Destination{Proto: target.Proto, Addr: target.Addr, Socket: sock}
	return &engine.Sent{Proto: target.Proto.String(), Dst: target.Addr, Handle: d}, true
}

// replyTarget is where a reply to the request in ctx goes by its top Via,
// and the socket the request arrived on.
func replyTarget(ctx *engine.Context) (transport.Target, *transport.Socket, error) {
	parsed, err := ctx.Msg.Via()
	if err != nil {
		return transport.Target{}, nil, err
	}
	proto, err := transport.ParseProto(ctx.Received.Proto)
	if err != nil {
		return transport.Target{}, nil, err
	}
	// The Via as the request was received: what RFC 3261 §18.2.1 and
	// RFC 3581 add to it (received, rport) decides where the reply goes.
	// force_rport answers the source port as if the Via had rport;
	// set_via_handling("reply-to-via") answers the Via's sent-by.
	via := *parsed
	if src := ctx.Received.Src; src.IsValid() {
		received, rport := transport.ReceivedParams(parsed, src)
		if received != "" && !ctx.Send.ReplyToVia {
			via.Received = received
		}
		if rport != 0 && via.HasRPort && via.RPort == "" {
			via.RPort = strconv.Itoa(rport)
		}
		if ctx.Send.ForceRPort {
			via.RPort = strconv.Itoa(int(src.Port()))
			if !ctx.Send.ReplyToVia {
				via.Received = src.Addr().Unmap().String()
			}
		}
	}
	target, err := transport.ResponseDestination(&via, proto)
	if err != nil {
		return transport.Target{}, nil, err
	}
	sock, _ := ctx.Received.Handle.(*transport.Socket)
	return target, sock, nil
}

// sendToTarget sends to a Via-derived target, resolving a host name
// (RFC 3263 §5: A/AAAA, or SRV when the Via had no port).
func (s *Server) sendToTarget(t transport.Target, sock *transport.Socket, data []byte) error {
	if t.Addr.IsValid() {
		return s.transport.Send(transport.Destination{Proto: t.Proto, Addr: t.Addr, Socket: sock}, data)
	}
	rctx, cancel := resolveContext()
	defer cancel()
	addrs, err := s.resolver.LookupHost(rctx, t.Host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", t.Host, err)
	}
	port := t.Port
	if port == 0 {
		port = t.Proto.DefaultPort()
	}
	var errs []error
	for _, a := range addrs {
		dst := netip.AddrPortFrom(a, uint16(port))
		err := s.transport.Send(transport.Destination{Proto: t.Proto, Addr: dst, Socket: sock}, data)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// ForwardRequest forwards the request in ctx statelessly (RFC 3261
// §16.11): to dst, $du or the new Request-URI, resolved as RFC 3263 says;
// each target is tried in turn until one can be sent to. The element's
// Via carries a branch derived from the request and target, so a
// retransmission takes the same branch.
func (s *Server) ForwardRequest(ctx *engine.Context, dst string) error {
	hop := NextHop(ctx, dst)
	u, err := sip.ParseURI(hop)
	if err != nil {
		return fmt.Errorf("forward to %q: %w", hop, err)
	}
	rctx, cancel := resolveContextFor(u.Host)
	targets, err := s.resolver.Resolve(rctx, &u)
	cancel()
	if err != nil {
		return fmt.Errorf("forward to %s: %w", hop, err)
	}
	buf := s.buffers.Get().(*[]byte)
	defer s.buffers.Put(buf)
	var errs []error
	for _, t := range targets {
		_, err := s.sendRequest(ctx, t, "", buf)
		if err == nil {
			stats.Core.FwdRequests.Inc()
			return nil
		}
		s.markFailed(t, err)
		errs = append(errs, err)
	}
	return fmt.Errorf("forward to %s: %w", hop, errors.Join(errs...))
}

// SendBranch sends the request in ctx with a given branch (tm) and
// returns what it sent.
func (s *Server) SendBranch(ctx *engine.Context, dst, branch string) (*engine.Sent, error) {
	hop := NextHop(ctx, dst)
	u, err := sip.ParseURI(hop)
	if err != nil {
		return nil, fmt.Errorf("send to %q: %w", hop, err)
	}
	rctx, cancel := resolveContextFor(u.Host)
	targets, err := s.resolver.Resolve(rctx, &u)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("send to %s: %w", hop, err)
	}
	var errs []error
	for _, t := range targets {
		var buf []byte
		d, err := s.sendRequest(ctx, t, branch, &buf)
		if err == nil {
			// Only tm keeps what it sent: a stateless forward builds no Sent.
			return &engine.Sent{Data: buf, Proto: d.Proto.String(), Dst: d.Addr, Local: d.Socket.Local, URI: hop, Handle: d}, nil
		}
		s.markFailed(t, err)
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("send to %s: %w", hop, errors.Join(errs...))
}

// SendAgain sends data where s went.
func (s *Server) SendAgain(sent *engine.Sent, data []byte) error {
	d, ok := sent.Handle.(transport.Destination)
	if !ok {
		return errors.New("send again: not sent by this server")
	}
	return s.transport.Send(d, data)
}

// sendRequest builds the request for one target and sends it; an empty
// branch is the stateless one (RFC 3261 §16.11). It returns where the
// request went.
func (s *Server) sendRequest(ctx *engine.Context, t resolver.Target, branch string, buf *[]byte) (transport.Destination, error) {
	proto, err := transport.ParseProto(t.Proto)
	if err != nil {
		return transport.Destination{}, err
	}
	sock := s.sendSocket(ctx, proto, t.Addr.Addr())
	if sock == nil {
		return transport.Destination{}, fmt.Errorf("no %s socket to send to %s from", proto, t.Addr)
	}
	if branch == "" {
		branch = sip.StatelessBranch(ctx.Msg, t.String())
	}
	out := &engine.Outgoing{Proto: proto.String(), Local: sock.Local, Advertised: Advertised(ctx, sock), Dst: t.Addr}
	*buf = BuildForward((*buf)[:0], ctx, out, branch)
	if err := s.blocked(ctx, proto, t.Addr, *buf); err != nil {
		return transport.Destination{}, err
	}
	d := transport.Destination{Proto: proto, Addr: t.Addr, Socket: sock}
	if err := s.transport.Send(d, *buf); err != nil {
		return transport.Destination{}, err
	}
	return d, nil
}

// sendSocket is the socket a request to dst over proto leaves from: the
// one force_send_socket (or $socket_out, a branch's socket) forced, else
// the first of that protocol and family. A forced socket of another
// protocol gives way to the socket of the right protocol on the same
// address and port; without one, the forced socket is ignored, as
// OpenSIPS's get_send_socket does.
func (s *Server) sendSocket(ctx *engine.Context, proto transport.Proto, dst netip.Addr) *transport.Socket {
	if ctx.Socket != "" {
		forced := s.transport.SocketByName(ctx.Socket)
		if forced == nil {
			// rr's double routing names the socket as its Record-Route
			// advertised it, which may be an "as" address.
			if p, host, port, err := builtin.ParseSocketArg(ctx.Socket); err == nil {
				if pr, err := transport.ParseProto(p); err == nil {
					forced = s.transport.FindSocket(pr, host, port)
				}
			}
		}
		if forced != nil && forced.Proto() != proto {
			forced = s.transport.FindSocket(proto, forced.Local.Addr().String(), int(forced.Local.Port()))
		}
		if forced != nil {
			return forced
		}
		if s.log.Core.Enabled(context.Background(), slog.LevelDebug) {
			s.log.Core.Debug("forced socket not usable; choosing one", "socket", ctx.Socket, "proto", proto.String())
		}
	}
	return s.transport.PickSocket(proto, dst)
}

var _ engine.Network = (*Server)(nil)

// FindSocket names the socket force_send_socket asks for, or "".
func (s *Server) FindSocket(proto, host string, port int) string {
	p := transport.ProtoAny
	if proto != "" {
		var err error
		if p, err = transport.ParseProto(proto); err != nil {
			return ""
		}
	}
	if sock := s.transport.FindSocket(p, host, port); sock != nil {
		return sock.String()
	}
	return ""
}

// SendRaw sends data untouched to dst (send()): resolved as RFC 3263
// says, from the forced socket when there is one, trying each target in
// turn.
func (s *Server) SendRaw(ctx *engine.Context, dst string, data []byte) error {
	u, err := sip.ParseURI(dst)
	if err != nil {
		return fmt.Errorf("send to %q: %w", dst, err)
	}
	rctx, cancel := resolveContext()
	targets, err := s.resolver.Resolve(rctx, &u)
	cancel()
	if err != nil {
		return fmt.Errorf("send to %s: %w", dst, err)
	}
	var errs []error
	for _, t := range targets {
		proto, err := transport.ParseProto(t.Proto)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sock := s.sendSocket(ctx, proto, t.Addr.Addr())
		if err := s.transport.Send(transport.Destination{Proto: proto, Addr: t.Addr, Socket: sock}, data); err != nil {
			s.resolver.MarkFailed(t, failedTargetPause)
			errs = append(errs, err)
			continue
		}
		return nil
	}
	return fmt.Errorf("send to %s: %w", dst, errors.Join(errs...))
}

// AddConnAlias is force_tcp_alias: the connection the message in ctx came
// on also serves its source IP with port (0: its Via's port, or the
// protocol's default).
func (s *Server) AddConnAlias(ctx *engine.Context, port int) error {
	conn, ok := ctx.Received.Handle.(*transport.Conn)
	if !ok {
		return nil
	}
	if port == 0 {
		via, err := ctx.Msg.Via()
		if err != nil {
			return fmt.Errorf("force_tcp_alias: %w", err)
		}
		port = via.Port
		if port == 0 {
			port = conn.Socket.Proto().DefaultPort()
		}
	}
	if port < 1 || port > 65535 {
		return fmt.Errorf("force_tcp_alias: port %d out of range", port)
	}
	s.transport.AddConnAlias(conn, netip.AddrPortFrom(ctx.Received.Src.Addr(), uint16(port)))
	return nil
}

// acceptAlias is tcp_accept_aliases: a request on a connection whose top
// Via carries "alias" makes the connection serve the source IP with the
// Via's port (RFC 5923).
func (s *Server) acceptAlias(ctx *engine.Context, via *sip.Via) {
	conn, ok := ctx.Received.Handle.(*transport.Conn)
	if !ok {
		return
	}
	if addr, ok := transport.ConnAlias(via, ctx.Received.Src, conn.Socket.Proto()); ok {
		s.transport.AddConnAlias(conn, addr)
	}
}
