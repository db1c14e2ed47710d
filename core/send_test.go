package core

import (
	"log/slog"
	"net"
	"net/netip"
	"testing"

	"switchboard/engine"
	"switchboard/sip"
	"switchboard/transport"
)

// sendSocket: the forced socket, by name or by its advertised address
// (rr's double routing names it so), one of the right protocol on the
// same address when the forced one has another, else the default.
func TestSendSocket(t *testing.T) {
	m := transport.NewManager(transport.Config{}, func(*transport.Packet) {})
	defer m.Close()
	port := freePort(t, "both")
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

// freePort returns a port of 127.0.0.1 free right now for proto: "udp",
// "tcp", or "both" for a test that binds UDP and TCP on one port.
func freePort(t testing.TB, proto string) int {
	t.Helper()
	for range 20 {
		var port int
		var err error
		switch proto {
		case "udp":
			var c net.PacketConn
			if c, err = net.ListenPacket("udp", "127.0.0.1:0"); err == nil {
				port = c.LocalAddr().(*net.UDPAddr).Port
				c.Close()
			}
		default:
			var l net.Listener
			if l, err = net.Listen("tcp", "127.0.0.1:0"); err == nil {
				port = l.Addr().(*net.TCPAddr).Port
				if proto == "both" {
					var c net.PacketConn
					if c, err = net.ListenPacket("udp", l.Addr().String()); err == nil {
						c.Close()
					}
				}
				l.Close()
			}
		}
		if err == nil {
			return port
		}
	}
	t.Fatalf("no port free for %s", proto)
	return 0
}

// ReplyDestination: where SendReply would send, fixed only when it needs
// no name lookup and no connection.
func TestReplyDestination(t *testing.T) {
	s := &Server{log: &Loggers{Core: slog.New(slog.DiscardHandler)}}
	src := netip.MustParseAddrPort("127.0.0.1:40000")
	sock := &transport.Socket{Spec: transport.SocketSpec{Proto: transport.UDP, Host: "127.0.0.1", Port: 5060}}
	for _, tc := range []struct {
		name   string
		via    string
		handle any
		want   string // "" for none
	}{
		{"sent-by address, port", "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1", sock, "127.0.0.1:5062"},
		{"rport answers the source port", "SIP/2.0/UDP 127.0.0.1:5062;rport;branch=z9hG4bK1", sock, "127.0.0.1:40000"},
		{"another address: received", "SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK1", sock, "127.0.0.1:5062"},
		{"a host name and received: the source address", "SIP/2.0/UDP pc.example.com;branch=z9hG4bK1", sock, "127.0.0.1:5060"},
		{"a connection: none", "SIP/2.0/TCP 127.0.0.1:5062;branch=z9hG4bK1", &transport.Conn{}, ""},
		{"no Via: none", "", sock, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n"
			if tc.via != "" {
				raw += "Via: " + tc.via + "\r\n"
			}
			raw += "From: <sip:b@127.0.0.1>;tag=1\r\nTo: <sip:a@127.0.0.1>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
			m, err := sip.ParseString(raw)
			if err != nil {
				t.Fatal(err)
			}
			ctx := &engine.Context{Msg: m, Received: engine.Received{Proto: "udp", Src: src, Handle: tc.handle}}
			got, ok := s.ReplyDestination(ctx)
			switch {
			case tc.want == "" && ok:
				t.Errorf("destination %v, want none", got.Dst)
			case tc.want != "" && !ok:
				t.Errorf("no destination, want %s", tc.want)
			case ok && got.Dst.String() != tc.want:
				t.Errorf("destination %v, want %s", got.Dst, tc.want)
			case ok:
				if d, isDst := got.Handle.(transport.Destination); !isDst || d.Socket != sock {
					t.Errorf("handle %#v: want a transport.Destination from the request's socket", got.Handle)
				}
			}
		})
	}
}
