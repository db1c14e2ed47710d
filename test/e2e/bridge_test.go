package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bridgeCfg listens on UDP and TCP on the same port and sends new calls
// to a callee over TCP: the rr part of the stock opensips.cfg with the
// callee's address in $du.
const bridgeCfg = `
log_level=3
stderror_enabled=yes
syslog_enabled=no
udp_workers=2
socket=udp:127.0.0.1:PORT
socket=tcp:127.0.0.1:PORT

loadmodule "proto_udp.so"
loadmodule "proto_tcp.so"
loadmodule "sl.so"
loadmodule "signaling.so"
loadmodule "tm.so"
loadmodule "rr.so"
loadmodule "maxfwd.so"
loadmodule "sipmsgops.so"

route {
	if (!mf_process_maxfwd_header(10)) {
		send_reply(483, "Too Many Hops");
		exit;
	}
	if (has_totag()) {
		if (is_method("ACK") && t_check_trans()) {
			t_relay();
			exit;
		}
		if (!loose_route()) {
			send_reply(404, "Not here");
			exit;
		}
		t_relay();
		exit;
	}
	if (is_method("CANCEL")) {
		if (t_check_trans())
			t_relay();
		exit;
	}
	record_route();
	$du = "sip:CALLEE;transport=tcp";
	t_relay();
}
`

// TestUDPToTCPBridge: a caller on UDP calls a callee on TCP through a
// record-routing proxy. The INVITE reaching the callee carries two
// Record-Route headers, the TCP interface first and the UDP one second,
// both with r2=on (RFC 5658, OpenSIPS enable_double_rr); the call
// completes, and the callee's BYE, sent over TCP with that route set,
// goes back to the caller over UDP by loose_route.
func TestUDPToTCPBridge(t *testing.T) {
	uasPort := freePort(t, "127.0.0.2")
	callee := fmt.Sprintf("127.0.0.2:%d", uasPort)
	s := start(t, strings.ReplaceAll(bridgeCfg, "CALLEE", callee))

	// The callee's scenario checks the Record-Route headers against the
	// proxy's address.
	xml, err := os.ReadFile("testdata/uas_tcp_bridge.xml")
	if err != nil {
		t.Fatal(err)
	}
	proxy := strings.ReplaceAll(fmt.Sprintf("127.0.0.1:%d", s.port), ".", `\.`)
	scenario := filepath.Join(t.TempDir(), "uas.xml")
	if err := os.WriteFile(scenario, []byte(strings.ReplaceAll(string(xml), "PROXY", proxy)), 0o644); err != nil {
		t.Fatal(err)
	}
	type result struct {
		out string
		err error
	}
	uasDone := make(chan result, 1)
	go func() {
		out, err := run(t, 30*time.Second, "sipp", "-sf", scenario, "-t", "t1", "-i", "127.0.0.2", "-p", fmt.Sprint(uasPort),
			"-m", "1", "-nostdin", "-timeout", "20s", "-timeout_error")
		uasDone <- result{out, err}
	}()
	time.Sleep(200 * time.Millisecond) // let the callee bind
	uas := func() string { return "(running)" }
	sippUAC(t, s, uas, 1, "-sf", "testdata/uac_udp_bridge.xml", "-t", "u1")
	select {
	case r := <-uasDone:
		if r.err != nil {
			t.Fatalf("the TCP callee failed: %v\n%s\nserver:\n%s", r.err, tail(r.out), s.Log())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the TCP callee did not finish")
	}
	if strings.Contains(s.Log(), "level=ERROR") {
		t.Errorf("the proxy logged errors:\n%s", s.Log())
	}
}
