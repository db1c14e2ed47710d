package transport

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestUDPRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		host string
		spec SocketSpec
	}{
		{"ipv4 shared socket", "127.0.0.1", SocketSpec{Proto: UDP, Host: "127.0.0.1", Workers: 3}},
		{"ipv4 reuse_port", "127.0.0.1", SocketSpec{Proto: UDP, Host: "127.0.0.1", Workers: 3, ReusePort: true}},
		{"ipv6", "::1", SocketSpec{Proto: UDP, Host: "::1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hA, chA := collector()
			hB, chB := collector()
			a := startManager(t, Config{UDPReaders: 2}, hA, tt.spec)
			b := startManager(t, Config{}, hB, spec(UDP, tt.host))
			sa, sb := a.Sockets()[0], b.Sockets()[0]
			if tt.spec.ReusePort && len(sa.udp) != 3 {
				t.Errorf("reuse_port opened %d kernel sockets, want 3", len(sa.udp))
			}
			const n = 50
			for i := range n {
				if err := b.Send(Destination{Proto: UDP, Addr: sa.Local}, []byte(msg("c"+string(rune('a'+i%26))))); err != nil {
					t.Fatal(err)
				}
			}
			for range n {
				r := next(t, chA)
				if r.src != sb.Local || r.socket != sa || r.conn != nil || !strings.HasPrefix(r.data, "OPTIONS") {
					t.Fatalf("got %+v from %v, want from %v on %v", r.data, r.src, sb.Local, sa)
				}
			}
			// The reply goes back to the source, from the socket that received.
			if err := a.Send(Destination{Proto: UDP, Addr: sb.Local, Socket: sa}, []byte("SIP/2.0 200 OK\r\n\r\n")); err != nil {
				t.Fatal(err)
			}
			if r := next(t, chB); r.src != sa.Local {
				t.Errorf("reply from %v, want %v", r.src, sa.Local)
			}
		})
	}
}

func TestUDPConcurrentReaders(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	done := make(chan struct{}, 1000)
	h := func(p *Packet) {
		mu.Lock()
		seen[string(p.Data)] = true
		mu.Unlock()
		done <- struct{}{}
	}
	m := startManager(t, Config{UDPReaders: 4}, h, spec(UDP, "127.0.0.1"))
	peer, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	dst := net.UDPAddrFromAddrPort(m.Sockets()[0].Local)
	const n = 200
	for i := range n {
		peer.WriteToUDP([]byte(msg(strings.Repeat("x", i%50+1)+string(rune(i)))), dst)
	}
	for range n {
		<-done
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n {
		t.Errorf("saw %d distinct packets, want %d", len(seen), n)
	}
}

func TestUDPKeepaliveIgnored(t *testing.T) {
	h, ch := collector()
	m := startManager(t, Config{}, h, spec(UDP, "127.0.0.1"))
	peer, err := net.Dial("udp", m.Sockets()[0].Local.String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	peer.Write([]byte("\r\n\r\n"))
	peer.Write([]byte(msg("k")))
	if r := next(t, ch); !strings.HasPrefix(r.data, "OPTIONS") {
		t.Errorf("got %q, want the message after the keep-alive", r.data)
	}
}

func TestSendRefusesBadDestinations(t *testing.T) {
	m := startManager(t, Config{}, func(*Packet) {}, spec(UDP, "127.0.0.1"))
	v6only := NewManager(Config{}, func(*Packet) {})
	defer v6only.Close()
	tests := []struct {
		name string
		m    *Manager
		d    Destination
		want string
	}{
		{"broadcast", m, Destination{Proto: UDP, Addr: netip.MustParseAddrPort("255.255.255.255:5060")}, "broadcast"},
		{"unspecified", m, Destination{Proto: UDP, Addr: netip.MustParseAddrPort("0.0.0.0:5060")}, "unspecified"},
		{"zero address", m, Destination{Proto: UDP}, "unspecified"},
		{"port zero", m, Destination{Proto: UDP, Addr: netip.MustParseAddrPort("127.0.0.1:0")}, "port 0"},
		{"no socket of the family", m, Destination{Proto: UDP, Addr: netip.MustParseAddrPort("[::1]:5060")}, "no udp socket"},
		{"forced socket of other family", m, Destination{Proto: UDP, Addr: netip.MustParseAddrPort("[::1]:5060"), Socket: m.Sockets()[0]}, "cannot reach"},
		{"tls not supported", m, Destination{Proto: TLS, Addr: netip.MustParseAddrPort("127.0.0.1:5061")}, "not supported: tls"},
		{"no sockets at all", v6only, Destination{Proto: UDP, Addr: netip.MustParseAddrPort("127.0.0.1:5060")}, "no udp socket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Send(tt.d, []byte("x"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Send error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestListenErrors(t *testing.T) {
	tests := []struct {
		name  string
		specs []SocketSpec
		want  string
	}{
		{"tls", []SocketSpec{{Proto: TLS, Host: "127.0.0.1"}}, "not supported: tls sockets"},
		{"ws", []SocketSpec{{Proto: WS, Host: "127.0.0.1"}}, "not supported: ws sockets"},
		{"sctp", []SocketSpec{{Proto: SCTP, Host: "127.0.0.1"}}, "not supported: sctp sockets"},
		{"interface name", []SocketSpec{{Proto: UDP, Host: "lo"}}, "not supported: interface name"},
		{"address not local", []SocketSpec{{Proto: UDP, Host: "127.0.0.1"}, {Proto: UDP, Host: "192.0.2.1"}}, "192.0.2.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewManager(Config{}, func(*Packet) {})
			defer m.Close()
			err := m.Listen(tt.specs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Listen error = %v, want %q", err, tt.want)
			}
			if len(m.Sockets()) != 0 {
				t.Errorf("a failed Listen left %d sockets open", len(m.Sockets()))
			}
		})
	}
}

func TestListenAfterClose(t *testing.T) {
	m := NewManager(Config{}, func(*Packet) {})
	m.Close()
	if err := m.Listen([]SocketSpec{spec(UDP, "127.0.0.1")}); err == nil {
		t.Error("Listen after Close succeeded")
	}
	if err := m.Send(Destination{Proto: UDP, Addr: netip.MustParseAddrPort("127.0.0.1:5060")}, nil); err != ErrClosed {
		t.Errorf("Send after Close = %v, want ErrClosed", err)
	}
}

func TestSocketString(t *testing.T) {
	m := startManager(t, Config{}, func(*Packet) {}, spec(UDP, "127.0.0.1"), spec(TCP, "::1"),
		SocketSpec{Proto: UDP, Host: "127.0.0.1", AdvertisedHost: "2001:db8::5", AdvertisedPort: 5080})
	s := m.Sockets()
	if got, want := s[0].String(), "udp:"+s[0].Local.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := s[1].String(), "tcp:"+s[1].Local.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if h, p := s[0].SentBy(); h != "127.0.0.1" || p != int(s[0].Local.Port()) {
		t.Errorf("SentBy() = %s %d", h, p)
	}
	if h, p := s[2].SentBy(); h != "[2001:db8::5]" || p != 5080 {
		t.Errorf("advertised SentBy() = %s %d", h, p)
	}
	if got, want := s[1].SentByHostPort(), s[1].Local.String(); got != want {
		t.Errorf("SentByHostPort() = %q, want %q", got, want)
	}
	if got := s[2].SentByHostPort(); got != "[2001:db8::5]:5080" {
		t.Errorf("advertised SentByHostPort() = %q", got)
	}
	// A socket not bound by a manager works it out each time.
	unbound := &Socket{Spec: SocketSpec{Proto: UDP}, Local: netip.MustParseAddrPort("[::1]:5062")}
	if got := unbound.SentByHostPort(); got != "[::1]:5062" {
		t.Errorf("unbound SentByHostPort() = %q", got)
	}
	if got := unbound.String(); got != "udp:[::1]:5062" {
		t.Errorf("unbound String() = %q", got)
	}
}

func BenchmarkUDPReceive(b *testing.B) {
	var count sync.WaitGroup
	h := func(*Packet) { count.Done() }
	m := startManager(b, Config{UDPReaders: 1}, h, spec(UDP, "127.0.0.1"))
	peer, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(m.Sockets()[0].Local))
	if err != nil {
		b.Fatal(err)
	}
	defer peer.Close()
	data := []byte(msg("bench"))
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	// Send in windows the socket buffer holds, so nothing is dropped.
	const window = 64
	for sent := 0; sent < b.N; {
		k := min(window, b.N-sent)
		count.Add(k)
		for range k {
			if _, err := peer.Write(data); err != nil {
				b.Fatal(err)
			}
		}
		count.Wait()
		sent += k
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}

// TestUDPReaderAlone drives a reader that has its socket to itself (the
// batched reader on Linux) through the cases where a datagram could be
// lost or mangled: bursts longer than a batch, sizes up to the largest
// datagram, and a datagram that arrives while the previous one is still
// being handled, after the reader found the queue empty.
func TestUDPReaderAlone(t *testing.T) {
	got := make(chan string, 1000)
	hold := make(chan struct{})
	h := func(p *Packet) {
		if strings.Contains(string(p.Data), "hold-me") {
			<-hold // the handler is busy while the next datagram arrives
		}
		got <- string(p.Data)
	}
	// A burst must not overflow the socket while a slow (-race) reader
	// catches up: a drop would read as a lost datagram.
	m := startManager(t, Config{UDPReaders: 1, UDPReceiveBuffer: 1 << 20}, h, spec(UDP, "127.0.0.1"))
	peer, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	dst := net.UDPAddrFromAddrPort(m.Sockets()[0].Local)
	recv := func(want string) {
		t.Helper()
		select {
		case g := <-got:
			if g != want {
				t.Fatalf("got %d bytes %.40q..., want %d bytes %.40q...", len(g), g, len(want), want)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("%.40q... never delivered", want)
		}
	}
	t.Run("burst longer than a batch, in order", func(t *testing.T) {
		var sent []string
		for i := range 40 { // ten batches
			d := msg(strings.Repeat("b", i%40+1) + "-" + strconv.Itoa(i))
			sent = append(sent, d)
			peer.WriteToUDP([]byte(d), dst)
		}
		for _, d := range sent {
			recv(d)
		}
	})
	t.Run("largest datagrams whole", func(t *testing.T) {
		for _, n := range []int{1400, 9000, 65000} {
			d := msg("big") + strings.Repeat("x", n-len(msg("big")))
			if _, err := peer.WriteToUDP([]byte(d), dst); err != nil {
				t.Fatal(err)
			}
			recv(d)
		}
	})
	t.Run("arrives while the last one is handled", func(t *testing.T) {
		first, second := msg("hold-me"), msg("second")
		peer.WriteToUDP([]byte(first), dst)
		time.Sleep(50 * time.Millisecond) // the reader is in the handler, queue empty
		peer.WriteToUDP([]byte(second), dst)
		time.Sleep(50 * time.Millisecond)
		close(hold)
		recv(first)
		recv(second)
	})
	t.Run("after an idle spell", func(t *testing.T) {
		time.Sleep(200 * time.Millisecond)
		d := msg("late")
		peer.WriteToUDP([]byte(d), dst)
		recv(d)
	})
}
