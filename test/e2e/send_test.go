package e2e

import (
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"
)

// sendCfg has two UDP sockets (PORT and SECOND) and the modules the
// sending functions are used with; ROUTING is the main route.
const sendCfg = `
log_level=3
stderror_enabled=yes
syslog_enabled=no
udp_workers=2
socket=udp:127.0.0.1:PORT
socket=udp:127.0.0.1:SECOND SECONDAS
GLOBALS

loadmodule "proto_udp.so"
loadmodule "sl.so"
loadmodule "tm.so"
loadmodule "rr.so"

route {
	ROUTING
}
`

// sendInvite is what the caller sends; CLIENT is its address.
const sendInvite = `INVITE sip:bob@127.0.0.2 SIP/2.0
Via: SIP/2.0/UDP CLIENT;branch=z9hG4bKsend1
Max-Forwards: 70
From: <sip:alice@127.0.0.1>;tag=a1
To: <sip:bob@127.0.0.2>
Call-ID: send-1@127.0.0.1
CSeq: 1 INVITE
Contact: <sip:alice@CLIENT>
Content-Length: 0

`

// TestSendingOnTheWire: what the sending functions do, seen by a callee
// on a real socket: the socket the request leaves from (its source port),
// the proxy's Via and Record-Route.
func TestSendingOnTheWire(t *testing.T) {
	cases := []struct {
		name, globals, routing string
		secondAs               string   // an "as" for the SECOND socket
		fromSecond             bool     // the callee sees the SECOND socket as source
		want                   []string // regexps the received request matches; PROXY is 127.0.0.1:PORT, SECONDADDR 127.0.0.1:SECOND
		notWant                string
	}{
		{name: "default socket", routing: `forward("udp:CALLEE");`,
			want: []string{`(?m)^Via: SIP/2\.0/UDP PROXY;branch=z9hG4bK[^;\r]*\r\nVia: SIP/2\.0/UDP CLIENT;branch=z9hG4bKsend1`}, notWant: "rport"},
		{name: "force_send_socket: stateless", routing: `force_send_socket("udp:127.0.0.1:SECOND"); forward("udp:CALLEE");`,
			fromSecond: true, want: []string{`(?m)^Via: SIP/2\.0/UDP SECONDADDR;branch=`}},
		{name: "force_send_socket: t_relay, Record-Route of that socket", routing: `record_route(); force_send_socket("udp:127.0.0.1:SECOND"); $du = "sip:CALLEE"; t_relay();`,
			fromSecond: true, want: []string{`(?m)^Via: SIP/2\.0/UDP SECONDADDR;branch=`,
				`(?m)^Record-Route: <sip:SECONDADDR;r2=on;lr[^>]*>\r\nRecord-Route: <sip:PROXY;r2=on;lr`}},
		{name: "add_local_rport", routing: `add_local_rport(); forward("udp:CALLEE");`,
			want: []string{`(?m)^Via: SIP/2\.0/UDP PROXY;branch=z9hG4bK[^;\r]*;rport\r\n`}},
		{name: "force_rport marks the caller's Via", routing: `force_rport(); forward("udp:CALLEE");`,
			want: []string{`(?m)^Via: SIP/2\.0/UDP CLIENT;branch=z9hG4bKsend1;received=127\.0\.0\.1;rport=\d+\r\n`}},
		{name: "set_advertised_address in Via and Record-Route", routing: `record_route(); set_advertised_address("203.0.113.9"); set_advertised_port("5999"); $du = "sip:CALLEE"; t_relay();`,
			want: []string{`(?m)^Via: SIP/2\.0/UDP 203\.0\.113\.9:5999;branch=`, `(?m)^Record-Route: <sip:203\.0\.113\.9:5999;lr`}},
		{name: "advertised_address parameter", globals: `advertised_address="198.51.100.4"`, routing: `record_route(); forward("udp:CALLEE");`,
			want: []string{`(?m)^Via: SIP/2\.0/UDP 198\.51\.100\.4:\d+;branch=`, `(?m)^Record-Route: <sip:198\.51\.100\.4:\d+;lr`}},
		{name: "the message's address wins over the parameter", globals: "advertised_address=\"198.51.100.4\"\nadvertised_port=7000",
			routing: `set_advertised_address("203.0.113.9"); forward("udp:CALLEE");`,
			want:    []string{`(?m)^Via: SIP/2\.0/UDP 203\.0\.113\.9:7000;branch=`}},
		{name: "a socket's own as wins over set_advertised_address", secondAs: "as 198.51.100.7:5077",
			routing:    `record_route(); set_advertised_address("203.0.113.9"); force_send_socket("udp:127.0.0.1:SECOND"); $du = "sip:CALLEE"; t_relay();`,
			fromSecond: true, want: []string{`(?m)^Via: SIP/2\.0/UDP 198\.51\.100\.7:5077;branch=`,
				`(?m)^Record-Route: <sip:198\.51\.100\.7:5077;r2=on;lr[^>]*>\r\nRecord-Route: <sip:PROXY;r2=on;lr`}},
		{name: "send: the message untouched, headers after the first line", routing: `send("udp:CALLEE", "X-Copy: yes\r\n");`,
			want: []string{`^INVITE sip:bob@127\.0\.0\.2 SIP/2\.0\r\nX-Copy: yes\r\nVia: SIP/2\.0/UDP CLIENT;branch=z9hG4bKsend1\r\n`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			callee, err := net.ListenPacket("udp", "127.0.0.2:0")
			if err != nil {
				t.Fatal(err)
			}
			defer callee.Close()
			second := freePort(t, "127.0.0.1")
			cfg := strings.NewReplacer("ROUTING", c.routing, "GLOBALS", c.globals, "SECONDAS", c.secondAs).Replace(sendCfg)
			cfg = strings.NewReplacer("SECOND", fmt.Sprint(second), "CALLEE", callee.LocalAddr().String()).Replace(cfg)
			s := start(t, cfg)
			caller, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer caller.Close()
			client := caller.LocalAddr().String()
			msg := strings.ReplaceAll(strings.ReplaceAll(sendInvite, "\n", "\r\n"), "CLIENT", client)
			if _, err := caller.WriteTo([]byte(msg), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.port}); err != nil {
				t.Fatal(err)
			}
			callee.SetReadDeadline(time.Now().Add(2 * time.Second))
			buf := make([]byte, 65535)
			n, from, err := callee.ReadFrom(buf)
			if err != nil {
				t.Fatalf("the callee got nothing: %v\nserver:\n%s", err, s.Log())
			}
			got := string(buf[:n])
			wantPort := s.port
			if c.fromSecond {
				wantPort = second
			}
			if p := from.(*net.UDPAddr).Port; p != wantPort {
				t.Errorf("came from port %d, want %d", p, wantPort)
			}
			repl := strings.NewReplacer("PROXY", regexp.QuoteMeta(fmt.Sprintf("127.0.0.1:%d", s.port)),
				"SECONDADDR", regexp.QuoteMeta(fmt.Sprintf("127.0.0.1:%d", second)), "CLIENT", regexp.QuoteMeta(client))
			for _, w := range c.want {
				if !regexp.MustCompile(repl.Replace(w)).MatchString(got) {
					t.Errorf("no %s in\n%s", repl.Replace(w), got)
				}
			}
			if c.notWant != "" && strings.Contains(got, c.notWant) {
				t.Errorf("%q in\n%s", c.notWant, got)
			}
		})
	}
}

// replyOptions is an OPTIONS whose Via names a port nobody listens on.
const replyOptions = `OPTIONS sip:SERVER SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKrport1
Max-Forwards: 70
From: <sip:e2e@127.0.0.1>;tag=e2e
To: <sip:SERVER>
Call-ID: rport-1@127.0.0.1
CSeq: 1 OPTIONS
Content-Length: 0

`

// TestForceRPortReply: without rport the reply goes to the Via's port
// (9, nobody there); force_rport sends it to the port the request came
// from, statelessly and through tm (RFC 3581).
func TestForceRPortReply(t *testing.T) {
	cases := []struct {
		name, routing string
		answered      bool
	}{
		{"sl without force_rport", `sl_send_reply(200, "OK");`, false},
		{"sl with force_rport", `force_rport(); sl_send_reply(200, "OK");`, true},
		{"tm with force_rport", `force_rport(); t_reply(200, "OK");`, true},
		{"set_via_handling force-rport", `set_via_handling("force-rport"); sl_send_reply(200, "OK");`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := strings.NewReplacer("ROUTING", c.routing, "GLOBALS", "", "SECOND SECONDAS", "0").Replace(sendCfg)
			cfg = strings.Replace(cfg, "socket=udp:127.0.0.1:0\n", "", 1)
			s := start(t, cfg)
			reply := exchange(t, s, replyOptions)
			if got := reply != ""; got != c.answered {
				t.Fatalf("answered = %v, want %v: %q\nserver:\n%s", got, c.answered, reply, s.Log())
			}
			if c.answered && !regexp.MustCompile(`Via: SIP/2\.0/UDP 127\.0\.0\.1:9;branch=z9hG4bKrport1;received=127\.0\.0\.1;rport=\d+\r\n`).MatchString(reply) {
				t.Errorf("reply Via without received and rport:\n%s", reply)
			}
		})
	}
}

// TestForceSendSocketOnReply: force_send_socket in onreply_route picks
// the socket a reply forwarded statelessly leaves from.
func TestForceSendSocketOnReply(t *testing.T) {
	cases := []struct {
		name, onreply string
		fromSecond    bool
	}{
		{"default socket", "", false},
		{"forced", `force_send_socket("udp:127.0.0.1:SECOND");`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			callee, err := net.ListenPacket("udp", "127.0.0.2:0")
			if err != nil {
				t.Fatal(err)
			}
			defer callee.Close()
			second := freePort(t, "127.0.0.1")
			cfg := strings.NewReplacer("ROUTING", `forward("udp:CALLEE");`, "GLOBALS", "", "SECONDAS", "").Replace(sendCfg)
			cfg += "onreply_route {\n" + c.onreply + "\n}\n"
			cfg = strings.NewReplacer("SECOND", fmt.Sprint(second), "CALLEE", callee.LocalAddr().String()).Replace(cfg)
			s := start(t, cfg)
			caller, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer caller.Close()
			msg := strings.ReplaceAll(strings.ReplaceAll(sendInvite, "\n", "\r\n"), "CLIENT", caller.LocalAddr().String())
			if _, err := caller.WriteTo([]byte(msg), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.port}); err != nil {
				t.Fatal(err)
			}
			callee.SetReadDeadline(time.Now().Add(2 * time.Second))
			buf := make([]byte, 65535)
			n, proxy, err := callee.ReadFrom(buf)
			if err != nil {
				t.Fatalf("the callee got nothing: %v\n%s", err, s.Log())
			}
			// 180 Ringing: the request's Vias, a To tag.
			req := string(buf[:n])
			head, _, _ := strings.Cut(req, "\r\n\r\n")
			var reply strings.Builder
			reply.WriteString("SIP/2.0 180 Ringing\r\n")
			for _, line := range strings.Split(head, "\r\n")[1:] {
				switch {
				case strings.HasPrefix(line, "Via:"), strings.HasPrefix(line, "From:"), strings.HasPrefix(line, "Call-ID:"), strings.HasPrefix(line, "CSeq:"):
					reply.WriteString(line + "\r\n")
				case strings.HasPrefix(line, "To:"):
					reply.WriteString(line + ";tag=b1\r\n")
				}
			}
			reply.WriteString("Content-Length: 0\r\n\r\n")
			if _, err := callee.WriteTo([]byte(reply.String()), proxy); err != nil {
				t.Fatal(err)
			}
			caller.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, from, err := caller.ReadFrom(buf)
			if err != nil || !strings.HasPrefix(string(buf[:n]), "SIP/2.0 180") {
				t.Fatalf("the caller got %q, %v\n%s", buf[:n], err, s.Log())
			}
			want := s.port
			if c.fromSecond {
				want = second
			}
			if p := from.(*net.UDPAddr).Port; p != want {
				t.Errorf("the reply came from port %d, want %d", p, want)
			}
		})
	}
}
