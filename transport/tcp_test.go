package transport

import (
	"io"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"switchboard/sip"
)

// dialTCP connects a plain client to the manager's first TCP socket.
func dialTCP(t *testing.T, m *Manager) net.Conn {
	t.Helper()
	for _, s := range m.Sockets() {
		if s.Proto() == TCP {
			c, err := net.Dial("tcp", s.Local.String())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			return c
		}
	}
	t.Fatal("no tcp socket")
	return nil
}

func TestTCPFraming(t *testing.T) {
	one, two := msg("one"), msg("two")
	tests := []struct {
		name   string
		writes []string
		want   []string
	}{
		{"one message", []string{one}, []string{one}},
		{"two in one write", []string{one + two}, []string{one, two}},
		{"leading CRLF", []string{"\r\n" + one}, []string{one}},
		{"split in the body", []string{one[:len(one)-2], one[len(one)-2:]}, []string{one}},
		{"split at the header end", []string{one[:len(one)-6], one[len(one)-6:] + two}, []string{one, two}},
	}
	// And one byte at a time.
	var bytes []string
	for i := range len(one) {
		bytes = append(bytes, one[i:i+1])
	}
	tests = append(tests, struct {
		name   string
		writes []string
		want   []string
	}{"one byte at a time", bytes, []string{one}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ch := collector()
			m := startManager(t, Config{}, h, spec(TCP, "127.0.0.1"))
			c := dialTCP(t, m)
			for _, w := range tt.writes {
				if _, err := c.Write([]byte(w)); err != nil {
					t.Fatal(err)
				}
				if len(tt.writes) > 1 {
					time.Sleep(time.Millisecond) // make separate segments likely
				}
			}
			for _, want := range tt.want {
				r := next(t, ch)
				if r.data != want {
					t.Fatalf("got %q, want %q", r.data, want)
				}
				if r.conn == nil || r.src != r.conn.Remote || r.src.String() != c.LocalAddr().String() {
					t.Errorf("packet source %v conn %v, want %v", r.src, r.conn, c.LocalAddr())
				}
			}
			nothing(t, ch, 20*time.Millisecond)
		})
	}
}

func TestTCPKeepalive(t *testing.T) {
	h, ch := collector()
	m := startManager(t, Config{}, h, spec(TCP, "127.0.0.1"))
	c := dialTCP(t, m)
	pong := make([]byte, 2)
	for _, ping := range [][]string{{"\r\n\r\n"}, {"\r\n", "\r\n"}} {
		for _, part := range ping {
			c.Write([]byte(part))
			time.Sleep(5 * time.Millisecond)
		}
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		if _, err := io.ReadFull(c, pong); err != nil || string(pong) != "\r\n" {
			t.Fatalf("pong = %q, %v; want CRLF", pong, err)
		}
	}
	// A message after a ping still arrives whole.
	c.Write([]byte("\r\n\r\n" + msg("after")))
	if r := next(t, ch); r.data != msg("after") {
		t.Errorf("got %q", r.data)
	}
}

func TestTCPFramingErrorCloses(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"bad content-length", "OPTIONS sip:a SIP/2.0\r\nContent-Length: many\r\n\r\n"},
		{"conflicting content-length", "OPTIONS sip:a SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nxx"},
		{"oversized header section", "OPTIONS sip:a SIP/2.0\r\nX: " + strings.Repeat("a", 300)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ch := collector()
			m := startManager(t, Config{MaxMessageSize: 256}, h, spec(TCP, "127.0.0.1"))
			c := dialTCP(t, m)
			c.Write([]byte(tt.data))
			c.SetReadDeadline(time.Now().Add(3 * time.Second))
			// EOF, or a reset when unread bytes remained.
			if n, err := c.Read(make([]byte, 10)); err == nil {
				t.Errorf("read after framing error = %d bytes; want the connection closed", n)
			}
			nothing(t, ch, 0)
			waitFor(t, "connection forgotten", func() bool { return m.ConnCount() == 0 })
		})
	}
}

func TestTCPReuse(t *testing.T) {
	hA, chA := collector()
	hB, chB := collector()
	a := startManager(t, Config{}, hA, spec(TCP, "127.0.0.1"))
	b := startManager(t, Config{}, hB, spec(TCP, "127.0.0.1"))
	bAddr := b.Sockets()[0].Local

	// a connects to b and sends a request.
	if err := a.Send(Destination{Proto: TCP, Addr: bAddr}, []byte(msg("r1"))); err != nil {
		t.Fatal(err)
	}
	req := next(t, chB)
	if req.src.Addr() != a.Sockets()[0].Local.Addr() {
		t.Errorf("connection from %v, want the address of a's socket", req.src)
	}
	// b replies on the same connection.
	if err := b.Send(Destination{Proto: TCP, Addr: req.src, Conn: req.conn}, []byte(msg("reply"))); err != nil {
		t.Fatal(err)
	}
	rep := next(t, chA)
	// A second request from a reuses the connection.
	if err := a.Send(Destination{Proto: TCP, Addr: bAddr}, []byte(msg("r2"))); err != nil {
		t.Fatal(err)
	}
	if r := next(t, chB); r.conn != req.conn {
		t.Error("second request came on a new connection")
	}
	// Sending to the source address without naming the connection finds it.
	if err := b.Send(Destination{Proto: TCP, Addr: req.src}, []byte(msg("by-addr"))); err != nil {
		t.Fatal(err)
	}
	if r := next(t, chA); r.conn != rep.conn {
		t.Error("send by source address opened a new connection")
	}
	if a.ConnCount() != 1 || b.ConnCount() != 1 {
		t.Errorf("connections a=%d b=%d, want 1 each", a.ConnCount(), b.ConnCount())
	}
	// A closed connection named in the destination falls back to Addr.
	req.conn.Close()
	waitFor(t, "a sees the close", func() bool { return a.ConnCount() == 0 })
	if err := a.Send(Destination{Proto: TCP, Addr: bAddr, Conn: rep.conn}, []byte(msg("r3"))); err != nil {
		t.Fatal(err)
	}
	if r := next(t, chB); r.data != msg("r3") {
		t.Errorf("got %q", r.data)
	}
}

func TestTCPAlias(t *testing.T) {
	h, ch := collector()
	m := startManager(t, Config{}, h, spec(TCP, "127.0.0.1"))
	c := dialTCP(t, m)
	// The client says it also listens on port 5099 of its address.
	req := "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5099;alias;branch=z9hG4bKx\r\nContent-Length: 0\r\n\r\n"
	c.Write([]byte(req))
	r := next(t, ch)
	parsed, err := sip.ParseStream([]byte(r.data))
	if err != nil {
		t.Fatal(err)
	}
	via, err := parsed.Via()
	if err != nil {
		t.Fatal(err)
	}
	alias, ok := ConnAlias(via, r.src, TCP)
	if want := netip.MustParseAddrPort("127.0.0.1:5099"); !ok || alias != want {
		t.Fatalf("ConnAlias = %v %v, want %v", alias, ok, want)
	}
	m.AddConnAlias(r.conn, alias)
	// A request to the alias goes over the client's connection: nothing
	// listens on 5099.
	if err := m.Send(Destination{Proto: TCP, Addr: alias}, []byte(msg("to-alias"))); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(msg("to-alias")))
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != msg("to-alias") {
		t.Fatalf("client read %q, %v", buf, err)
	}
	// When the connection goes, so does the alias.
	r.conn.Close()
	if got := m.conns.lookup(TCP, alias); got != nil {
		t.Error("alias outlived its connection")
	}
	// Without the parameter there is no alias.
	plain := *via
	plain.Params = ";branch=z9hG4bKx"
	if _, ok := ConnAlias(&plain, r.src, TCP); ok {
		t.Error("ConnAlias without alias parameter")
	}
}

func TestTCPMaxConnections(t *testing.T) {
	h, ch := collector()
	m := startManager(t, Config{TCPMaxConnections: 2}, h, spec(TCP, "127.0.0.1"))
	peers := []*Manager{
		startManager(t, Config{}, func(*Packet) {}, spec(TCP, "127.0.0.1")),
		startManager(t, Config{}, func(*Packet) {}, spec(TCP, "127.0.0.1")),
	}
	for _, p := range peers {
		if err := m.Send(Destination{Proto: TCP, Addr: p.Sockets()[0].Local}, []byte(msg("x"))); err != nil {
			t.Fatal(err)
		}
	}
	third := startManager(t, Config{}, func(*Packet) {}, spec(TCP, "127.0.0.1"))
	err := m.Send(Destination{Proto: TCP, Addr: third.Sockets()[0].Local}, []byte(msg("x")))
	if err == nil || !strings.Contains(err.Error(), "tcp_max_connections") {
		t.Errorf("third connection: %v, want tcp_max_connections", err)
	}
	// An incoming connection over the limit is closed at once.
	c := dialTCP(t, m)
	c.Write([]byte(msg("in")))
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("connection over the limit stayed open")
	}
	nothing(t, ch, 10*time.Millisecond)
	if m.ConnCount() != 2 {
		t.Errorf("ConnCount = %d, want 2", m.ConnCount())
	}
}

func TestTCPIdleLifetime(t *testing.T) {
	h, ch := collector()
	m := startManager(t, Config{TCPConnectionLifetime: 100 * time.Millisecond}, h, spec(TCP, "127.0.0.1"))
	c := dialTCP(t, m)
	// Traffic keeps it open past one lifetime.
	var last time.Time
	for range 4 {
		last = time.Now()
		c.Write([]byte(msg("alive")))
		next(t, ch)
		time.Sleep(50 * time.Millisecond)
	}
	if m.ConnCount() != 1 {
		t.Fatal("active connection closed")
	}
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("idle read = %v, want EOF", err)
	}
	if d := time.Since(last); d < 100*time.Millisecond {
		t.Errorf("closed after %v, before the lifetime", d)
	}
	waitFor(t, "connection forgotten", func() bool { return m.ConnCount() == 0 })
}

// blackhole returns a loopback address that never completes a TCP
// handshake: a socket listening with a backlog already full.
func blackhole(t *testing.T) netip.AddrPort {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Skip("raw socket:", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Skip("bind:", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Skip("listen:", err)
	}
	sa, _ := syscall.Getsockname(fd)
	addr := netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(sa.(*syscall.SockaddrInet4).Port))
	// Fill the accept queue; the kernel drops SYNs from then on.
	for range 3 {
		c, err := net.DialTimeout("tcp", addr.String(), 100*time.Millisecond)
		if err != nil {
			break
		}
		t.Cleanup(func() { c.Close() })
	}
	return addr
}

func TestTCPConnectTimeout(t *testing.T) {
	dst := blackhole(t)
	m := startManager(t, Config{TCPConnectTimeout: 150 * time.Millisecond}, func(*Packet) {}, spec(TCP, "127.0.0.1"))
	start := time.Now()
	err := m.Send(Destination{Proto: TCP, Addr: dst}, []byte(msg("x")))
	elapsed := time.Since(start)
	if err == nil {
		t.Skip("the kernel accepted the connection; no blackhole here")
	}
	if elapsed > 2*time.Second {
		t.Errorf("connect gave up after %v, want about 150ms", elapsed)
	}
	if m.ConnCount() != 0 {
		t.Error("failed dial left a connection")
	}
	// The failed dial gave its slot back.
	if m.conns.dialing != 0 {
		t.Errorf("dialing = %d after failure", m.conns.dialing)
	}
}

func TestTCPIPv6(t *testing.T) {
	hA, _ := collector()
	hB, chB := collector()
	a := startManager(t, Config{}, hA, spec(TCP, "::1"))
	b := startManager(t, Config{}, hB, spec(TCP, "::1"))
	if err := a.Send(Destination{Proto: TCP, Addr: b.Sockets()[0].Local}, []byte(msg("v6"))); err != nil {
		t.Fatal(err)
	}
	if r := next(t, chB); !r.src.Addr().Is6() || r.data != msg("v6") {
		t.Errorf("got %q from %v", r.data, r.src)
	}
}

func TestCloseLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	hA, chA := collector()
	a := NewManager(Config{UDPReaders: 3}, hA)
	if err := a.Listen([]SocketSpec{spec(UDP, "127.0.0.1"), {Proto: UDP, Host: "127.0.0.1", ReusePort: true, Workers: 2}, spec(TCP, "127.0.0.1"), spec(TCP, "::1")}); err != nil {
		t.Fatal(err)
	}
	b := NewManager(Config{}, func(*Packet) {})
	if err := b.Listen([]SocketSpec{spec(TCP, "127.0.0.1")}); err != nil {
		t.Fatal(err)
	}
	// Connections both ways.
	if err := b.Send(Destination{Proto: TCP, Addr: a.Sockets()[2].Local}, []byte(msg("in"))); err != nil {
		t.Fatal(err)
	}
	next(t, chA)
	if err := a.Send(Destination{Proto: TCP, Addr: b.Sockets()[0].Local}, []byte(msg("out"))); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	a.Close() // twice is fine
	if after := settledGoroutines(before); after > before {
		t.Errorf("goroutines: %d before, %d after Close", before, after)
	}
}
