package event_stream

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"switchboard/events"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		name, addr, print, err string
	}{
		{name: "ipv4", addr: "127.0.0.1:8080", print: "127.0.0.1:8080"},
		{name: "method", addr: "127.0.0.1:8080/block_ip", print: "127.0.0.1:8080/block_ip"},
		{name: "ipv6", addr: "[::1]:8080", print: "[::1]:8080"},
		{name: "host name", addr: "localhost:8080/m", print: "localhost:8080/m"},
		{name: "no port", addr: "127.0.0.1", err: "port not specified"},
		{name: "empty port", addr: "127.0.0.1:/m", err: "malformed port"},
		{name: "port zero", addr: "127.0.0.1:0", err: "malformed port"},
		{name: "empty method", addr: "127.0.0.1:1/", err: "malformed method"},
		{name: "method with a space", addr: "127.0.0.1:1/a b", err: "malformed method"},
		{name: "bare ipv6", addr: "::1:80", err: "in brackets"},
		{name: "bad host", addr: "a$b:80", err: "malformed host"},
	}
	b := NewBackend(DefaultConfig())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
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
				t.Fatalf("prints %q", sock.String())
			}
		})
	}
	x, _ := b.Parse("127.0.0.1:1/a")
	y, _ := b.Parse("127.0.0.1:1/b")
	z, _ := b.Parse("127.0.0.1:1/a")
	if x.Match(y) || !x.Match(z) {
		t.Fatal("match by method is wrong")
	}
}

// jsonServer is a JSON-RPC server on 127.0.0.1: it decodes every object
// it receives and, when reply is set, answers it.
type jsonServer struct {
	ln  net.Listener
	got chan map[string]any
}

func newJSONServer(t *testing.T, reply func(req map[string]any) any) *jsonServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &jsonServer{ln: ln, got: make(chan map[string]any, 100)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				dec := json.NewDecoder(bufio.NewReader(c))
				for {
					var req map[string]any
					if dec.Decode(&req) != nil {
						return
					}
					s.got <- req
					if reply != nil {
						if r := reply(req); r != nil {
							out, _ := json.Marshal(r)
							c.Write(out)
						}
					}
				}
			}()
		}
	}()
	return s
}

func (s *jsonServer) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case req := <-s.got:
		return req
	case <-time.After(5 * time.Second):
		t.Fatal("nothing received")
		return nil
	}
}

func send(t *testing.T, b *Backend, addr string, ev *events.Raised) error {
	t.Helper()
	sock, err := b.Parse(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	return sock.Send(context.Background(), ev)
}

func TestNotifications(t *testing.T) {
	srv := newJSONServer(t, nil)
	addr := srv.ln.Addr().String()
	b := NewBackend(Config{Timeout: time.Second, EventParam: "opensips_event"})
	sock, err := b.Parse(addr + "/block_ip")
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	for i := 0; i < 3; i++ { // three events, one connection
		ev := &events.Raised{Event: "E_PIKE_BLOCKED", Params: events.Params{{Name: "ip", Value: "10.0.0.1"}, {Name: "n", Value: i}}}
		if err := sock.Send(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ {
		req := srv.next(t)
		params, _ := req["params"].(map[string]any)
		if req["jsonrpc"] != "2.0" || req["method"] != "block_ip" || req["id"] != nil || params["ip"] != "10.0.0.1" ||
			params["n"] != float64(i) || params["opensips_event"] != "E_PIKE_BLOCKED" {
			t.Fatalf("received %v", req)
		}
		if _, hasID := req["id"]; hasID {
			t.Fatalf("a notification with an id: %v", req)
		}
	}
}

func TestReliableMode(t *testing.T) {
	ok := newJSONServer(t, func(req map[string]any) any {
		return map[string]any{"jsonrpc": "2.0", "result": "OK", "id": req["id"]}
	})
	refusing := newJSONServer(t, func(req map[string]any) any {
		return map[string]any{"jsonrpc": "2.0", "error": map[string]any{"code": -32000, "message": "no"}, "id": req["id"]}
	})
	wrongID := newJSONServer(t, func(req map[string]any) any {
		return map[string]any{"jsonrpc": "2.0", "result": "OK", "id": 999999}
	})
	silent := newJSONServer(t, func(map[string]any) any { return nil })
	b := NewBackend(Config{ReliableMode: true, Timeout: 300 * time.Millisecond})
	ev := &events.Raised{Event: "E_X", Params: events.Params{{Value: "a"}}}
	tests := []struct {
		name string
		srv  *jsonServer
		err  string
	}{
		{"answered", ok, ""},
		{"error response", refusing, "answered E_X with an error"},
		{"response to another request", wrongID, "has id 999999"},
		{"no response", silent, "no JSON-RPC response"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			err := send(t, b, tc.srv.ln.Addr().String(), ev)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			if time.Since(start) > 2*time.Second {
				t.Fatalf("took %v with a 300ms timeout", time.Since(start))
			}
			req := tc.srv.next(t)
			if req["method"] != "E_X" || req["id"] == nil {
				t.Fatalf("request %v", req)
			}
			if p, _ := req["params"].([]any); len(p) != 1 || p[0] != "a" {
				t.Fatalf("params %v", req["params"])
			}
		})
	}
	// Nobody listening: the connect fails within the timeout.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	if err := send(t, b, closed, ev); err == nil || !strings.Contains(err.Error(), "connect to") {
		t.Fatalf("error %v", err)
	}
}

// TestRegistryDelivery goes through the registry and the module hooks: a
// subscriber over tcp: receives a raised event.
func TestRegistryDelivery(t *testing.T) {
	pending = Config{Timeout: time.Second}
	if err := start(); err != nil {
		t.Fatal(err)
	}
	defer stop()
	srv := newJSONServer(t, nil)
	ev := events.Default.MustPublish("E_TEST_STREAM", "aor")
	if err := events.Default.Subscribe("E_TEST_STREAM", "tcp:"+srv.ln.Addr().String(), time.Minute); err != nil {
		t.Fatal(err)
	}
	ev.Raise(events.Params{{Name: "aor", Value: "alice@example.com"}})
	req := srv.next(t)
	if req["method"] != "E_TEST_STREAM" || req["params"].(map[string]any)["aor"] != "alice@example.com" {
		t.Fatalf("received %v", req)
	}
}
