package e2e

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// statefulCfg is a stateful proxy: CANCELs and hop-by-hop ACKs go to the
// transaction layer, everything else is relayed with t_relay as ROUTING
// says.
const statefulCfg = `
log_level=3
stderror_enabled=yes
syslog_enabled=no
udp_workers=2
socket=udp:127.0.0.1:PORT

loadmodule "proto_udp.so"
loadmodule "sl.so"
loadmodule "signaling.so"
loadmodule "tm.so"
loadmodule "sipmsgops.so"
modparam("tm", "fr_timeout", 3)
modparam("tm", "fr_inv_timeout", 2)

route {
	if (is_method("CANCEL")) {
		if (t_check_trans())
			t_relay();
		exit;
	}
	if (is_method("ACK") && t_check_trans()) {
		t_relay();
		exit;
	}
	ROUTING
}
`

// sippUAC runs a sipp caller against the server and fails the test when
// its calls fail.
func sippUAC(t *testing.T, s *server, uas func() string, calls int, args ...string) {
	t.Helper()
	base := []string{"-i", "127.0.0.1", "-p", fmt.Sprint(freePort(t, "127.0.0.1")),
		"-m", fmt.Sprint(calls), "-r", "10", "-nostdin", "-timeout", "20s", "-timeout_error"}
	out, err := run(t, 30*time.Second, "sipp", append(append(base, args...), fmt.Sprintf("127.0.0.1:%d", s.port))...)
	if err != nil {
		t.Fatalf("sipp uac failed: %v\n%s\nserver:\n%s\nuas:\n%s", err, tail(out), s.Log(), uas())
	}
}

func statefulProxy(t *testing.T, routing string) *server {
	return start(t, strings.Replace(statefulCfg, "ROUTING", routing, 1))
}

// TestStatefulCalls: full calls INVITE/100/180/200/ACK/BYE/200 through
// t_relay (RFC 3261 §16; the 2xx relayed at once, RFC 6026).
func TestStatefulCalls(t *testing.T) {
	uasPort := freePort(t, "127.0.0.2")
	s := statefulProxy(t, fmt.Sprintf(`$du = "sip:127.0.0.2:%d"; t_relay();`, uasPort))
	uas := startSipp(t, "-sn", "uas", "-i", "127.0.0.2", "-p", fmt.Sprint(uasPort))
	sippUAC(t, s, uas, 10, "-sn", "uac")
}

// TestCancelRingingCall: the caller CANCELs while it rings; the proxy
// answers the CANCEL, CANCELs the branch and relays the 487 (RFC 3261
// §16.10), and ACKs the 487 downstream itself.
func TestCancelRingingCall(t *testing.T) {
	uasPort := freePort(t, "127.0.0.2")
	s := statefulProxy(t, fmt.Sprintf(`$du = "sip:127.0.0.2:%d"; t_relay();`, uasPort))
	uas := startSipp(t, "-sf", "testdata/uas_ring.xml", "-i", "127.0.0.2", "-p", fmt.Sprint(uasPort))
	sippUAC(t, s, uas, 2, "-sf", "testdata/uac_cancel.xml")
}

// TestTimeoutGives408: the callee rings for ever; after fr_inv_timeout
// the proxy CANCELs it and answers 408 (RFC 3261 §16.8).
func TestTimeoutGives408(t *testing.T) {
	uasPort := freePort(t, "127.0.0.2")
	s := statefulProxy(t, fmt.Sprintf(`$du = "sip:127.0.0.2:%d"; t_relay();`, uasPort))
	uas := startSipp(t, "-sf", "testdata/uas_ring.xml", "-i", "127.0.0.2", "-p", fmt.Sprint(uasPort))
	sippUAC(t, s, uas, 1, "-sf", "testdata/uac_408.xml")
}

// TestSerialForking: the first callee is busy; failure_route sends the
// call to a second one, which answers (OpenSIPS t_on_failure).
func TestSerialForking(t *testing.T) {
	busyPort, uasPort := freePort(t, "127.0.0.2"), freePort(t, "127.0.0.3")
	s := start(t, strings.Replace(statefulCfg, "ROUTING", fmt.Sprintf(`
	if (is_method("INVITE")) {
		$du = "sip:127.0.0.2:%d";
		t_on_failure("next");
	} else {
		$du = "sip:127.0.0.3:%d";
	}
	t_relay();
}

failure_route[next] {
	if (t_check_status("486")) {
		$du = "sip:127.0.0.3:%d";
		t_relay();
	}`, busyPort, uasPort, uasPort), 1))
	busy := startSipp(t, "-sf", "testdata/uas_busy.xml", "-i", "127.0.0.2", "-p", fmt.Sprint(busyPort))
	uas := startSipp(t, "-sn", "uas", "-i", "127.0.0.3", "-p", fmt.Sprint(uasPort))
	sippUAC(t, s, func() string { return busy() + "\n" + uas() }, 3, "-sn", "uac")
}

// TestParallelForking: two callees ring at once; the first to answer
// wins and the other is CANCELled (RFC 3261 §16.7 step 10).
func TestParallelForking(t *testing.T) {
	ringPort, uasPort := freePort(t, "127.0.0.2"), freePort(t, "127.0.0.3")
	s := statefulProxy(t, fmt.Sprintf(`
	if (is_method("INVITE")) {
		# append_branch inherits $du, so the second branch comes first.
		append_branch("sip:callee@127.0.0.3:%d");
		$du = "sip:127.0.0.2:%d";
	} else {
		$du = "sip:127.0.0.3:%d";
	}
	t_relay();`, uasPort, ringPort, uasPort))
	ring := startSipp(t, "-sf", "testdata/uas_ring.xml", "-i", "127.0.0.2", "-p", fmt.Sprint(ringPort))
	uas := startSipp(t, "-sn", "uas", "-i", "127.0.0.3", "-p", fmt.Sprint(uasPort))
	sippUAC(t, s, func() string { return ring() + "\n" + uas() }, 2, "-sn", "uac")
}

const statefulInvite = `INVITE sip:callee@127.0.0.2 SIP/2.0
Via: SIP/2.0/UDP CLIENT;branch=z9hG4bKretrans1
Max-Forwards: 70
From: <sip:e2e@127.0.0.1>;tag=e2e
To: <sip:callee@127.0.0.2>
Call-ID: retrans-1@127.0.0.1
CSeq: 1 INVITE
Contact: <sip:e2e@CLIENT>
Content-Length: 0

`

// TestRetransmissionsAbsorbed: a retransmitted INVITE is answered by the
// server transaction with its last reply (the 100 Trying) and does not
// go downstream again (RFC 3261 §17.2.1); the proxy's own Timer A
// retransmission comes only after T1.
func TestRetransmissionsAbsorbed(t *testing.T) {
	uas, err := net.ListenPacket("udp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	defer uas.Close()
	s := statefulProxy(t, fmt.Sprintf(`$du = "sip:%s"; t_relay();`, uas.LocalAddr()))
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := strings.ReplaceAll(strings.ReplaceAll(statefulInvite, "\n", "\r\n"), "CLIENT", c.LocalAddr().String())
	proxy := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.port}
	buf := make([]byte, 65535)
	for i := range 2 {
		if _, err := c.WriteTo([]byte(msg), proxy); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(time.Second))
		n, _, err := c.ReadFrom(buf)
		if err != nil || !strings.HasPrefix(string(buf[:n]), "SIP/2.0 100 ") {
			t.Fatalf("send %d: reply %q, %v", i+1, buf[:n], err)
		}
	}
	invites := 0
	uas.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	for {
		n, _, err := uas.ReadFrom(buf)
		if err != nil {
			break
		}
		if strings.HasPrefix(string(buf[:n]), "INVITE ") {
			invites++
		}
	}
	if invites != 1 {
		t.Errorf("downstream got %d INVITEs within 300 ms, want 1", invites)
	}
}
