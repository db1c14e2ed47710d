package transport

import (
	"sync"
	"testing"
)

// TestOnClose: the hook hears of a connection its peer closed, with both
// ends, and not of those the manager's own Close shuts down.
func TestOnClose(t *testing.T) {
	var mu sync.Mutex
	var closed []*Conn
	h, ch := collector()
	m := NewManager(Config{OnClose: func(c *Conn) {
		mu.Lock()
		closed = append(closed, c)
		mu.Unlock()
	}}, h)
	if err := m.Listen([]SocketSpec{spec(TCP, "127.0.0.1")}); err != nil {
		t.Fatal(err)
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(closed) }

	peer := dialTCP(t, m)
	peer.Write([]byte(msg("one")))
	next(t, ch)
	peer.Close()
	waitFor(t, "OnClose", func() bool { return count() == 1 })
	mu.Lock()
	c := closed[0]
	mu.Unlock()
	if c.Remote.String() != peer.LocalAddr().String() || c.Socket.Proto() != TCP {
		t.Fatalf("closed %s from %s, want the peer %s", c, c.Remote, peer.LocalAddr())
	}

	// Still open at shutdown: no event.
	other := dialTCP(t, m)
	other.Write([]byte(msg("two")))
	next(t, ch)
	m.Close()
	if n := count(); n != 1 {
		t.Fatalf("OnClose heard of %d connections, want 1 (none from Close)", n)
	}
}
