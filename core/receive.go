package core

import (
	"runtime/debug"
	"time"

	"switchboard/engine"
	"switchboard/script/ast"
	"switchboard/sip"
	"switchboard/stats"
	"switchboard/transport"
)

// receive is the transport's handler: it runs on the socket's reader
// goroutine (OpenSIPS's UDP workers read and process too), parses the
// message and runs it through the script of the moment.
func (s *Server) receive(p *transport.Packet) {
	// A bug met by one message must cost that message, not the server:
	// the reader goroutine goes on with the next one.
	defer func() {
		if r := recover(); r != nil {
			s.log.Core.Error("dropped a message after a panic", "src", p.Src.String(), "panic", r,
				"stack", string(debug.Stack()))
		}
	}()
	if s.cfg.ExecMsgThreshold > 0 {
		defer s.msgThreshold(time.Now(), p.Data)
	}
	if t := transport.CurrentTap(); t != nil {
		t(&transport.Traced{Proto: p.Socket.Proto(), Local: p.Socket.Local, Remote: p.Src, Data: p.Data})
	}
	// The Msg comes from a pool and goes back when the message is done:
	// a module that keeps a message longer keeps a Clone. Its text is a
	// fresh copy (p.Data is the reader's buffer), never reused, so the
	// strings modules take from it stay valid.
	m := s.msgs.Get().(*sip.Msg)
	err := sip.ParseInto(m, string(p.Data))
	if m.Version() == "" {
		s.msgs.Put(m)
		// Not even its kind is known: OpenSIPS counts it as a request error.
		stats.Core.ErrRequests.Inc()
		s.log.Core.Debug("dropped a message whose first line does not parse", "src", p.Src.String(), "err", err)
		return
	}
	l := s.script.Current()
	route := engine.RequestRoute
	if !m.IsRequest() {
		route = engine.OnReplyRoute
	}
	ctx := s.context()
	defer s.contexts.Put(ctx)
	ctx.Reset(m, route)
	ctx.MsgID = s.msgID.Add(1)
	ctx.Received = engine.Received{Proto: p.Socket.Proto().String(), Src: p.Src, Local: p.Socket.Local,
		Socket: p.Socket.String(), Handle: p.Socket}
	if p.Conn != nil {
		ctx.Received.Handle = p.Conn
	}
	if err == nil {
		err = m.Check()
	}
	switch {
	case err != nil:
		stats.Core.BadMsgHdr.Inc()
		if m.IsRequest() {
			stats.Core.ErrRequests.Inc()
		} else {
			stats.Core.ErrReplies.Inc()
		}
		s.badMessage(ctx, l, err)
	case m.IsRequest():
		stats.Core.RcvRequests.Inc()
		s.request(ctx, l)
	default:
		stats.Core.RcvReplies.Inc()
		s.reply(ctx, l)
	}
	// Not deferred: after a panic the message goes to the collector
	// rather than back to the pool.
	s.msgs.Put(m)
}

// badMessage hands a request that failed parsing to error_route with
// $err.* set, as OpenSIPS does; without error_route, and for replies, the
// message is dropped.
func (s *Server) badMessage(ctx *engine.Context, l *Loaded, err error) {
	r, ok := l.Program.Route(ast.ErrorRoute, "")
	if !ok || !ctx.Msg.IsRequest() {
		s.log.Core.Debug("dropped a malformed message", "src", ctx.Received.Src.String(), "err", err)
		return
	}
	code := sip.StatusFor(err)
	ctx.Err = engine.ErrorInfo{Class: 1, Level: -1, Info: err.Error(), RCode: code, RReason: sip.ReasonPhrase(code)}
	ctx.Route = engine.ErrorRoute
	r.Run(ctx)
}

// request runs the modules' BeforeScript hooks and the main route. A
// request the script does not forward or answer is dropped.
func (s *Server) request(ctx *engine.Context, l *Loaded) {
	// RFC 3261 §18.2.1, RFC 3581: record where the request really came
	// from in its Via, for the replies that will follow it back.
	if via, err := ctx.Msg.Via(); err == nil {
		received, rport := transport.ReceivedParams(via, ctx.Received.Src)
		ctx.Msg.SetViaReceived(received, rport)
		if s.cfg.TCPAcceptAliases {
			s.acceptAlias(ctx, via)
		}
	}
	for _, mod := range l.Program.Modules {
		if mod.BeforeScript != nil && mod.BeforeScript(ctx) {
			stats.Core.DropRequests.Inc() // consumed before the script, as OpenSIPS's pre-script callbacks
			return
		}
	}
	if l.Program.Main != nil {
		l.Program.Main.Run(ctx)
	}
}

// reply runs the global onreply_route, then the modules' OnReply hooks
// (tm takes the replies of its transactions there, as OpenSIPS runs the
// main onreply_route before tm sees a reply), then forwards the reply
// statelessly by its Via (RFC 3261 §16.11 and §18.2.2): the top Via must
// be ours; it is removed and the reply goes where the next one says.
func (s *Server) reply(ctx *engine.Context, l *Loaded) {
	if r, ok := l.Program.Route(ast.OnReplyRoute, ""); ok {
		r.Run(ctx)
		if ctx.Dropped {
			stats.Core.DropReplies.Inc()
			return
		}
	}
	for _, mod := range l.Program.Modules {
		if mod.OnReply != nil && mod.OnReply(ctx) {
			return
		}
	}
	if s.cfg.DisableStatelessFwd {
		stats.Core.DropReplies.Inc()
		return
	}
	m := ctx.Msg
	vias, err := m.Vias()
	if err != nil || len(vias) < 2 {
		stats.Core.DropReplies.Inc()
		s.log.Core.Debug("dropped a reply with no Via to forward it on", "src", ctx.Received.Src.String())
		return
	}
	top := &vias[0]
	if !IsMyself(top.Host, top.Port) {
		stats.Core.DropReplies.Inc()
		s.log.Core.Debug("dropped a reply whose top Via is not ours", "via", top.Host)
		return
	}
	removeTopVia(m, vias)
	proto, err := transport.ParseProto(vias[1].Transport)
	if err != nil {
		s.log.Core.Debug("dropped a reply for an unknown transport", "transport", vias[1].Transport)
		return
	}
	target, err := transport.ResponseDestination(&vias[1], proto)
	if err != nil {
		s.log.Core.Debug("dropped a reply with no destination", "err", err)
		return
	}
	var sock *transport.Socket // onreply_route's force_send_socket, as get_send_socket honours it
	if ctx.Socket != "" && target.Addr.IsValid() {
		sock = s.sendSocket(ctx, target.Proto, target.Addr.Addr())
	}
	buf := s.buffers.Get().(*[]byte)
	*buf = m.AppendTo((*buf)[:0])
	if err := s.sendToTarget(target, sock, *buf); err != nil {
		stats.Core.DropReplies.Inc()
		s.log.Core.Info("could not forward a reply", "dst", target.String(), "err", err)
	} else {
		stats.Core.FwdReplies.Inc()
	}
	s.buffers.Put(buf)
}

// removeTopVia deletes the first via-parm: the whole Via line when it is
// the only value of its header, else up to the next value.
func removeTopVia(m *sip.Msg, vias []sip.Via) {
	h, _ := m.Header(sip.HdrVia)
	if vias[1].Start < h.End {
		m.Lumps.Delete(vias[0].Start, vias[1].Start)
		return
	}
	m.RemoveHeader(h)
}
