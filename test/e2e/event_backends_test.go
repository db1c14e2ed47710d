package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEventBackends drives event_flatstore and event_virtual in the real
// binary over MI (mi_datagram): event_subscribe with a flatstore: socket,
// raise_event, a logrotate-style rename and evi_flat_rotate, then a
// virtual FAILOVER subscriber whose first socket is dead.
func TestEventBackends(t *testing.T) {
	miPort := freePort(t, "127.0.0.1")
	dir := t.TempDir()
	s := start(t, fmt.Sprintf(`
socket = udp:127.0.0.1:PORT
loadmodule "proto_udp.so"
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:127.0.0.1:%d")
loadmodule "event_datagram.so"
loadmodule "event_flatstore.so"
modparam("event_flatstore", "delimiter", "|")
loadmodule "event_virtual.so"
modparam("event_virtual", "failover_timeout", 30)
route {
	if ($rm == "NOTIFY")
		raise_event("E_SB_E2E");
	exit;
}
`, miPort))
	mi := func(method, params string) string {
		t.Helper()
		return miCall(t, miPort, fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":%q,"params":%s}`, method, params))
	}
	path := filepath.Join(dir, "events.log")
	if r := mi("event_subscribe", fmt.Sprintf(`["E_SB_E2E","flatstore:%s"]`, path)); !strings.Contains(r, `"result":"OK"`) {
		t.Fatalf("event_subscribe: %s\n%s", r, s.Log())
	}
	if r := mi("raise_event", `["E_SB_E2E",{"caller":"alice","n":1}]`); !strings.Contains(r, `"result":"OK"`) {
		t.Fatalf("raise_event: %s", r)
	}
	fileLines := func(p string, n int) []string {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			data, _ := os.ReadFile(p)
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			if len(data) > 0 && len(lines) >= n {
				return lines
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %q, want %d lines\n%s", p, data, n, s.Log())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if got := fileLines(path, 1); got[0] != "E_SB_E2E|alice|1" {
		t.Fatalf("line %q", got[0])
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if r := mi("evi_flat_rotate", fmt.Sprintf(`[%q]`, path)); !strings.Contains(r, `"result":"OK"`) {
		t.Fatalf("evi_flat_rotate: %s", r)
	}
	if r := mi("evi_flat_rotate", `["/nowhere/x.log"]`); !strings.Contains(r, `"code":400`) || !strings.Contains(r, "File not found") {
		t.Errorf("evi_flat_rotate of an unknown file: %s", r)
	}
	mi("raise_event", `["E_SB_E2E",{"caller":"bob","n":2}]`)
	if got := fileLines(path, 1); got[0] != "E_SB_E2E|bob|2" {
		t.Errorf("after rotate: %q", got)
	}
	if got := fileLines(path+".1", 1); len(got) != 1 {
		t.Errorf("the rotated file got more lines: %q", got)
	}

	// virtual:FAILOVER: a unix socket nobody listens on, then a UDP
	// receiver.
	rcv, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer rcv.Close()
	virtual := fmt.Sprintf("virtual:FAILOVER unix:%s udp:%s", filepath.Join(dir, "nobody.sock"), rcv.LocalAddr())
	if r := mi("event_subscribe", fmt.Sprintf(`[%q,%q]`, "E_SB_E2E", virtual)); !strings.Contains(r, `"result":"OK"`) {
		t.Fatalf("event_subscribe virtual: %s", r)
	}
	if r := mi("subscribers_list", `["E_SB_E2E"]`); !strings.Contains(r, virtual) || !strings.Contains(r, "flatstore:"+path) {
		t.Errorf("subscribers_list: %s", r)
	}
	mi("raise_event", `["E_SB_E2E",{"caller":"carol","n":3}]`)
	rcv.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 65536)
	n, _, err := rcv.ReadFrom(buf)
	if err != nil {
		t.Fatalf("the UDP receiver behind the dead one got nothing: %v\n%s", err, s.Log())
	}
	if want := `{"jsonrpc":"2.0","method":"E_SB_E2E","params":{"caller":"carol","n":3}}`; string(buf[:n]) != want {
		t.Errorf("udp got %s, want %s", buf[:n], want)
	}
	if got := fileLines(path, 2); got[1] != "E_SB_E2E|carol|3" {
		t.Errorf("flatstore after virtual: %q", got)
	}
}
