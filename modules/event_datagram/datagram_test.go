package event_datagram

import (
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/events"
	"switchboard/mi"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, scheme, addr, print, err string
	}{
		{name: "udp ipv4", scheme: "udp", addr: "127.0.0.1:8888", print: "127.0.0.1:8888"},
		{name: "udp ipv6", scheme: "udp", addr: "[::1]:8888", print: "[::1]:8888"},
		{name: "udp host name", scheme: "udp", addr: "localhost:9", print: "localhost:9"},
		{name: "udp no port", scheme: "udp", addr: "127.0.0.1", err: "port not specified"},
		{name: "udp empty host", scheme: "udp", addr: ":8888", err: "port not specified"},
		{name: "udp port zero", scheme: "udp", addr: "127.0.0.1:0", err: "malformed port"},
		{name: "udp port too big", scheme: "udp", addr: "127.0.0.1:70000", err: "malformed port"},
		{name: "udp port not a number", scheme: "udp", addr: "127.0.0.1:http", err: "malformed port"},
		{name: "udp ipv6 without brackets", scheme: "udp", addr: "::1:8888", err: "in brackets"},
		{name: "udp bad ipv6", scheme: "udp", addr: "[::g]:8888", err: "malformed IPv6"},
		{name: "udp bad host", scheme: "udp", addr: "a b:1", err: "malformed host"},
		{name: "unix", scheme: "unix", addr: "/tmp/ev.sock", print: "/tmp/ev.sock"},
		{name: "unix too long", scheme: "unix", addr: "/" + strings.Repeat("x", 120), err: "longer than 107"},
		{name: "unix NUL", scheme: "unix", addr: "/tmp/a\x00b", err: "NUL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := UDP
			if tc.scheme == "unix" {
				b = Unix
			}
			sock, err := b.Parse(tc.addr)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sock.String() != tc.print {
				t.Fatalf("prints %q, want %q", sock.String(), tc.print)
			}
			again, _ := b.Parse(tc.addr)
			if !sock.Match(again) {
				t.Fatal("a socket does not match itself")
			}
		})
	}
	a, _ := UDP.Parse("127.0.0.1:1")
	b, _ := UDP.Parse("127.0.0.1:2")
	u, _ := Unix.Parse("/tmp/x")
	if a.Match(b) || a.Match(u) {
		t.Fatal("different sockets match")
	}
}

// notification is the JSON-RPC notification a receiver decodes.
type notification struct {
	JSONRPC string         `json:"jsonrpc"`
	Method  string         `json:"method"`
	Params  map[string]any `json:"params"`
	ID      *any           `json:"id"`
}

func receive(t *testing.T, conn net.PacketConn) notification {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 1<<16)
	n, _, err := conn.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no event received: %v", err)
	}
	var got notification
	if err := json.Unmarshal(buf[:n], &got); err != nil {
		t.Fatalf("not JSON: %q: %v", buf[:n], err)
	}
	if got.JSONRPC != "2.0" || got.ID != nil {
		t.Fatalf("not a JSON-RPC 2.0 notification: %s", buf[:n])
	}
	return got
}

func startBackends(t *testing.T) {
	t.Helper()
	if err := start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
}

// TestDelivery subscribes a real UDP socket on 127.0.0.1 and a real unix
// datagram socket and decodes what they receive.
func TestDelivery(t *testing.T) {
	startBackends(t)
	ev := events.Default.MustPublish("E_TEST_DATAGRAM", "aor", "n")

	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	path := filepath.Join(t.TempDir(), "ev.sock")
	unix, err := net.ListenPacket("unixgram", path)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close()

	for _, s := range []string{"udp:" + udp.LocalAddr().String(), "unix:" + path} {
		if err := events.Default.Subscribe("E_TEST_DATAGRAM", s, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if n := ev.Raise(events.Params{{Name: "aor", Value: "alice@example.com"}, {Name: "n", Value: 2}}); n != 2 {
		t.Fatalf("raised to %d subscribers", n)
	}
	for name, conn := range map[string]net.PacketConn{"udp": udp, "unix": unix} {
		got := receive(t, conn)
		if got.Method != "E_TEST_DATAGRAM" || got.Params["aor"] != "alice@example.com" || got.Params["n"] != float64(2) {
			t.Errorf("%s received %+v", name, got)
		}
	}

	// A receiver that is gone costs its own events, not the other's.
	unix.Close()
	ev.Raise(events.Params{{Name: "aor", Value: "bob@example.com"}, {Name: "n", Value: 3}})
	if got := receive(t, udp); got.Params["aor"] != "bob@example.com" {
		t.Fatalf("udp received %+v", got)
	}
	for _, s := range []string{"udp:" + udp.LocalAddr().String(), "unix:" + path} {
		if ok, err := events.Default.Unsubscribe("E_TEST_DATAGRAM", s); !ok || err != nil {
			t.Fatalf("unsubscribe %s: %v %v", s, ok, err)
		}
	}
}

func dispatch(t *testing.T, req string) string {
	t.Helper()
	return string(mi.Dispatch(context.Background(), core.MIRegistry(), []byte(req)))
}

// TestMI subscribes over the MI dispatcher, raises over MI and checks
// the UDP receiver gets the event, and the MI answers and errors.
func TestMI(t *testing.T) {
	startBackends(t)
	events.Default.MustPublish("E_TEST_MI")
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	socket := "udp:" + udp.LocalAddr().String()

	steps := []struct{ name, req, want string }{
		{"raise without subscribers", `{"jsonrpc":"2.0","id":1,"method":"raise_event","params":["E_TEST_MI"]}`,
			`"error":{"code":480,"message":"Temporarily Unavailable"}`},
		{"subscribe", `{"jsonrpc":"2.0","id":1,"method":"event_subscribe","params":["E_TEST_MI","` + socket + `",120]}`,
			`"result":"OK"`},
		{"subscribers of the event", `{"jsonrpc":"2.0","id":1,"method":"subscribers_list","params":["E_TEST_MI"]}`,
			`"Subscribers":[{"socket":"` + socket + `","expire":120,"ttl":120}]`},
		{"one subscriber", `{"jsonrpc":"2.0","id":1,"method":"subscribers_list","params":["E_TEST_MI","` + socket + `"]}`,
			`"Subscriber":{"socket":"` + socket + `","expire":120,"ttl":120}`},
		{"raise with named params", `{"jsonrpc":"2.0","id":1,"method":"raise_event","params":{"event":"E_TEST_MI","params":"{\"ip\":\"10.0.0.1\",\"n\":5}"}}`,
			`"result":"OK"`},
	}
	for _, s := range steps {
		if got := dispatch(t, s.req); !strings.Contains(got, s.want) {
			t.Fatalf("%s: reply %s\nwant it to contain %s", s.name, got, s.want)
		}
	}
	got := receive(t, udp)
	if got.Method != "E_TEST_MI" || got.Params["ip"] != "10.0.0.1" || got.Params["n"] != float64(5) {
		t.Fatalf("received %+v", got)
	}

	// Positional params arrive as an array.
	if r := dispatch(t, `{"jsonrpc":"2.0","id":1,"method":"raise_event","params":["E_TEST_MI",["a","b"]]}`); !strings.Contains(r, `"OK"`) {
		t.Fatal(r)
	}
	udp.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	n, _, err := udp.ReadFrom(buf)
	if err != nil || string(buf[:n]) != `{"jsonrpc":"2.0","method":"E_TEST_MI","params":["a","b"]}` {
		t.Fatalf("received %q %v", buf[:n], err)
	}

	// expire 0 unsubscribes.
	if r := dispatch(t, `{"jsonrpc":"2.0","id":1,"method":"event_subscribe","params":["E_TEST_MI","`+socket+`",0]}`); !strings.Contains(r, `"OK"`) {
		t.Fatal(r)
	}
	if r := dispatch(t, `{"jsonrpc":"2.0","id":1,"method":"subscribers_list","params":["E_TEST_MI"]}`); !strings.Contains(r, `"result":{"Event":{}}`) {
		t.Fatalf("after unsubscribe: %s", r)
	}
}

func TestMIErrors(t *testing.T) {
	startBackends(t)
	events.Default.MustPublish("E_TEST_MI_ERR")
	tests := []struct{ name, req, want string }{
		{"subscribe unknown event", `{"jsonrpc":"2.0","id":1,"method":"event_subscribe","params":["E_NOPE","udp:127.0.0.1:9"]}`,
			`"error":{"code":400,"message":"Bad parameter value","data":"event not published: \"E_NOPE\""}`},
		{"subscribe unknown scheme", `{"jsonrpc":"2.0","id":1,"method":"event_subscribe","params":["E_TEST_MI_ERR","sctp:127.0.0.1:9"]}`,
			`"code":400,"message":"Bad parameter value"`},
		{"subscribe bad port", `{"jsonrpc":"2.0","id":1,"method":"event_subscribe","params":["E_TEST_MI_ERR","udp:127.0.0.1:x"]}`,
			`malformed port`},
		{"subscribe negative expire", `{"jsonrpc":"2.0","id":1,"method":"event_subscribe","params":["E_TEST_MI_ERR","udp:127.0.0.1:9",-1]}`,
			`"error":{"code":-32602,"message":"Invalid params","data":"Negative expire value"}`},
		{"subscribe expire not a number", `{"jsonrpc":"2.0","id":1,"method":"event_subscribe","params":["E_TEST_MI_ERR","udp:127.0.0.1:9","soon"]}`,
			`"code":-32602`},
		{"subscribe too few params", `{"jsonrpc":"2.0","id":1,"method":"event_subscribe","params":["E_TEST_MI_ERR"]}`,
			`"error":{"code":-32602,"message":"Invalid params","data":"Too few or too many parameters"}`},
		{"subscribers of an unknown event", `{"jsonrpc":"2.0","id":1,"method":"subscribers_list","params":["E_NOPE"]}`,
			`"error":{"code":404,"message":"Event not published"}`},
		{"unknown subscriber", `{"jsonrpc":"2.0","id":1,"method":"subscribers_list","params":["E_TEST_MI_ERR","udp:127.0.0.1:9"]}`,
			`"error":{"code":404,"message":"Subscriber does not exist"}`},
		{"raise unknown event", `{"jsonrpc":"2.0","id":1,"method":"raise_event","params":["E_NOPE"]}`,
			`"error":{"code":404,"message":"Event not registered"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := dispatch(t, tc.req); !strings.Contains(got, tc.want) {
				t.Fatalf("reply %s\nwant it to contain %s", got, tc.want)
			}
		})
	}
	// Bad params of raise_event, with a subscriber so the event is live.
	if err := events.Default.Subscribe("E_TEST_MI_ERR", "udp:127.0.0.1:9", time.Minute); err != nil {
		t.Fatal(err)
	}
	defer events.Default.Unsubscribe("E_TEST_MI_ERR", "udp:127.0.0.1:9")
	for _, req := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"raise_event","params":["E_TEST_MI_ERR","{not json"]}`,
		`{"jsonrpc":"2.0","id":1,"method":"raise_event","params":["E_TEST_MI_ERR","[1,2]"]}`,
		`{"jsonrpc":"2.0","id":1,"method":"raise_event","params":["E_TEST_MI_ERR",[{"a":1}]]}`,
		`{"jsonrpc":"2.0","id":1,"method":"raise_event","params":["E_TEST_MI_ERR",true]}`,
	} {
		if got := dispatch(t, req); !strings.Contains(got, `"error":{"code":400,"message":"Bad Params"`) {
			t.Errorf("%s: reply %s", req, got)
		}
	}
	if got := dispatch(t, `{"jsonrpc":"2.0","id":1,"method":"events_list"}`); !strings.Contains(got, `{"name":"E_CORE_THRESHOLD","id":0}`) ||
		!strings.Contains(got, `"name":"E_TEST_MI_ERR"`) {
		t.Fatalf("events_list: %s", got)
	}
	if got := dispatch(t, `{"jsonrpc":"2.0","id":1,"method":"subscribers_list"}`); !strings.Contains(got,
		`{"name":"E_TEST_MI_ERR","id":`) || !strings.Contains(got, `"Subscribers":[{"socket":"udp:127.0.0.1:9","expire":60,"ttl":60}]`) {
		t.Fatalf("subscribers_list: %s", got)
	}
}
