package e2e

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// replicateCfg answers every request itself after sending a copy to
// REPLICA with t_replicate.
const replicateCfg = `
log_level=3
stderror_enabled=yes
syslog_enabled=no
udp_workers=2
socket=udp:127.0.0.1:PORT

loadmodule "proto_udp.so"
loadmodule "tm.so"
loadmodule "sipmsgops.so"

route {
	if (is_method("ACK")) {
		t_check_trans();
		exit;
	}
	t_replicate("sip:REPLICA");
	t_reply(REPLY);
}
`

// TestReplicateInvite: an INVITE copied with t_replicate to a callee that
// answers 200: the callee gets its ACK from the proxy (tm is the copy's
// UAC), while the caller only hears the proxy's own replies.
func TestReplicateInvite(t *testing.T) {
	replicaPort := freePort(t, "127.0.0.2")
	cfg := strings.NewReplacer("REPLICA", fmt.Sprintf("127.0.0.2:%d", replicaPort), "REPLY", `480, "Temporarily Unavailable"`).Replace(replicateCfg)
	s := start(t, cfg)
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := run(t, 20*time.Second, "sipp", "-sf", "testdata/uas_answer_ack.xml", "-i", "127.0.0.2", "-p", fmt.Sprint(replicaPort),
			"-m", "1", "-nostdin", "-timeout", "10s", "-timeout_error")
		done <- result{out, err}
	}()
	time.Sleep(200 * time.Millisecond) // let the replica bind
	caller, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer caller.Close()
	msg := strings.ReplaceAll(strings.ReplaceAll(sendInvite, "\n", "\r\n"), "CLIENT", caller.LocalAddr().String())
	if _, err := caller.WriteTo([]byte(msg), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.port}); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("the replica did not get its ACK: %v\n%s\nserver:\n%s", r.err, tail(r.out), s.Log())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the replica did not finish")
	}
	// The caller hears 100 and the script's 480 (retransmitted until its
	// ACK), never the replica's 200.
	buf := make([]byte, 65535)
	var codes []string
	for {
		caller.SetReadDeadline(time.Now().Add(700 * time.Millisecond))
		n, _, err := caller.ReadFrom(buf)
		if err != nil || n < 12 {
			break
		}
		codes = append(codes, string(buf[8:11]))
	}
	if len(codes) < 2 || codes[0] != "100" || codes[1] != "480" {
		t.Fatalf("the caller got %v, want 100 then 480", codes)
	}
	for _, c := range codes {
		if c == "200" {
			t.Errorf("the replica's 200 reached the caller: %v", codes)
		}
	}
}
