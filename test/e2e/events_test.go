package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// TestEvents: a real registration raises usrloc's events, delivered to a
// UDP subscriber the script subscribed (event_datagram), to a TCP JSON-RPC
// subscriber an application subscribed over MI (event_stream through
// mi_datagram), and to an async event_route.
func TestEvents(t *testing.T) {
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	streamed := make(chan map[string]any, 10)
	go func() {
		c, err := tcp.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		dec := json.NewDecoder(bufio.NewReader(c))
		for {
			var m map[string]any
			if dec.Decode(&m) != nil {
				return
			}
			streamed <- m
		}
	}()
	miPort := freePort(t, "127.0.0.1")
	s := start(t, fmt.Sprintf(`
socket=udp:127.0.0.1:PORT
stderror_enabled=yes
syslog_enabled=no
loadmodule "proto_udp.so"
loadmodule "sl.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "event_datagram.so"
loadmodule "event_stream.so"
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:127.0.0.1:%d")

startup_route {
	subscribe_event("E_UL_AOR_INSERT", "udp:%s");
	subscribe_event("E_UL_CONTACT_INSERT", "udp:%s", 3600);
}

route {
	if ($rm == "REGISTER") {
		save("location");
		exit;
	}
	drop;
}

event_route[E_UL_CONTACT_INSERT, async] {
	xlog("L_ERR", "event_route: contact $param(uri) of $param(aor) expires $param(expires)\n");
}
`, miPort, udp.LocalAddr(), udp.LocalAddr()))

	// An application subscribes over MI to the AOR event, by TCP.
	mi, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", miPort))
	if err != nil {
		t.Fatal(err)
	}
	defer mi.Close()
	mi.Write([]byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"event_subscribe","params":["E_UL_AOR_INSERT","tcp:%s",120]}`, tcp.Addr())))
	mi.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 65535)
	n, err := mi.Read(buf)
	if err != nil || !strings.Contains(string(buf[:n]), `"result":"OK"`) {
		t.Fatalf("event_subscribe over mi_datagram: %q %v", buf[:n], err)
	}

	reply := exchange(t, s, `REGISTER sip:SERVER SIP/2.0
Via: SIP/2.0/UDP CLIENT;branch=z9hG4bKevents1
From: <sip:alice@127.0.0.1>;tag=1
To: <sip:alice@127.0.0.1>
Call-ID: events-register-1
CSeq: 1 REGISTER
Contact: <sip:alice@CLIENT>
Expires: 60
Max-Forwards: 70
Content-Length: 0

`)
	if !strings.HasPrefix(reply, "SIP/2.0 200") {
		t.Fatalf("REGISTER: %q\nserver:\n%s", reply, s.Log())
	}

	// The UDP subscriber gets the AOR, then the contact.
	got := map[string]map[string]any{}
	for len(got) < 2 {
		udp.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _, err := udp.ReadFrom(buf)
		if err != nil {
			t.Fatalf("UDP subscriber got %d events: %v\nserver:\n%s", len(got), err, s.Log())
		}
		var m struct {
			JSONRPC, Method string
			Params          map[string]any
		}
		if err := json.Unmarshal(buf[:n], &m); err != nil || m.JSONRPC != "2.0" {
			t.Fatalf("not a JSON-RPC notification: %q", buf[:n])
		}
		got[m.Method] = m.Params
	}
	if p := got["E_UL_AOR_INSERT"]; p["aor"] != "alice" || p["domain"] != "location" {
		t.Errorf("E_UL_AOR_INSERT params %v", p)
	}
	if p := got["E_UL_CONTACT_INSERT"]; p["aor"] != "alice" || !strings.HasPrefix(fmt.Sprint(p["uri"]), "sip:alice@127.0.0.1:") ||
		p["callid"] != "events-register-1" || p["cseq"] != float64(1) {
		t.Errorf("E_UL_CONTACT_INSERT params %v", p)
	}

	// The TCP subscriber gets the AOR event.
	select {
	case m := <-streamed:
		if m["method"] != "E_UL_AOR_INSERT" || m["params"].(map[string]any)["aor"] != "alice" {
			t.Errorf("TCP subscriber got %v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("nothing on the TCP subscriber\nserver:\n%s", s.Log())
	}

	// The async event_route ran.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.Log(), "event_route: contact sip:alice@127.0.0.1:") {
		if time.Now().After(deadline) {
			t.Fatalf("the event_route did not run:\n%s", s.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEventsCheck: switchboard -c refuses what the Event Interface cannot
// do, with a clear message.
func TestEventsCheck(t *testing.T) {
	tests := []struct{ name, cfg, want string }{
		{"event of a module not loaded", `route { drop; }
event_route[E_UL_AOR_INSERT] { xlog("x"); }`, `event E_UL_AOR_INSERT is raised by module usrloc: add loadmodule "usrloc.so"`},
		{"event not implemented", `loadmodule "usrloc.so"
route { drop; }
event_route[E_UL_CONTACT_REFRESH] { xlog("x"); }`, "not supported: event E_UL_CONTACT_REFRESH (module usrloc)"},
		{"typo", `route { drop; }
event_route[E_CORE_TRESHOLD] { xlog("x"); }`, "(did you mean E_CORE_THRESHOLD?)"},
		{"socket without a scheme", `startup_route { subscribe_event("E_CORE_LOG", "127.0.0.1:8888"); }
route { drop; }`, `subscribe_event: argument 2: events: socket "127.0.0.1:8888": "127.0.0.1" is no scheme`},
		{"pkg threshold", "event_pkg_threshold=90\nroute { drop; }", "not supported: global parameter event_pkg_threshold"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := t.TempDir() + "/check.cfg"
			if err := os.WriteFile(path, []byte("socket=udp:127.0.0.1:5999\nloadmodule \"proto_udp.so\"\n"+tc.cfg+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := run(t, 10*time.Second, binary, "-c", "-f", path)
			if err == nil || !strings.Contains(out, tc.want) {
				t.Fatalf("switchboard -c: %v\n%s\nwant %q", err, out, tc.want)
			}
		})
	}
}
