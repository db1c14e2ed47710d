package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// rrCfg is the in-dialog part of the stock opensips.cfg: requests with a
// To-tag follow their Route set by loose_route; new requests are
// record-routed and relayed to their Request-URI.
const rrCfg = `
log_level=3
stderror_enabled=yes
syslog_enabled=no
udp_workers=2
socket=udp:127.0.0.1:PORT

loadmodule "proto_udp.so"
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
	t_relay();
}
`

// TestRecordRouteDialog: INVITE/180/200 through a record-routing stateful
// proxy, then ACK and BYE sent by the caller to the callee's Contact with
// the recorded Route set, which the proxy follows by loose_route (RFC 3261
// §16.4, §16.6 step 4, §12.2.1.1).
func TestRecordRouteDialog(t *testing.T) {
	uasPort := freePort(t, "127.0.0.2")
	s := start(t, rrCfg)
	uas := startSipp(t, "-sf", "testdata/uas_rr.xml", "-i", "127.0.0.2", "-p", fmt.Sprint(uasPort))
	sippUAC(t, s, uas, 5, "-sf", "testdata/uac_rr.xml", "-key", "uas", fmt.Sprintf("127.0.0.2:%d", uasPort))
	if strings.Contains(s.Log(), "level=ERROR") {
		t.Errorf("the proxy logged errors:\n%s", s.Log())
	}
}
