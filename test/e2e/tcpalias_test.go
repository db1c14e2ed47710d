package e2e

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// aliasCfg listens on UDP and TCP; a REGISTER over TCP is answered after
// ALIAS ran, and a MESSAGE is forwarded over TCP to the port the REGISTER
// named.
const aliasCfg = `
log_level=3
stderror_enabled=yes
syslog_enabled=no
udp_workers=2
socket=udp:127.0.0.1:PORT
socket=tcp:127.0.0.1:PORT
GLOBALS

loadmodule "proto_udp.so"
loadmodule "proto_tcp.so"
loadmodule "sl.so"
loadmodule "sipmsgops.so"

route {
	if (is_method("REGISTER")) {
		ALIAS
		sl_send_reply(200, "OK");
		exit;
	}
	forward("tcp:127.0.0.1:TARGET");
}
`

// TestForceTCPAlias: after force_tcp_alias, or with tcp_accept_aliases
// and a Via "alias", a request the proxy sends to the client's Via port
// (or the port given) goes over the client's own connection (RFC 5923),
// where nothing listens on that port; without it the proxy has to
// connect there and fails.
func TestForceTCPAlias(t *testing.T) {
	cases := []struct {
		name, alias string
		globals     string
		viaParam    string // after the Via's branch
		viaPort     bool   // the target is the Via's port, else the port given to force_tcp_alias
		delivered   bool
	}{
		{"the Via's port", "force_tcp_alias();", "", "", true, true},
		{"a given port", "force_tcp_alias(TARGET);", "", "", false, true},
		{"set_via_handling", `set_via_handling("force-tcp-alias");`, "", "", true, true},
		{"no alias", "", "", "", true, false},
		{"tcp_accept_aliases with a Via alias", "", "tcp_accept_aliases=yes", ";alias", true, true},
		{"a Via alias without tcp_accept_aliases", "", "", ";alias", true, false},
		{"tcp_accept_aliases without a Via alias", "", "tcp_accept_aliases=yes", "", true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			viaPort, otherPort := freePort(t, "127.0.0.1"), freePort(t, "127.0.0.1")
			target := viaPort
			if !c.viaPort {
				target = otherPort
			}
			cfg := strings.NewReplacer("ALIAS", c.alias, "GLOBALS", c.globals).Replace(aliasCfg)
			s := start(t, strings.ReplaceAll(cfg, "TARGET", fmt.Sprint(target)))
			conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.port))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			register := strings.ReplaceAll(fmt.Sprintf(`REGISTER sip:127.0.0.1 SIP/2.0
Via: SIP/2.0/TCP 127.0.0.1:%d;branch=z9hG4bKalias1%s
Max-Forwards: 70
From: <sip:alice@127.0.0.1>;tag=a1
To: <sip:alice@127.0.0.1>
Call-ID: alias-1@127.0.0.1
CSeq: 1 REGISTER
Contact: <sip:alice@127.0.0.1:%d;transport=tcp>
Content-Length: 0

`, viaPort, c.viaParam, viaPort), "\n", "\r\n")
			if _, err := conn.Write([]byte(register)); err != nil {
				t.Fatal(err)
			}
			r := bufio.NewReader(conn)
			conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "SIP/2.0 200") {
				t.Fatalf("REGISTER answered %q, %v\n%s", line, err, s.Log())
			}
			readMessage(r) // the rest of the 200
			exchange(t, s, `MESSAGE sip:alice@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP CLIENT;branch=z9hG4bKalias2
Max-Forwards: 70
From: <sip:bob@127.0.0.1>;tag=b1
To: <sip:alice@127.0.0.1>
Call-ID: alias-2@127.0.0.1
CSeq: 1 MESSAGE
Content-Length: 0

`)
			conn.SetReadDeadline(time.Now().Add(time.Second))
			line, err := r.ReadString('\n')
			if got := err == nil && strings.HasPrefix(line, "MESSAGE sip:alice@127.0.0.1"); got != c.delivered {
				t.Fatalf("MESSAGE on the client's connection: %v (%q, %v), want %v\n%s", got, line, err, c.delivered, s.Log())
			}
		})
	}
}

// readMessage skips the rest of a message without body on r.
func readMessage(r *bufio.Reader) {
	for {
		line, err := r.ReadString('\n')
		if err != nil || line == "\r\n" {
			return
		}
	}
}
