package e2e

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// accCfg is statefulCfg with acc: INVITEs are marked for accounting
// with the flags of the test, BYEs with "failed" as the stock
// opensips.cfg does.
func accCfg(uasPort int, inviteFlags string) string {
	cfg := strings.Replace(statefulCfg, `loadmodule "sipmsgops.so"`, `loadmodule "sipmsgops.so"
loadmodule "acc.so"
modparam("acc", "early_media", 0)
modparam("acc", "report_cancels", 0)
modparam("acc", "detect_direction", 0)`, 1)
	return strings.Replace(cfg, "ROUTING", fmt.Sprintf(`
	if (is_method("BYE"))
		do_accounting("log", "failed");
	else if (is_method("INVITE"))
		do_accounting(%s);
	$du = "sip:127.0.0.2:%d";
	t_relay();`, inviteFlags, uasPort), 1)
}

// accLines returns the server's accounting lines that contain all of
// parts. acc logs a reply after tm sent it (TMCB_RESPONSE_OUT), so the
// last line can come just after sipp, which got the reply, exits: the
// log is read again for up to a second until a line is there.
func accLines(s *server, parts ...string) []string {
	for deadline := time.Now().Add(time.Second); ; time.Sleep(20 * time.Millisecond) {
		if out := matchLines(s, parts); len(out) > 0 || time.Now().After(deadline) {
			return out
		}
	}
}

func matchLines(s *server, parts []string) []string {
	var out []string
next:
	for _, l := range strings.Split(s.Log(), "\n") {
		for _, p := range parts {
			if !strings.Contains(l, p) {
				continue next
			}
		}
		out = append(out, l)
	}
	return out
}

// TestAccAnsweredCall: a full call through t_relay with do_accounting
// logs one "transaction answered" line for the INVITE and one for the
// BYE, each with the 200.
func TestAccAnsweredCall(t *testing.T) {
	uasPort := freePort(t, "127.0.0.2")
	s := start(t, accCfg(uasPort, `"log"`))
	uas := startSipp(t, "-sn", "uas", "-i", "127.0.0.2", "-p", fmt.Sprint(uasPort))
	sippUAC(t, s, uas, 1, "-sn", "uac")
	for _, method := range []string{"INVITE", "BYE"} {
		got := accLines(s, "ACC: transaction answered: timestamp=", ";method="+method+";", ";code=200;reason=OK")
		if len(got) != 1 {
			t.Errorf("%d answered lines for the %s, want 1:\n%s", len(got), method, s.Log())
		}
	}
	if got := accLines(s, "ACC: "); len(got) != 2 {
		t.Errorf("%d accounting lines, want 2:\n%s", len(got), strings.Join(got, "\n"))
	}
}

// TestAccMissedCall: the callee is busy; with "missed" the 486 is
// logged once as a missed call, and with "failed" as a failed
// transaction too.
func TestAccMissedCall(t *testing.T) {
	uasPort := freePort(t, "127.0.0.2")
	s := start(t, accCfg(uasPort, `"log", "missed|failed"`))
	startSipp(t, "-sf", "testdata/uas_busy.xml", "-i", "127.0.0.2", "-p", fmt.Sprint(uasPort))

	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	invite := strings.ReplaceAll(strings.ReplaceAll(statefulInvite, "\n", "\r\n"), "CLIENT", c.LocalAddr().String())
	invite = strings.ReplaceAll(invite, "retrans-1@", "acc-busy@")
	proxy := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.port}
	if _, err := c.WriteTo([]byte(invite), proxy); err != nil {
		t.Fatal(err)
	}
	final := ""
	buf := make([]byte, 65535)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for final == "" {
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			t.Fatalf("no final reply: %v\n%s", err, s.Log())
		}
		if reply := string(buf[:n]); !strings.HasPrefix(reply, "SIP/2.0 1") {
			final = reply
		}
	}
	if !strings.HasPrefix(final, "SIP/2.0 486 ") {
		t.Fatalf("final reply %q, want 486", final)
	}
	// The ACK of the 486 stops its retransmissions (RFC 3261 §17.1.1.3).
	toTag := ""
	for _, line := range strings.Split(final, "\r\n") {
		if _, tag, ok := strings.Cut(line, ";tag="); ok && strings.HasPrefix(line, "To:") {
			toTag = tag
		}
	}
	ack := strings.NewReplacer("INVITE sip", "ACK sip", "1 INVITE", "1 ACK",
		"To: <sip:callee@127.0.0.2>", "To: <sip:callee@127.0.0.2>;tag="+toTag).Replace(invite)
	c.WriteTo([]byte(ack), proxy)

	deadline := time.Now().Add(2 * time.Second)
	for len(accLines(s, "ACC: ")) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	fields := ";method=INVITE;from_tag=e2e;to_tag=" + toTag + ";call_id=acc-busy@127.0.0.1;code=486;reason=Busy Here"
	if got := accLines(s, "ACC: call missed: timestamp=", fields); len(got) != 1 {
		t.Errorf("%d missed-call lines with %s, want 1:\n%s", len(got), fields, s.Log())
	}
	if got := accLines(s, "ACC: transaction answered: timestamp=", fields); len(got) != 1 {
		t.Errorf("%d failed-transaction lines with %s, want 1:\n%s", len(got), fields, s.Log())
	}
	if got := accLines(s, "ACC: "); len(got) != 2 {
		t.Errorf("%d accounting lines, want 2:\n%s", len(got), strings.Join(got, "\n"))
	}
}
