package transport

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// connKey finds a connection by transport and peer address (its own, or an
// alias a peer announced).
type connKey struct {
	proto Proto
	addr  netip.AddrPort
}

// connTable holds the open connections and counts them against
// tcp_max_connections, dials in progress included.
type connTable struct {
	mu      sync.Mutex
	byAddr  map[connKey]*Conn
	all     map[*Conn]struct{}
	dialing int
}

func (t *connTable) init() {
	t.byAddr = make(map[connKey]*Conn)
	t.all = make(map[*Conn]struct{})
}

// reserve takes a slot for a dial.
func (t *connTable) reserve(max int) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.all)+t.dialing >= max {
		return fmt.Errorf("transport: tcp_max_connections (%d) reached", max)
	}
	t.dialing++
	return nil
}

// unreserve gives back the slot of a dial that failed.
func (t *connTable) unreserve() {
	t.mu.Lock()
	t.dialing--
	t.mu.Unlock()
}

// add enters c, in the slot reserve took when reserved.
func (t *connTable) add(c *Conn, reserved bool, max int) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if reserved {
		t.dialing--
	} else if len(t.all)+t.dialing >= max {
		return fmt.Errorf("transport: tcp_max_connections (%d) reached", max)
	}
	t.all[c] = struct{}{}
	key := connKey{c.Socket.Spec.Proto, c.Remote}
	// A connection already known for this peer stays the one used: both
	// work, and keeping the older one keeps the choice stable.
	if _, ok := t.byAddr[key]; !ok {
		t.byAddr[key] = c
	}
	return nil
}

// remove forgets c and the aliases that point to it.
func (t *connTable) remove(c *Conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.all, c)
	key := connKey{c.Socket.Spec.Proto, c.Remote}
	if t.byAddr[key] == c {
		delete(t.byAddr, key)
	}
	for _, k := range c.aliases {
		if t.byAddr[k] == c {
			delete(t.byAddr, k)
		}
	}
}

// alias makes c the connection for addr too (RFC 5923).
func (t *connTable) alias(c *Conn, addr netip.AddrPort) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, open := t.all[c]; !open {
		return
	}
	key := connKey{c.Socket.Spec.Proto, addr}
	t.byAddr[key] = c
	c.aliases = append(c.aliases, key)
}

func (t *connTable) lookup(proto Proto, addr netip.AddrPort) *Conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byAddr[connKey{proto, addr}]
}

func (t *connTable) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.all)
}

// closeAll closes every connection; Close on each removes it, so the list
// is copied first.
func (t *connTable) closeAll() {
	t.mu.Lock()
	conns := make([]*Conn, 0, len(t.all))
	for c := range t.all {
		conns = append(conns, c)
	}
	t.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// Conns returns the open connections, oldest first (MI list_tcp_conns).
func (m *Manager) Conns() []*Conn {
	m.conns.mu.Lock()
	out := make([]*Conn, 0, len(m.conns.all))
	for c := range m.conns.all {
		out = append(out, c)
	}
	m.conns.mu.Unlock()
	slices.SortFunc(out, func(a, b *Conn) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Expires is when the connection closes if it stays idle
// (tcp_connection_lifetime after its last read or write).
func (c *Conn) Expires() time.Time {
	return time.Unix(0, c.lastActive.Load()).Add(c.m.cfg.TCPConnectionLifetime)
}
