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
// to CALLEE over the transport CPROTO names: the rr part of the stock
// opensips.cfg with the callee's address in $du.
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
	$du = "sip:CALLEE;transport=CPROTO";
	t_relay();
}
`

// TestTransportBridge: a caller on one transport calls a callee on the
// other through a record-routing proxy (UDP to TCP, as issue 4 asks, and
// back). The INVITE reaching the callee carries two Record-Route headers,
// the interface on the callee's side first and the caller's second, both
// with r2=on (RFC 5658, OpenSIPS enable_double_rr); the call completes,
// and the callee's BYE, sent with that route set, goes back to the caller
// over the caller's transport by loose_route.
func TestTransportBridge(t *testing.T) {
	cases := []struct {
		name               string
		caller, callee     string // sipp -t
		calleeTransport    string // in $du
		rrCallee, rrCaller string // the transport parameter of each Record-Route
	}{
		{"UDP to TCP", "u1", "t1", "tcp", ";transport=tcp", ""},
		{"TCP to UDP", "t1", "u1", "udp", "", ";transport=tcp"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			uasPort := freePort(t, "127.0.0.2")
			callee := fmt.Sprintf("127.0.0.2:%d", uasPort)
			cfg := strings.NewReplacer("CALLEE", callee, "CPROTO", c.calleeTransport).Replace(bridgeCfg)
			s := start(t, cfg)

			// The callee's scenario checks the Record-Route headers against
			// the proxy's address.
			xml, err := os.ReadFile("testdata/uas_bridge.xml")
			if err != nil {
				t.Fatal(err)
			}
			proxy := strings.ReplaceAll(fmt.Sprintf("127.0.0.1:%d", s.port), ".", `\.`)
			check := fmt.Sprintf(`Record-Route: &lt;sip:%s%s;r2=on;lr[^&gt;]*&gt;[[:space:]]+Record-Route: &lt;sip:%s%s;r2=on;lr[^&gt;]*&gt;`,
				proxy, c.rrCallee, proxy, c.rrCaller)
			scenario := filepath.Join(t.TempDir(), "uas.xml")
			if err := os.WriteFile(scenario, []byte(strings.Replace(string(xml), `regexp="RRCHECK"`, `regexp="`+check+`"`, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			type result struct {
				out string
				err error
			}
			uasDone := make(chan result, 1)
			go func() {
				out, err := run(t, 30*time.Second, "sipp", "-sf", scenario, "-t", c.callee, "-i", "127.0.0.2", "-p", fmt.Sprint(uasPort),
					"-m", "1", "-nostdin", "-timeout", "20s", "-timeout_error")
				uasDone <- result{out, err}
			}()
			time.Sleep(200 * time.Millisecond) // let the callee bind
			uas := func() string { return "(running)" }
			sippUAC(t, s, uas, 1, "-sf", "testdata/uac_bridge.xml", "-t", c.caller)
			select {
			case r := <-uasDone:
				if r.err != nil {
					t.Fatalf("the callee failed: %v\n%s\nserver:\n%s", r.err, tail(r.out), s.Log())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the callee did not finish")
			}
			if strings.Contains(s.Log(), "level=ERROR") {
				t.Errorf("the proxy logged errors:\n%s", s.Log())
			}
		})
	}
}
