package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// uacCfg answers nothing itself: it only sends what the MI asks, through
// local_route, which marks every request it sends.
const uacCfg = `
log_level=3
stderror_enabled=yes
syslog_enabled=no
socket=udp:127.0.0.1:PORT

loadmodule "proto_udp.so"
loadmodule "tm.so"
loadmodule "sipmsgops.so"
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:127.0.0.1:MIPORT")

route {
	exit;
}

local_route {
	append_hf("X-Sent-By: switchboard\r\n");
}
`

// TestUACDlgSipp: the MI command t_uac_dlg of the real binary, with sipp
// as the UAS: a MESSAGE (with the header local_route adds) is answered
// 200; then, with sipp's built-in uas scenario, a whole call: the INVITE
// rings and is answered 200, which tm ACKs itself, and the BYE sent with
// the dialog's Request-URI and tags ends it, so sipp counts one
// successful call.
func TestUACDlgSipp(t *testing.T) {
	miPort := freePort(t, "127.0.0.1")
	s := start(t, strings.ReplaceAll(uacCfg, "MIPORT", fmt.Sprint(miPort)))
	type result struct {
		out string
		err error
	}
	// sipp runs a scenario on a port of its own until one call is done.
	sipp := func(args ...string) (string, <-chan result) {
		port := freePort(t, "127.0.0.1")
		done := make(chan result, 1)
		go func() {
			out, err := run(t, 20*time.Second, "sipp", append(args, "-i", "127.0.0.1", "-p", fmt.Sprint(port),
				"-m", "1", "-nostdin", "-timeout", "15s", "-timeout_error")...)
			done <- result{out, err}
		}()
		time.Sleep(300 * time.Millisecond) // let sipp bind
		return fmt.Sprintf("sip:service@127.0.0.1:%d", port), done
	}
	finished := func(done <-chan result) {
		t.Helper()
		select {
		case r := <-done:
			if r.err != nil {
				t.Fatalf("sipp failed: %v\n%s\nserver:\n%s", r.err, tail(r.out), s.Log())
			}
		case <-time.After(20 * time.Second):
			t.Fatal("sipp did not finish")
		}
	}
	call := func(params map[string]any) map[string]any {
		t.Helper()
		req, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "t_uac_dlg", "params": params})
		out := miCall(t, miPort, string(req))
		var resp struct {
			Result map[string]any `json:"result"`
		}
		if err := json.Unmarshal([]byte(out), &resp); err != nil || resp.Result == nil {
			t.Fatalf("t_uac_dlg answered %s\nserver:\n%s", out, s.Log())
		}
		return resp.Result
	}
	uas, done := sipp("-sf", "testdata/uas_message.xml")
	msg := call(map[string]any{"method": "MESSAGE", "ruri": uas,
		"headers": `From: <sip:mi@127.0.0.1>\r\nTo: <` + uas + `>\r\nContent-Type: text/plain\r\n`, "body": "hello sipp"})
	if msg["Status"] != "200 OK" || !strings.Contains(fmt.Sprint(msg["Message"]), "CSeq: 10 MESSAGE") {
		t.Fatalf("MESSAGE: %v", msg)
	}
	finished(done)
	uas, done = sipp("-sn", "uas")
	inv := call(map[string]any{"method": "INVITE", "ruri": uas,
		"headers": "From: <sip:mi@127.0.0.1>;tag=e2e-uac\r\nTo: <" + uas + ">\r\nCall-ID: e2e-uac-call\r\nCSeq: 1 INVITE\r\n" +
			"Contact: <sip:mi@127.0.0.1:" + fmt.Sprint(s.port) + ">\r\nContent-Type: application/sdp\r\n",
		"body": "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n"})
	if inv["Status"] != "200 OK" || inv["RURI"] == nil {
		t.Fatalf("INVITE: %v", inv)
	}
	message, _ := inv["Message"].(string)
	to := regexp.MustCompile(`(?m)^To: (.*)\r$`).FindStringSubmatch(message)
	if to == nil || !strings.Contains(to[1], "tag=") {
		t.Fatalf("no To tag in the 200:\n%s", message)
	}
	bye := call(map[string]any{"method": "BYE", "ruri": inv["RURI"],
		"headers": "From: <sip:mi@127.0.0.1>;tag=e2e-uac\r\nTo: " + to[1] + "\r\nCall-ID: e2e-uac-call\r\nCSeq: 2 BYE\r\n"})
	if bye["Status"] != "200 OK" {
		t.Fatalf("BYE: %v", bye)
	}
	finished(done)
}
