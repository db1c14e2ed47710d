// Package coretest runs script snippets against injected messages, so a
// module's tests can show what a function does to a message, its flags,
// branches and variables:
//
//	r := coretest.RunRoute(t, `setflag(NAT); $du = "sip:127.0.0.1:5080";`, coretest.Invite)
//	if r.Ctx.DstURI != "sip:127.0.0.1:5080" { ... }
package coretest

import (
	"bytes"
	"log/slog"
	"net/netip"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/script"
	"switchboard/sip"
	"switchboard/transport"
)

// Invite is a plain INVITE for tests that need any request.
var Invite = strings.ReplaceAll(`INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds
Max-Forwards: 70
To: Bob <sip:bob@biloxi.example.com>
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
Contact: <sip:alice@pc33.atlanta.example.com>
Content-Length: 0

`, "\n", "\r\n")

// Result is what running a route did.
type Result struct {
	Code int // the route's code: 0 when the script stopped
	Ctx  *engine.Context
	Msg  *sip.Msg
	Log  *bytes.Buffer // what the script logged (xlog, runtime errors), text format
	// Sent records what the modules sent instead of putting it on the
	// wire.
	Sent *Recorder
}

// Recorder is an engine.Sender that keeps what it is given: the replies
// and forwarded messages a script produced. Forwarded requests are built
// by the core as the server builds them, leaving from Source's socket.
type Recorder struct {
	Replies  []string
	Forwards []Forward
	Aliases  []int // force_tcp_alias's ports
}

// Forward is one message a module sent on.
type Forward struct {
	Dst, Data string
	Socket    string // the socket it left from
}

// SendReply records a reply.
func (r *Recorder) SendReply(_ *engine.Context, reply []byte) error {
	r.Replies = append(r.Replies, string(reply))
	return nil
}

// SendBranch builds the request as the core would send it with branch,
// records it and returns it as sent to Destination.
func (r *Recorder) SendBranch(ctx *engine.Context, dst, branch string) (*engine.Sent, error) {
	hop := core.NextHop(ctx, dst)
	sock := sendSocket(ctx)
	out := &engine.Outgoing{Proto: sock.Proto().String(), Local: sock.Local, Advertised: core.Advertised(ctx, sock)}
	data := core.BuildForward(nil, ctx, out, branch)
	r.Forwards = append(r.Forwards, Forward{Dst: hop, Data: string(data), Socket: sock.String()})
	return &engine.Sent{Data: data, Proto: out.Proto, Dst: Destination, Local: sock.Local, URI: hop}, nil
}

// Sockets are further sockets the Recorder pretends to listen on besides
// Source's, for force_send_socket: a second UDP one and a TCP one.
var Sockets = []*transport.Socket{
	{Spec: transport.SocketSpec{Proto: transport.UDP, Host: "127.0.0.1", Port: 5062}, Local: netip.MustParseAddrPort("127.0.0.1:5062")},
	{Spec: transport.SocketSpec{Proto: transport.TCP, Host: "127.0.0.1", Port: 5060}, Local: netip.MustParseAddrPort("127.0.0.1:5060")},
}

// sourceSocket is Source's socket, as it is now.
func sourceSocket() *transport.Socket {
	proto, _ := transport.ParseProto(Source.Proto)
	return &transport.Socket{Spec: transport.SocketSpec{Proto: proto, Host: Source.Local.Addr().String(),
		Port: int(Source.Local.Port())}, Local: Source.Local}
}

// sendSocket is the socket the script forced, else Source's.
func sendSocket(ctx *engine.Context) *transport.Socket {
	for _, s := range append([]*transport.Socket{sourceSocket()}, Sockets...) {
		if s.String() == ctx.Socket {
			return s
		}
	}
	return sourceSocket()
}

var _ engine.Network = (*Recorder)(nil)

// FindSocket finds a socket of Sockets by its bound address.
func (r *Recorder) FindSocket(proto, host string, port int) string {
	for _, s := range append([]*transport.Socket{sourceSocket()}, Sockets...) {
		if (proto == "" || proto == s.Proto().String()) && host == s.Local.Addr().String() &&
			(port == 0 || port == int(s.Local.Port())) {
			return s.String()
		}
	}
	return ""
}

// SendRaw records data as sent to dst (send()).
func (r *Recorder) SendRaw(ctx *engine.Context, dst string, data []byte) error {
	r.Forwards = append(r.Forwards, Forward{Dst: dst, Data: string(data), Socket: sendSocket(ctx).String()})
	return nil
}

// AddConnAlias records the alias force_tcp_alias asked for.
func (r *Recorder) AddConnAlias(ctx *engine.Context, port int) error {
	r.Aliases = append(r.Aliases, port)
	return nil
}

// SendAgain records data as sent where s went: a reply when s came from
// ReplyDestination, else a forwarded message.
func (r *Recorder) SendAgain(s *engine.Sent, data []byte) error {
	if s.Handle == replyHandle {
		r.Replies = append(r.Replies, string(data))
		return nil
	}
	r.Forwards = append(r.Forwards, Forward{Dst: s.URI, Data: string(data)})
	return nil
}

// replyHandle marks the Sent ReplyDestination returns.
const replyHandle = "coretest reply"

// ReplyDestination gives a Sent that SendAgain records as a reply, as
// the core gives one for a request that did not come on a connection.
func (r *Recorder) ReplyDestination(ctx *engine.Context) (*engine.Sent, bool) {
	if ctx.Msg == nil {
		return nil, false
	}
	if _, err := ctx.Msg.Via(); err != nil {
		return nil, false
	}
	return &engine.Sent{Proto: Source.Proto, Dst: Source.Src, Handle: replyHandle}, true
}

// Destination is where the Recorder pretends requests go.
var Destination = netip.MustParseAddrPort("127.0.0.2:5060")

// ForwardRequest builds the request as the core would send it from
// Source's socket and records it.
func (r *Recorder) ForwardRequest(ctx *engine.Context, dst string) error {
	hop := core.NextHop(ctx, dst)
	sock := sendSocket(ctx)
	out := &engine.Outgoing{Proto: sock.Proto().String(), Local: sock.Local, Advertised: core.Advertised(ctx, sock)}
	data := core.BuildForward(nil, ctx, out, sip.StatelessBranch(ctx.Msg, hop))
	r.Forwards = append(r.Forwards, Forward{Dst: hop, Data: string(data), Socket: sock.String()})
	return nil
}

// Source is where RunScript's messages come from.
var Source = engine.Received{Proto: "udp", Src: netip.MustParseAddrPort("127.0.0.1:5070"),
	Local: netip.MustParseAddrPort("127.0.0.1:5060"), Socket: "udp:127.0.0.1:5060"}

// Out returns the message as it would be written out, edits applied.
func (r *Result) Out() string { return string(r.Msg.Bytes()) }

// Compile compiles a whole script with the compiled-in modules; it fails
// the test on any error.
func Compile(t testing.TB, cfg string) (*core.Loaded, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := script.Parse("test.cfg", []byte(cfg))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	l, err := core.Compile(s, core.LoadOptions{Logger: logger})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return l, &logs
}

// CompileErrors compiles a script that must fail and returns the error
// text (every error, one a line).
func CompileErrors(t testing.TB, cfg string) string {
	t.Helper()
	s, err := script.Parse("test.cfg", []byte(cfg))
	if err == nil {
		_, err = core.Compile(s, core.LoadOptions{})
	}
	if err == nil {
		t.Fatal("the script compiled; want errors")
	}
	return err.Error()
}

// RunScript compiles cfg and runs its main route on msg.
func RunScript(t testing.TB, cfg, msg string) *Result {
	t.Helper()
	l, logs := Compile(t, cfg)
	if l.Program.Main == nil {
		t.Fatal("the script has no main route")
	}
	m, err := sip.ParseString(msg)
	if err != nil {
		t.Fatalf("message: %v", err)
	}
	sent := &Recorder{}
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Sender: sent,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	ctx.Reset(m, engine.RequestRoute)
	ctx.Received = Source
	code := l.Program.Main.Run(ctx)
	return &Result{Code: code, Ctx: ctx, Msg: m, Log: logs, Sent: sent}
}

// RunRoute runs statements as the main route on msg.
func RunRoute(t testing.TB, stmts, msg string) *Result {
	t.Helper()
	return RunScript(t, "route {\n"+stmts+"\n}\n", msg)
}
