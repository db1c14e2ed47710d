package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// reloadCfg relays calls statefully and answers OPTIONS with the script's
// version, so a test can see which program handled a request.
const reloadCfg = `
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
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:127.0.0.1:MIPORT")

route {
	if (is_method("OPTIONS")) {
		send_reply(200, "VERSION");
		exit;
	}
	if (is_method("CANCEL")) {
		if (t_check_trans())
			t_relay();
		exit;
	}
	if (is_method("ACK") && t_check_trans()) {
		t_relay();
		exit;
	}
	$du = "sip:UAS";
	t_relay();
}
`

// TestReloadUnderLoad: sipp makes calls through the proxy while the
// script is rewritten and reloaded ten times over the MI (reload_routes):
// no call fails, and after the reloads the new script answers.
func TestReloadUnderLoad(t *testing.T) {
	uasPort, miPort := freePort(t, "127.0.0.2"), freePort(t, "127.0.0.1")
	cfg := strings.NewReplacer("UAS", fmt.Sprintf("127.0.0.2:%d", uasPort), "MIPORT", fmt.Sprint(miPort)).Replace(reloadCfg)
	s := start(t, strings.Replace(cfg, "VERSION", "v0", 1))
	uas := startSipp(t, "-sn", "uas", "-i", "127.0.0.2", "-p", fmt.Sprint(uasPort))
	done := make(chan error, 1)
	var out string
	go func() {
		var err error
		out, err = run(t, 60*time.Second, "sipp", "-sn", "uac", "-i", "127.0.0.1", "-p", fmt.Sprint(freePort(t, "127.0.0.1")),
			"-m", "300", "-r", "50", "-nostdin", "-timeout", "40s", "-timeout_error", fmt.Sprintf("127.0.0.1:%d", s.port))
		done <- err
	}()
	for i := 1; i <= 10; i++ {
		time.Sleep(400 * time.Millisecond)
		text := strings.Replace(strings.ReplaceAll(cfg, "PORT", fmt.Sprint(s.port)), "VERSION", fmt.Sprintf("v%d", i), 1)
		if err := os.WriteFile(s.cfg, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if reply := miCall(t, miPort, `{"jsonrpc":"2.0","id":1,"method":"reload_routes"}`); !strings.Contains(reply, `"result":"OK"`) {
			t.Fatalf("reload %d: %s\n%s", i, reply, s.Log())
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("calls failed during the reloads: %v\n%s\nuas:\n%s", err, tail(out), uas())
	}
	if reply := exchange(t, s, strings.Replace(options, "Max-Forwards: 0", "Max-Forwards: 70", 1)); !strings.HasPrefix(reply, "SIP/2.0 200 v10\r\n") {
		t.Errorf("after ten reloads OPTIONS got %q, want the last script's 200 v10", firstLine(reply))
	}
}
