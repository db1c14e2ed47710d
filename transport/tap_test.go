package transport

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// TestTapSeesSends: with a tap set, each UDP datagram and TCP message
// the manager writes reaches it with the right addresses; without one,
// nothing does.
func TestTapSeesSends(t *testing.T) {
	m := startManager(t, Config{}, func(*Packet) {}, spec(UDP, "127.0.0.1"), spec(TCP, "127.0.0.1"))
	udpPeer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer udpPeer.Close()
	tcpPeer, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcpPeer.Close()
	go func() {
		c, err := tcpPeer.Accept()
		if err == nil {
			io.Copy(io.Discard, c)
		}
	}()

	var mu sync.Mutex
	var seen []Traced
	SetTap(func(ev *Traced) {
		mu.Lock()
		defer mu.Unlock()
		ev2 := *ev
		ev2.Data = append([]byte(nil), ev.Data...)
		seen = append(seen, ev2)
	})
	defer SetTap(nil)

	udpDst := udpPeer.LocalAddr().(*net.UDPAddr).AddrPort()
	tcpDst := tcpPeer.Addr().(*net.TCPAddr).AddrPort()
	if err := m.Send(Destination{Proto: UDP, Addr: udpDst}, []byte(msg("u1"))); err != nil {
		t.Fatal(err)
	}
	if err := m.Send(Destination{Proto: TCP, Addr: tcpDst}, []byte(msg("t1"))); err != nil {
		t.Fatal(err)
	}
	SetTap(nil)
	if CurrentTap() != nil {
		t.Fatal("CurrentTap after SetTap(nil)")
	}
	if err := m.Send(Destination{Proto: UDP, Addr: udpDst}, []byte(msg("u2"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 {
		t.Fatalf("tap saw %d messages, want 2", len(seen))
	}
	u, tc := seen[0], seen[1]
	if !u.Sent || u.Proto != UDP || u.Remote != udpDst || u.Local != m.Sockets()[0].Local || string(u.Data) != msg("u1") {
		t.Errorf("udp event %+v", u)
	}
	if !tc.Sent || tc.Proto != TCP || tc.Remote != tcpDst || tc.Local.Addr() != tcpDst.Addr() || tc.Local.Port() == 0 || string(tc.Data) != msg("t1") {
		t.Errorf("tcp event %+v", tc)
	}
}

// BenchmarkUDPSend shows what the tap costs the send path: "no tap" is
// every server that traces nothing (one atomic load), "tap" a trace
// whose tap does nothing.
func BenchmarkUDPSend(b *testing.B) {
	m := startManager(b, Config{}, func(*Packet) {}, spec(UDP, "127.0.0.1"))
	peer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	defer peer.Close()
	go func() {
		buf := make([]byte, 65536)
		for {
			if _, err := peer.Read(buf); err != nil {
				return
			}
		}
	}()
	dst := Destination{Proto: UDP, Addr: peer.LocalAddr().(*net.UDPAddr).AddrPort()}
	data := []byte(msg("bench"))
	for _, c := range []struct {
		name string
		tap  Tap
	}{{"no tap", nil}, {"tap", func(*Traced) {}}} {
		b.Run(c.name, func(b *testing.B) {
			SetTap(c.tap)
			defer SetTap(nil)
			b.ReportAllocs()
			for b.Loop() {
				if err := m.Send(dst, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
