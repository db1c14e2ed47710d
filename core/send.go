package core

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"time"

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
	parsed, err := ctx.Msg.Via()
	if err != nil {
		return err
	}
	proto, err := transport.ParseProto(ctx.Received.Proto)
	if err != nil {
		return err
	}
	// The Via as the request was received: what RFC 3261 §18.2.1 and
	// RFC 3581 add to it (received, rport) decides where the reply goes.
	via := *parsed
	if ctx.Received.Src.IsValid() {
		received, rport := transport.ReceivedParams(parsed, ctx.Received.Src)
		if received != "" {
			via.Received = received
		}
		if rport != 0 && via.HasRPort && via.RPort == "" {
			via.RPort = strconv.Itoa(rport)
		}
	}
	target, err := transport.ResponseDestination(&via, proto)
	if err != nil {
		return err
	}
	sock, _ := ctx.Received.Handle.(*transport.Socket)
	return s.sendToTarget(target, sock, reply)
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
		s.resolver.MarkFailed(t, failedTargetPause)
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
		sent, err := s.sendRequest(ctx, t, branch, &buf)
		if err == nil {
			sent.URI = hop
			return sent, nil
		}
		s.resolver.MarkFailed(t, failedTargetPause)
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
// branch is the stateless one (RFC 3261 §16.11).
func (s *Server) sendRequest(ctx *engine.Context, t resolver.Target, branch string, buf *[]byte) (*engine.Sent, error) {
	proto, err := transport.ParseProto(t.Proto)
	if err != nil {
		return nil, err
	}
	sock := s.transport.SocketByName(ctx.Socket)
	if sock == nil {
		sock = s.transport.PickSocket(proto, t.Addr.Addr())
	}
	if sock == nil {
		return nil, fmt.Errorf("no %s socket to send to %s from", proto, t.Addr)
	}
	if branch == "" {
		branch = sip.StatelessBranch(ctx.Msg, t.String())
	}
	out := &engine.Outgoing{Proto: proto.String(), Local: sock.Local, Advertised: sock.SentByHostPort(), Dst: t.Addr}
	*buf = BuildForward((*buf)[:0], ctx, out, branch)
	d := transport.Destination{Proto: proto, Addr: t.Addr, Socket: sock}
	if err := s.transport.Send(d, *buf); err != nil {
		return nil, err
	}
	return &engine.Sent{Data: *buf, Proto: proto.String(), Dst: t.Addr, Local: sock.Local, Handle: d}, nil
}
