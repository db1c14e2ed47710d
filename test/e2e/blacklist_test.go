package e2e

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// blacklistCfg routes by Request-URI user: BLOCKED is a callee the static
// list blocks, OPEN one only the dynamic list (filled over the MI) can.
const blacklistCfg = `
log_level=3
stderror_enabled=yes
syslog_enabled=no
udp_workers=2
socket=udp:127.0.0.1:PORT
dst_blacklist = static: { (udp, 127.0.0.3, BLOCKEDPORT), (tcp, 127.0.0.4, 0) }
dst_blacklist = dyn/expire: { }

loadmodule "proto_udp.so"
loadmodule "sl.so"
loadmodule "signaling.so"
loadmodule "tm.so"
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:127.0.0.1:MIPORT")

route {
	if ($rU == "sl-static") {
		use_blacklist("static");
		if (!forward("udp:BLOCKED"))
			send_reply(503, "Blacklisted");
		exit;
	}
	if ($rU == "sl-unused") {
		forward("udp:BLOCKED");
		exit;
	}
	if ($rU == "sl-unused-again") {
		use_blacklist("static");
		unuse_blacklist("static");
		forward("udp:BLOCKED");
		exit;
	}
	if ($rU == "tm-static") {
		use_blacklist("all");
		$du = "sip:BLOCKED";
		t_relay();
		exit;
	}
	if ($rU == "tm-script-reply") {
		use_blacklist("static");
		$du = "sip:BLOCKED";
		t_relay("no-auto-477");
		$var(code) = $retcode;
		send_reply(503, "Blacklisted $var(code)");
		exit;
	}
	if ($rU == "tm-next") {
		use_blacklist("static");
		$ru = "sip:tm-next@BLOCKED";
		append_branch("sip:next@OPEN");
		if (!t_relay())
			send_reply(503, "Blacklisted");
		exit;
	}
	if ($rU == "dyn") {
		use_blacklist("dyn");
		if (!forward("udp:OPEN"))
			send_reply(503, "Blacklisted");
		exit;
	}
	if ($rU == "check") {
		if (check_blacklist_rule("static", "127.0.0.3", BLOCKEDPORT, "udp"))
			send_reply(200, "Listed");
		else
			send_reply(404, "Not listed");
		exit;
	}
	send_reply(404, "Unknown user");
}
`

const blacklistRequest = `MESSAGE sip:USER@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP CLIENT;branch=z9hG4bKblUSER
Max-Forwards: 70
From: <sip:alice@127.0.0.1>;tag=a1
To: <sip:USER@127.0.0.1>
Call-ID: bl-USER-NTH@127.0.0.1
CSeq: 1 MESSAGE
Content-Length: 0

`

// TestBlacklists: use_blacklist makes forward() and t_relay() refuse a
// blacklisted destination (t_relay going on to the next branch), a rule
// added over the MI takes effect at once and stops when it expires.
func TestBlacklists(t *testing.T) {
	blocked, open := listenUDP(t, "127.0.0.3"), listenUDP(t, "127.0.0.4")
	blockedPort := blocked.LocalAddr().(*net.UDPAddr).Port
	openAddr := open.LocalAddr().String()
	miPort := freePort(t, "127.0.0.1")
	cfg := strings.NewReplacer("BLOCKEDPORT", fmt.Sprint(blockedPort), "BLOCKED", blocked.LocalAddr().String(),
		"OPEN", openAddr, "MIPORT", fmt.Sprint(miPort)).Replace(blacklistCfg)
	s := start(t, cfg)
	nth := 0
	send := func(user string) string {
		nth++
		msg := strings.NewReplacer("USER", user, "NTH", fmt.Sprint(nth)).Replace(blacklistRequest)
		return firstLine(exchange(t, s, msg))
	}
	got := func(c net.PacketConn) string {
		c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		buf := make([]byte, 65535)
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			return ""
		}
		return firstLine(string(buf[:n]))
	}
	steps := []struct {
		name      string
		user      string
		mi        string // an MI request sent first, and what its reply contains
		miWant    string
		wait      time.Duration
		reply     string // the caller's reply ("" none)
		atBlocked string // first line BLOCKED receives ("" nothing)
		atOpen    string
	}{
		{name: "forward, list used: refused", user: "sl-static", reply: "SIP/2.0 503 Blacklisted"},
		{name: "forward, list not used: sent", user: "sl-unused", atBlocked: "MESSAGE sip:sl-unused@127.0.0.1 SIP/2.0"},
		{name: "forward, list used then unused: sent", user: "sl-unused-again", atBlocked: "MESSAGE sip:sl-unused-again@127.0.0.1 SIP/2.0"},
		{name: "t_relay, all lists used: refused with 473", user: "tm-static", reply: "SIP/2.0 473 Filtered destination (473/TM)"},
		{name: "t_relay returns -5 to the script", user: "tm-script-reply", reply: "SIP/2.0 503 Blacklisted -5"},
		{name: "check_blacklist_rule", user: "check", reply: "SIP/2.0 200 Listed"},
		{name: "dynamic list empty: sent", user: "dyn", atOpen: "MESSAGE sip:dyn@127.0.0.1 SIP/2.0"},
		{name: "rule added over MI: refused", user: "dyn",
			mi:     `{"jsonrpc":"2.0","id":1,"method":"add_blacklist_rule","params":["dyn","udp,127.0.0.4,` + portOf(openAddr) + `","2"]}`,
			miWant: `"result":"OK"`, reply: "SIP/2.0 503 Blacklisted"},
		{name: "MI lists the rule with its expiry", user: "dyn",
			mi:     `{"jsonrpc":"2.0","id":1,"method":"list_blacklists","params":{"name":"dyn"}}`,
			miWant: `"Rules":[{"Expire":`, reply: "SIP/2.0 503 Blacklisted"},
		{name: "MI finds the lists of a destination", user: "sl-unused",
			mi:     `{"jsonrpc":"2.0","id":1,"method":"check_blacklists","params":["udp","127.0.0.3",` + fmt.Sprint(blockedPort) + `]}`,
			miWant: `"result":["static"]`, atBlocked: "MESSAGE sip:sl-unused@127.0.0.1 SIP/2.0"},
		{name: "rule expired: sent again", user: "dyn", wait: 2500 * time.Millisecond,
			atOpen: "MESSAGE sip:dyn@127.0.0.1 SIP/2.0"},
		{name: "MI shows the list empty", user: "dyn",
			mi:     `{"jsonrpc":"2.0","id":1,"method":"list_blacklists","params":["dyn"]}`,
			miWant: `"Rules":[]`, atOpen: "MESSAGE sip:dyn@127.0.0.1 SIP/2.0"},
		// Last: tm retransmits to the branch that left, which nobody answers.
		{name: "t_relay goes on to the next branch", user: "tm-next", atOpen: "MESSAGE sip:next@" + openAddr + " SIP/2.0"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			time.Sleep(st.wait)
			if st.mi != "" {
				if reply := miCall(t, miPort, st.mi); !strings.Contains(reply, st.miWant) {
					t.Fatalf("MI %s\nreply %s\nwant %s", st.mi, reply, st.miWant)
				}
			}
			if reply := send(st.user); reply != st.reply {
				t.Errorf("caller got %q, want %q", reply, st.reply)
			}
			if line := got(blocked); line != st.atBlocked {
				t.Errorf("127.0.0.3 got %q, want %q", line, st.atBlocked)
			}
			if line := got(open); line != st.atOpen {
				t.Errorf("127.0.0.4 got %q, want %q", line, st.atOpen)
			}
		})
	}
	if t.Failed() {
		t.Logf("server log:\n%s", s.Log())
	}
}

func listenUDP(t *testing.T, ip string) net.PacketConn {
	t.Helper()
	c, err := net.ListenPacket("udp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func portOf(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return port
}
