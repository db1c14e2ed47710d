package core

import (
	"log/slog"
	"net"
	"net/netip"
	"testing"

	"switchboard/engine"
	"switchboard/transport"
)

// sendSocket: the forced socket, by name or by its advertised address
// (rr's double routing names it so), one of the right protocol on the
// same address when the forced one has another, else the default.
func TestSendSocket(t *testing.T) {
	m := transport.NewManager(transport.Config{}, func(*transport.Packet) {})
	defer m.Close()
	port := freeUDPPort(t)
	specs := []transport.SocketSpec{
		{Proto: transport.UDP, Host: "127.0.0.1", Port: port},
		{Proto: transport.UDP, Host: "127.0.0.1", AdvertisedHost: "198.51.100.1", AdvertisedPort: 5080},
		{Proto: transport.TCP, Host: "127.0.0.1"}, // the default TCP socket
		{Proto: transport.TCP, Host: "127.0.0.1", Port: port},
	}
	if err := m.Listen(specs); err != nil {
		t.Fatal(err)
	}
	socks := m.Sockets()
	udp1, udp2, tcp, tcpSame := socks[0], socks[1], socks[2], socks[3]
	s := &Server{transport: m, log: &Loggers{Core: slog.New(slog.DiscardHandler)}}
	dst := netip.MustParseAddr("127.0.0.2")
	cases := []struct {
		name   string
		forced string
		proto  transport.Proto
		want   *transport.Socket
	}{
		{"none: the first of the protocol", "", transport.UDP, udp1},
		{"by name", udp2.String(), transport.UDP, udp2},
		{"by advertised address", "udp:198.51.100.1:5080", transport.UDP, udp2},
		{"another protocol: the same address's", udp1.String(), transport.TCP, tcpSame},
		{"unknown: the default", "udp:127.0.0.9:5", transport.UDP, udp1},
		{"garbage: the default", "not a socket", transport.TCP, tcp},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := &engine.Context{Socket: c.forced}
			if got := s.sendSocket(ctx, c.proto, dst); got != c.want {
				t.Errorf("sendSocket = %v, want %v", got, c.want)
			}
		})
	}
}

// freeUDPPort returns a port free on 127.0.0.1 for UDP (and, by luck, TCP).
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}
