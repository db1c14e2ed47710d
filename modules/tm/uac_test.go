package tm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/mi"
	_ "switchboard/modules/proto_udp"
	_ "switchboard/modules/sipmsgops"
	"switchboard/sip"
)

// peer is a UDP SIP element on 127.0.0.1 that the local requests go to.
type peer struct {
	t    *testing.T
	conn net.PacketConn
	got  chan received
}

type received struct {
	msg  *sip.Msg
	from net.Addr
}

func newPeer(t *testing.T) *peer {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &peer{t: t, conn: c, got: make(chan received, 64)}
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				close(p.got)
				return
			}
			if m, err := sip.Parse(buf[:n]); err == nil {
				p.got <- received{m, from}
			}
		}
	}()
	t.Cleanup(func() { c.Close() })
	return p
}

func (p *peer) uri() string { return "sip:" + p.conn.LocalAddr().String() }

// next waits for the next request, failing the test after two seconds.
func (p *peer) next() received {
	p.t.Helper()
	select {
	case r := <-p.got:
		return r
	case <-time.After(2 * time.Second):
		p.t.Fatal("the peer received nothing")
	}
	return received{}
}

// quiet reports whether nothing comes within d.
func (p *peer) quiet(d time.Duration) bool {
	select {
	case r := <-p.got:
		p.t.Logf("unexpected:\n%s", r.msg.Raw())
		return false
	case <-time.After(d):
		return true
	}
}

// drain forgets what arrived.
func (p *peer) drain() {
	for {
		select {
		case <-p.got:
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}

// answer replies to r with code and extra header lines.
func (p *peer) answer(r received, code int, extra ...sip.Field) {
	p.t.Helper()
	data, err := sip.AppendReply(nil, r.msg, &sip.Reply{Code: code, ToTag: "peer", Headers: extra})
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.conn.WriteTo(data, r.from); err != nil {
		p.t.Fatal(err)
	}
}

// uacServer runs a real switchboard with tm on 127.0.0.1 and the
// local_route the tests use: X-Drop drops the request, X-Redirect
// changes $du, every other request gets X-Local with its method (and
// X-Ctx with t_new_request's ctx); a MESSAGE to the server makes it send
// one to the R-URI's user part as host:port... through t_new_request.
func uacServer(t *testing.T) string {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	c.Close()
	cfg := fmt.Sprintf(`socket=udp:127.0.0.1:%d
loadmodule "proto_udp.so"
loadmodule "sl.so"
loadmodule "tm.so"
loadmodule "sipmsgops.so"
modparam("tm", "fr_timeout", 2)
modparam("tm", "fr_inv_timeout", 4)
route {
	if (is_method("MESSAGE") && is_present_hf("X-Target")) {
		if (t_new_request("MESSAGE", $hdr(X-Target), "Alice sip:alice@example.com", "sip:bob@example.com", "text/plain hello bob", "ctx-42"))
			sl_send_reply(202, "Sent");
		else
			sl_send_reply(500, "Not Sent");
		exit;
	}
	sl_send_reply(404, "Not Here");
}
local_route {
	if (is_present_hf("X-Drop")) {
		drop;
	}
	if (is_present_hf("X-Redirect")) {
		$du = $hdr(X-Redirect);
	}
	append_hf("X-Local: $rm\r\n");
	if ($avp(uac_ctx) != NULL) {
		append_hf("X-Ctx: $avp(uac_ctx)\r\n");
	}
}
`, port)
	path := filepath.Join(t.TempDir(), "uac.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	config.defaults()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := core.NewServer(path, core.ServerOptions{Loggers: &core.Loggers{Core: quiet, Script: quiet}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Stop()
		settle(t)
	})
	return fmt.Sprintf("127.0.0.1:%d", port)
}

// armed waits until the transaction that sent req has armed its timers:
// SendLocal holds its lock from before the send until then, so the
// manual clock is not turned too early.
func armed(t *testing.T, req *sip.Msg) {
	t.Helper()
	via, err := req.Via()
	if err != nil {
		t.Fatal(err)
	}
	b, ok := branches.get(via.Branch)
	if !ok {
		t.Fatalf("no branch %s", via.Branch)
	}
	b.tx.mu.Lock()
	//lint:ignore SA2001 the wait for the lock is the point
	b.tx.mu.Unlock()
}

// miResult is an MI answer: the result, or the error as "code message".
type miResult struct {
	result json.RawMessage
	err    string
}

// miCall runs an MI command through the JSON-RPC dispatcher.
func miCall(method string, params map[string]any) miResult {
	req, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(mi.Dispatch(context.Background(), core.MIRegistry(), req), &resp); err != nil {
		return miResult{err: err.Error()}
	}
	if resp.Error != nil {
		return miResult{err: fmt.Sprintf("%d %s", resp.Error.Code, resp.Error.Message)}
	}
	return miResult{result: resp.Result}
}

// miAsync runs an MI command in the background.
func miAsync(method string, params map[string]any) <-chan miResult {
	out := make(chan miResult, 1)
	go func() { out <- miCall(method, params) }()
	return out
}

func waitMI(t *testing.T, ch <-chan miResult) miResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(3 * time.Second):
		t.Fatal("the MI command did not answer")
	}
	return miResult{}
}

// TestUACDlg: t_uac_dlg sends the request statefully (our Via and
// branch, Max-Forwards, a From tag, CSeq, Call-ID, Content-Length)
// through local_route and answers the final reply in OpenSIPS's shape;
// no answer gives tm's own 408 after retransmissions (§17.1.2.2); a
// non-2xx to an INVITE is ACKed (§17.1.1.3), a 2xx too (§13.2.2.4), by
// tm; bad parameters get OpenSIPS's errors.
func TestUACDlg(t *testing.T) {
	uacServer(t)
	p := newPeer(t)
	contact := sip.Field{Name: "Contact", Value: "<" + p.uri() + ";transport=udp>"}
	tests := []struct {
		name    string
		params  map[string]any
		reply   int // the peer's final reply; 0: none
		check   func(t *testing.T, req *sip.Msg)
		want    string // Status, or the MI error
		message string // in Message
		ack     bool   // the peer gets an ACK
	}{
		{"OPTIONS 200", map[string]any{"method": "OPTIONS", "ruri": p.uri(),
			"headers": `From: <sip:mi@example.com>\r\nTo: <sip:peer@example.com>\r\nX-Mine: 1\r\n`}, 200,
			func(t *testing.T, req *sip.Msg) {
				via, _ := req.Via()
				from, _ := req.From()
				cseq, _ := req.CSeq()
				if !via.HasRFC3261Branch() || req.Value(sip.HdrMaxForwards) != "70" || from.Tag() == "" ||
					cseq.Seq != 10 || cseq.Method != "OPTIONS" || req.Value(sip.HdrCallID) == "" ||
					req.Value(sip.HdrContentLength) != "0" {
					t.Errorf("not a well formed local request:\n%s", req.Raw())
				}
				if h, _ := req.HeaderNamed("X-Mine"); h == nil || h.Value != "1" {
					t.Errorf("the given header is missing:\n%s", req.Raw())
				}
				if h, _ := req.HeaderNamed("X-Local"); h == nil || h.Value != "OPTIONS" {
					t.Errorf("local_route did not run:\n%s", req.Raw())
				}
			}, "200 OK", "CSeq: 10 OPTIONS", false},
		{"MESSAGE with a body, Call-ID and CSeq given", map[string]any{"method": "MESSAGE", "ruri": p.uri(),
			"headers": "From: \"MI\" <sip:mi@example.com>;tag=abc\r\nTo: <sip:peer@example.com>\r\nCall-ID: fixed-1\r\nCSeq: 7 MESSAGE\r\nContent-Type: text/plain\r\n",
			"body":    "hello"}, 202,
			func(t *testing.T, req *sip.Msg) {
				from, _ := req.From()
				cseq, _ := req.CSeq()
				if req.Body() != "hello" || req.Value(sip.HdrContentType) != "text/plain" || from.Tag() != "abc" ||
					cseq.Seq != 7 || req.Value(sip.HdrCallID) != "fixed-1" {
					t.Errorf("wrong MESSAGE:\n%s", req.Raw())
				}
			}, "202 Accepted", "Call-ID: fixed-1", false},
		{"no answer: 408", map[string]any{"method": "OPTIONS", "ruri": p.uri(),
			"headers": "From: <sip:mi@example.com>\r\nTo: <sip:peer@example.com>\r\n"}, 0, nil, "408 Request Timeout", "", false},
		{"INVITE 486 is ACKed", map[string]any{"method": "INVITE", "ruri": p.uri(),
			"headers": "From: <sip:mi@example.com>\r\nTo: <sip:peer@example.com>\r\nContact: <sip:mi@127.0.0.1>\r\n"}, 486, nil,
			"486 Busy Here", "CSeq: 10 INVITE", true},
		{"INVITE 200 is ACKed by tm", map[string]any{"method": "INVITE", "ruri": p.uri(),
			"headers": "From: <sip:mi@example.com>\r\nTo: <sip:peer@example.com>\r\nContact: <sip:mi@127.0.0.1>\r\n"}, 200, nil,
			"200 OK", "Contact: <" + p.uri() + ";transport=udp>", true},
		{"next_hop", map[string]any{"method": "OPTIONS", "ruri": "sip:nobody@unresolvable.invalid", "next_hop": p.uri(),
			"headers": "From: <sip:mi@example.com>\r\nTo: <sip:peer@example.com>\r\n"}, 200,
			func(t *testing.T, req *sip.Msg) {
				if req.RequestURIString() != "sip:nobody@unresolvable.invalid" {
					t.Errorf("R-URI %s", req.RequestURIString())
				}
			}, "200 OK", "", false},
		{"local_route drop", map[string]any{"method": "OPTIONS", "ruri": p.uri(),
			"headers": "From: <sip:mi@example.com>\r\nTo: <sip:peer@example.com>\r\nX-Drop: 1\r\n"}, 0, nil, "500 MI/UAC failed", "", false},
		{"local_route changes the destination", map[string]any{"method": "OPTIONS", "ruri": "sip:nobody@unresolvable.invalid",
			"headers": "From: <sip:mi@example.com>\r\nTo: <sip:peer@example.com>\r\nX-Redirect: " + p.uri() + "\r\n"}, 200, nil, "200 OK", "", false},
		{"no From", map[string]any{"method": "OPTIONS", "ruri": p.uri(), "headers": "To: <sip:peer@example.com>\r\n"}, 0, nil, "400 From missing", "", false},
		{"no To", map[string]any{"method": "OPTIONS", "ruri": p.uri(), "headers": "From: <sip:a@b>\r\n"}, 0, nil, "400 To missing", "", false},
		{"bad R-URI", map[string]any{"method": "OPTIONS", "ruri": "mailto:x", "headers": "From: <sip:a@b>\r\nTo: <sip:a@b>\r\n"}, 0, nil, "400 Invalid ruri", "", false},
		{"bad next_hop", map[string]any{"method": "OPTIONS", "ruri": p.uri(), "next_hop": "nope",
			"headers": "From: <sip:a@b>\r\nTo: <sip:a@b>\r\n"}, 0, nil, "400 Invalid next_hop", "", false},
		{"unknown socket", map[string]any{"method": "OPTIONS", "ruri": p.uri(), "socket": "udp:127.0.0.1:1",
			"headers": "From: <sip:a@b>\r\nTo: <sip:a@b>\r\n"}, 0, nil, "404 Local socket not found", "", false},
		{"body without Content-Type", map[string]any{"method": "MESSAGE", "ruri": p.uri(), "body": "x",
			"headers": "From: <sip:a@b>\r\nTo: <sip:a@b>\r\n"}, 0, nil, "400 Content-Type missing", "", false},
		{"body with Content-Length", map[string]any{"method": "MESSAGE", "ruri": p.uri(), "body": "x",
			"headers": "From: <sip:a@b>\r\nTo: <sip:a@b>\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n"}, 0, nil, "400 Content-Length disallowed", "", false},
		{"CSeq of another method", map[string]any{"method": "OPTIONS", "ruri": p.uri(),
			"headers": "From: <sip:a@b>\r\nTo: <sip:a@b>\r\nCSeq: 1 INVITE\r\n"}, 0, nil, "400 CSeq method mismatch", "", false},
		{"bad CSeq", map[string]any{"method": "OPTIONS", "ruri": p.uri(),
			"headers": "From: <sip:a@b>\r\nTo: <sip:a@b>\r\nCSeq: x OPTIONS\r\n"}, 0, nil, "400 Bad CSeq number", "", false},
		{"bad From", map[string]any{"method": "OPTIONS", "ruri": p.uri(),
			"headers": "From: <sip:a@b\r\nTo: <sip:a@b>\r\n"}, 0, nil, "400 Error in From", "", false},
		{"not a header line", map[string]any{"method": "OPTIONS", "ruri": p.uri(),
			"headers": "From <sip:a@b>\r\nTo: <sip:a@b>\r\n"}, 0, nil, "400 Bad headers", "", false},
		{"positional parameters are refused", nil, 0, nil, "-32602 Invalid params", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p.t = t
			var ch <-chan miResult
			if tc.params == nil {
				req, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "t_uac_dlg",
					"params": []string{"OPTIONS", p.uri(), "From: <sip:a@b>\r\nTo: <sip:a@b>\r\n"}})
				out := string(mi.Dispatch(context.Background(), core.MIRegistry(), req))
				if !strings.Contains(out, `"code":-32602`) {
					t.Errorf("positional call answered %s", out)
				}
				return
			}
			ch = miAsync("t_uac_dlg", tc.params)
			expectSent := tc.reply != 0 || strings.HasPrefix(tc.want, "408")
			if !expectSent {
				if r := waitMI(t, ch); r.err != tc.want {
					t.Errorf("answer %q %s, want %q", r.err, r.result, tc.want)
				}
				if !p.quiet(100 * time.Millisecond) {
					t.Error("the peer got a request")
				}
				return
			}
			req := p.next()
			armed(t, req.msg)
			if req.msg.Method() == sip.MethodInvite || tc.reply == 0 {
				// The request is retransmitted until answered (Timer A/E).
				advance(t1())
				if again := p.next(); again.msg.Raw() != req.msg.Raw() {
					t.Errorf("the retransmission differs:\n%s", again.msg.Raw())
				}
			}
			if tc.check != nil {
				tc.check(t, req.msg)
			}
			if tc.reply != 0 {
				p.answer(req, tc.reply, contact)
			} else {
				advance(2 * time.Second)
			}
			r := waitMI(t, ch)
			var got uacResult
			if r.err != "" || json.Unmarshal(r.result, &got) != nil {
				t.Fatalf("answer %q %s", r.err, r.result)
			}
			if got.Status != tc.want {
				t.Errorf("Status %q, want %q", got.Status, tc.want)
			}
			if tc.reply == 0 {
				p.drain() // the retransmissions until the timeout
			}
			if tc.reply == 0 && got.Message != nil {
				t.Errorf("a timeout has a Message: %q", *got.Message)
			}
			if tc.reply != 0 && (got.Message == nil || !strings.Contains(*got.Message, tc.message) ||
				!strings.HasPrefix(*got.Message, "Via: ")) {
				t.Errorf("Message %v lacks %q", got.Message, tc.message)
			}
			if tc.reply >= 200 && tc.reply < 300 && got.RURI != p.uri()+";transport=udp" {
				t.Errorf("RURI %q, want the Contact", got.RURI)
			}
			if tc.ack {
				ack := p.next()
				if ack.msg.Method() != sip.MethodAck {
					t.Fatalf("no ACK:\n%s", ack.msg.Raw())
				}
				to, _ := ack.msg.To()
				if to.Tag() != "peer" {
					t.Errorf("the ACK lacks the reply's To tag:\n%s", ack.msg.Raw())
				}
				if tc.reply < 300 && ack.msg.RequestURIString() != p.uri()+";transport=udp" {
					t.Errorf("the ACK of a 2xx goes to the Contact (§13.2.2.4):\n%s", ack.msg.Raw())
				}
			}
			if !p.quiet(50 * time.Millisecond) {
				t.Error("more than expected reached the peer")
			}
		})
	}
}

// TestUACCancel: t_uac_cancel CANCELs a local INVITE that rang (§9.1);
// the 487 that follows is the answer of t_uac_dlg, and is ACKed.
func TestUACCancel(t *testing.T) {
	uacServer(t)
	p := newPeer(t)
	ch := miAsync("t_uac_dlg", map[string]any{"method": "INVITE", "ruri": p.uri(),
		"headers": "From: <sip:mi@example.com>\r\nTo: <sip:peer@example.com>\r\nCall-ID: cancel-me\r\nCSeq: 3 INVITE\r\n"})
	inv := p.next()
	p.answer(inv, 180)
	if r := miCall("t_uac_cancel", map[string]any{"callid": "other", "cseq": "3"}); r.err != "481 No such transaction" {
		t.Errorf("unknown Call-ID: %q %s", r.err, r.result)
	}
	// The 180 arrives on the server's reader: wait until it is seen.
	var r miResult
	for i := 0; i < 100; i++ {
		if r = miCall("t_uac_cancel", map[string]any{"callid": "cancel-me", "cseq": "3 INVITE"}); r.err == "" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if string(r.result) != `"OK"` {
		t.Fatalf("t_uac_cancel: %q %s", r.err, r.result)
	}
	cancel := p.next()
	iv, _ := inv.msg.Via()
	cv, _ := cancel.msg.Via()
	if cancel.msg.Method() != sip.MethodCancel || cv.Branch != iv.Branch {
		t.Fatalf("not the INVITE's CANCEL:\n%s", cancel.msg.Raw())
	}
	p.answer(cancel, 200)
	p.answer(inv, 487)
	res := waitMI(t, ch)
	if !strings.Contains(string(res.result), `"Status":"487 Request Terminated"`) {
		t.Errorf("t_uac_dlg answered %q %s", res.err, res.result)
	}
	if ack := p.next(); ack.msg.Method() != sip.MethodAck {
		t.Errorf("the 487 was not ACKed:\n%s", ack.msg.Raw())
	}
}

// TestNewRequest: t_new_request sends a request of its own, unrelated to
// the one the script runs on, with From and To from "[display ]URI", the
// body's content type from its first word, and ctx as $avp(uac_ctx) in
// local_route.
func TestNewRequest(t *testing.T) {
	addr := uacServer(t)
	p := newPeer(t)
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := fmt.Sprintf("MESSAGE sip:svc@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-nr1\r\nMax-Forwards: 70\r\n"+
		"From: <sip:t@example.com>;tag=1\r\nTo: <sip:svc@example.com>\r\nCall-ID: nr1\r\nCSeq: 1 MESSAGE\r\n"+
		"X-Target: %s\r\nContent-Length: 0\r\n\r\n", addr, c.LocalAddr(), p.uri())
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	req := p.next()
	m := req.msg
	from, _ := m.From()
	to, _ := m.To()
	if m.Method() != sip.MethodMessage || m.RequestURIString() != p.uri() || from.DisplayName() != "Alice" ||
		from.URI.Raw != "sip:alice@example.com" || from.Tag() == "" || to.URI.Raw != "sip:bob@example.com" ||
		m.Body() != "hello bob" || m.Value(sip.HdrContentType) != "text/plain" || m.Value(sip.HdrCallID) == "nr1" {
		t.Errorf("wrong request:\n%s", m.Raw())
	}
	if h, _ := m.HeaderNamed("X-Ctx"); h == nil || h.Value != "ctx-42" {
		t.Errorf("local_route did not see $avp(uac_ctx):\n%s", m.Raw())
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil || !strings.HasPrefix(string(buf[:n]), "SIP/2.0 202 Sent") {
		t.Errorf("the script answered %q %v", buf[:n], err)
	}
	p.answer(req, 200)
	time.Sleep(50 * time.Millisecond) // the 200 ends the transaction on the server's reader
}

// TestLocalRequestsAPI: other modules send through core.LocalRequests,
// and get the final reply in their callback; without a running server
// the call fails at once.
func TestLocalRequestsAPI(t *testing.T) {
	send := core.LocalRequests()
	if send == nil {
		t.Fatal("tm does not provide core.LocalRequests")
	}
	if err := send(&core.LocalRequest{Method: "OPTIONS", RURI: "sip:127.0.0.1", From: "<sip:a@b>", To: "<sip:c@d>"}, nil); err != core.ErrNoServer {
		t.Errorf("without a server: %v", err)
	}
	uacServer(t)
	p := newPeer(t)
	tests := []struct {
		name string
		req  core.LocalRequest
		err  string
	}{
		{"bad method", core.LocalRequest{Method: "OP TIONS", RURI: p.uri(), From: "<sip:a@b>", To: "<sip:c@d>"}, "bad method"},
		{"ACK", core.LocalRequest{Method: "ACK", RURI: p.uri(), From: "<sip:a@b>", To: "<sip:c@d>"}, "not supported"},
		{"bad To", core.LocalRequest{Method: "OPTIONS", RURI: p.uri(), From: "<sip:a@b>", To: "<sip:c@d"}, "bad To"},
		{"header injection", core.LocalRequest{Method: "OPTIONS", RURI: p.uri(), From: "<sip:a@b>\r\nX: 1", To: "<sip:c@d>"}, "line break"},
		{"bad headers", core.LocalRequest{Method: "OPTIONS", RURI: p.uri(), From: "<sip:a@b>", To: "<sip:c@d>", Headers: "nonsense"}, "bad headers"},
		{"sent", core.LocalRequest{Method: "OPTIONS", RURI: p.uri(), From: "<sip:a@b>", To: "<sip:c@d>", Headers: "Max-Forwards: 5\r\n"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p.t = t
			done := make(chan core.LocalResult, 1)
			err := send(&tc.req, func(r core.LocalResult) { done <- r })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			req := p.next()
			n := 0
			for _, h := range req.msg.Headers() {
				if h.Type == sip.HdrMaxForwards {
					n++
				}
			}
			if req.msg.Value(sip.HdrMaxForwards) != "5" || n != 1 {
				t.Errorf("the given Max-Forwards does not replace tm's:\n%s", req.msg.Raw())
			}
			p.answer(req, 200)
			select {
			case r := <-done:
				if r.Status() != "200 OK" || r.Reply == nil {
					t.Errorf("result %+v", r)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("no result")
			}
		})
	}
}

// TestUACDlgCancelledCall: when the MI call ends first (the client went
// away, the transport stops), t_uac_dlg answers at once; the request's
// transaction goes on to its own end.
func TestUACDlgCancelledCall(t *testing.T) {
	uacServer(t)
	p := newPeer(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan error, 1)
	go func() {
		_, err := runMI(t, "t_uac_dlg", map[string]any{"method": "OPTIONS", "ruri": p.uri(),
			"headers": "From: <sip:a@b>\r\nTo: <sip:c@d>\r\n"}, ctx)
		out <- err
	}()
	req := p.next()
	armed(t, req.msg)
	cancel()
	select {
	case err := <-out:
		if err == nil || !strings.Contains(err.Error(), "ended before the final reply") {
			t.Errorf("answer %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("t_uac_dlg did not end with its call")
	}
	p.answer(req, 200)
	time.Sleep(50 * time.Millisecond)
}
