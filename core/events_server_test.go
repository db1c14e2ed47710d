package core_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/mi"
	_ "switchboard/modules/proto_tcp"
	_ "switchboard/modules/proto_udp"
)

// syncBuffer is a log sink several goroutines write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startServer runs cfg and returns it with its log and the path of its
// script. Each socket on port 0 of 127.0.0.1 gets a free port (a socket
// line's port 0 means the protocol's default, 5060, as in OpenSIPS).
func startServer(t *testing.T, cfg string) (*core.Server, *syncBuffer, string) {
	t.Helper()
	for _, proto := range []string{"udp", "tcp"} {
		for strings.Contains(cfg, proto+":127.0.0.1:0\n") {
			cfg = strings.Replace(cfg, proto+":127.0.0.1:0\n", fmt.Sprintf("%s:127.0.0.1:%d\n", proto, core.FreePort(t, proto)), 1)
		}
	}
	path := filepath.Join(t.TempDir(), "events.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	h := slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})
	srv, err := core.NewServer(path, core.ServerOptions{Loggers: &core.Loggers{Core: slog.New(h), Script: slog.New(h)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv, logs, path
}

func miCall(t *testing.T, req string) string {
	t.Helper()
	return string(mi.Dispatch(context.Background(), core.MIRegistry(), []byte(req)))
}

// cached waits for the local cache to hold key and returns the MI answer.
func cached(t *testing.T, key, want string) {
	t.Helper()
	req := fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"cache_fetch","params":["local",%q]}`, key)
	wantReply := fmt.Sprintf(`"result":{"key":%q,"value":%q}`, key, want)
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := miCall(t, req)
		if strings.Contains(got, wantReply) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("cache %s: %s, want %s", key, got, wantReply)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// forget removes keys from the local cache, which outlives a server (and
// a test run with -count).
func forget(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		miCall(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"cache_remove","params":["local",%q]}`, k))
	}
}

const optionsMsg = "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: ev1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"

// TestEventRoutes runs a script whose routes raise events and whose
// event_routes (sync and async) record what they got in the local cache,
// plus the core events of slow messages, closed TCP connections and log
// lines.
func TestEventRoutes(t *testing.T) {
	forget(t, "sync_startup", "seen_in_startup", "log_ERROR", "async", "threshold", "tcp_closed")
	srv, logs, _ := startServer(t, `
socket=udp:127.0.0.1:0
socket=tcp:127.0.0.1:0
exec_msg_threshold=1
log_event_enabled=yes
log_event_level_filter=-1
loadmodule "proto_udp.so"
loadmodule "proto_tcp.so"

startup_route {
	$avp(attr) = "who";
	$avp(attr) = "n";
	$avp(val) = "startup";
	$avp(val) = 7;
	raise_event("E_SB_SYNC", $avp(attr), $avp(val));
	# the sync event_route ran before raise_event returned
	cache_fetch("local", "sync_startup", $var(seen));
	cache_store("local", "seen_in_startup", "$var(seen)");
	xlog("L_ERR", "a log line for E_CORE_LOG\n");
}

route {
	drop;
}

event_route[E_SB_SYNC, sync] {
	cache_store("local", "sync_$param(who)", "n=$param(n) first=$param(1)");
}

event_route[E_SB_ASYNC, async] {
	cache_store("local", "async", "$param(1)-$param(2)");
}

event_route[E_CORE_THRESHOLD] {
	cache_store("local", "threshold", "$param(source)");
}

event_route[E_CORE_TCP_DISCONNECT] {
	cache_store("local", "tcp_closed", "$param(proto) $param(src_ip)");
}

event_route[E_CORE_LOG] {
	cache_store("local", "log_$param(level)", "$param(message)");
	# logged from an event_route: raises no E_CORE_LOG, or this would loop
	xlog("L_ERR", "E_CORE_LOG handled\n");
}

timer_route[ticker, 1] {
	raise_event("E_SB_ASYNC");
}
`)
	// AVPs are walked newest first, as OpenSIPS does: n=7 is the first
	// parameter.
	cached(t, "sync_startup", "n=7 first=7")
	cached(t, "seen_in_startup", "n=7 first=7")
	cached(t, "log_ERROR", "a log line for E_CORE_LOG")
	time.Sleep(100 * time.Millisecond)
	if n := strings.Count(logs.String(), "E_CORE_LOG handled"); n != 1 {
		t.Fatalf("the E_CORE_LOG event_route ran %d times, want 1: what it logs must not raise E_CORE_LOG", n)
	}

	// MI raise_event reaches the async event_route, positionally.
	if got := miCall(t, `{"jsonrpc":"2.0","id":1,"method":"raise_event","params":["E_SB_ASYNC",["a","b"]]}`); !strings.Contains(got, `"result":"OK"`) {
		t.Fatalf("raise_event: %s", got)
	}
	cached(t, "async", "a-b")
	if got := miCall(t, `{"jsonrpc":"2.0","id":1,"method":"subscribers_list","params":["E_SB_ASYNC"]}`); !strings.Contains(got,
		`"Subscribers":[{"socket":"route:E_SB_ASYNC","expire":"never"}]`) {
		t.Fatalf("subscribers_list: %s", got)
	}

	var udp, tcp net.Addr
	for _, s := range srv.Sockets() {
		addr := net.TCPAddrFromAddrPort(s.Local)
		if strings.HasPrefix(s.String(), "udp") {
			udp = &net.UDPAddr{IP: addr.IP, Port: addr.Port}
		} else {
			tcp = addr
		}
	}
	// Any message takes longer than 1 us: E_CORE_THRESHOLD.
	c, err := net.Dial("udp", udp.String())
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte(optionsMsg))
	c.Close()
	cached(t, "threshold", "msg processing")
	if !strings.Contains(logs.String(), "threshold exceeded : msg processing took too long") {
		t.Error("the slow message is not logged")
	}

	// A TCP connection that closes: E_CORE_TCP_DISCONNECT.
	tc, err := net.Dial("tcp", tcp.String())
	if err != nil {
		t.Fatal(err)
	}
	tc.Write([]byte(strings.Replace(optionsMsg, "UDP", "TCP", 1)))
	time.Sleep(50 * time.Millisecond)
	tc.Close()
	cached(t, "tcp_closed", "tcp 127.0.0.1")
}

// TestEventRouteReload: a reload replaces the event_routes with the new
// script's, modes included, and drops those it no longer has.
func TestEventRouteReload(t *testing.T) {
	forget(t, "reload")
	base := fmt.Sprintf("socket=udp:127.0.0.1:%d\nloadmodule \"proto_udp.so\"\nroute { drop; }\n", core.FreePort(t, "udp"))
	srv, _, path := startServer(t, base+`event_route[E_SB_RELOAD, sync] { cache_store("local", "reload", "one"); }
startup_route { raise_event("E_SB_RELOAD"); }`)
	cached(t, "reload", "one")

	steps := []struct {
		name, routes, value, subscribers string
	}{
		{"async now", `event_route[E_SB_RELOAD] { cache_store("local", "reload", "two"); }`, "two",
			`"Subscribers":[{"socket":"route:E_SB_RELOAD","expire":"never"}]`},
		{"gone", `startup_route { raise_event("E_SB_RELOAD"); }`, "", `"result":{"Event":{}}`},
	}
	for _, s := range steps {
		if err := os.WriteFile(path, []byte(base+s.routes), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := srv.Reload(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := miCall(t, `{"jsonrpc":"2.0","id":1,"method":"subscribers_list","params":["E_SB_RELOAD"]}`); !strings.Contains(got, s.subscribers) {
			t.Fatalf("%s: subscribers_list %s, want %s", s.name, got, s.subscribers)
		}
		if s.value != "" {
			if got := miCall(t, `{"jsonrpc":"2.0","id":1,"method":"raise_event","params":["E_SB_RELOAD"]}`); !strings.Contains(got, `"OK"`) {
				t.Fatalf("%s: raise_event %s", s.name, got)
			}
			cached(t, "reload", s.value)
		}
	}
}
