package transport

import (
	"net/netip"
	"runtime"
	"testing"
	"time"
)

// received is a copy of a Packet, kept after the handler returns.
type received struct {
	data   string
	src    netip.AddrPort
	socket *Socket
	conn   *Conn
}

// collector returns a handler that copies packets into a channel.
func collector() (Handler, chan received) {
	ch := make(chan received, 1000)
	return func(p *Packet) {
		ch <- received{string(p.Data), p.Src, p.Socket, p.Conn}
	}, ch
}

// startManager listens on specs (port 0: ephemeral) and closes at the end
// of the test.
func startManager(t testing.TB, cfg Config, h Handler, specs ...SocketSpec) *Manager {
	t.Helper()
	m := NewManager(cfg, h)
	if err := m.Listen(specs); err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func spec(proto Proto, host string) SocketSpec { return SocketSpec{Proto: proto, Host: host} }

func next(t *testing.T, ch chan received) received {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(3 * time.Second):
		t.Fatal("no packet received")
		return received{}
	}
}

func nothing(t *testing.T, ch chan received, wait time.Duration) {
	t.Helper()
	select {
	case r := <-ch:
		t.Fatalf("unexpected packet %q", r.data)
	case <-time.After(wait):
	}
}

// waitFor polls cond for up to 3 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settledGoroutines waits for the goroutine count to fall to at most n.
func settledGoroutines(n int) int {
	var got int
	for range 200 {
		if got = runtime.NumGoroutine(); got <= n {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	return got
}

func msg(callID string) string {
	return "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK" + callID +
		"\r\nCall-ID: " + callID + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 4\r\n\r\nbody"
}
