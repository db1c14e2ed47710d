package transport

import (
	"net/netip"
	"testing"
)

// The address a socket writes into headers: its own "as" first, then the
// message's set_advertised_*, then the global parameters, then the bound
// address (OpenSIPS's order, per field).
func TestAdvertise(t *testing.T) {
	bound := netip.MustParseAddrPort("127.0.0.1:5060")
	cases := []struct {
		name       string
		asHost     string
		asPort     int
		globalHost string
		globalPort int
		msgHost    string
		msgPort    int
		wantHost   string
		wantPort   int
	}{
		{name: "bound", wantHost: "127.0.0.1", wantPort: 5060},
		{name: "as with port", asHost: "203.0.113.1", asPort: 5080, wantHost: "203.0.113.1", wantPort: 5080},
		{name: "as without port keeps the bound port", asHost: "203.0.113.1", wantHost: "203.0.113.1", wantPort: 5060},
		{name: "as wins over the message and the globals", asHost: "203.0.113.1", globalHost: "198.51.100.1", globalPort: 7000,
			msgHost: "192.0.2.99", msgPort: 9000, wantHost: "203.0.113.1", wantPort: 5060},
		{name: "global address", globalHost: "198.51.100.1", wantHost: "198.51.100.1", wantPort: 5060},
		{name: "global port", globalPort: 7000, wantHost: "127.0.0.1", wantPort: 7000},
		{name: "message wins over the globals", globalHost: "198.51.100.1", globalPort: 7000, msgHost: "sip.example.net",
			msgPort: 9000, wantHost: "sip.example.net", wantPort: 9000},
		{name: "message port, global host", globalHost: "198.51.100.1", msgPort: 9000, wantHost: "198.51.100.1", wantPort: 9000},
		{name: "IPv6 bracketed", msgHost: "2001:db8::1", wantHost: "[2001:db8::1]", wantPort: 5060},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &Socket{Spec: SocketSpec{Proto: UDP, Host: "127.0.0.1", Port: 5060, AdvertisedHost: c.asHost, AdvertisedPort: c.asPort},
				Local: bound, globalHost: c.globalHost, globalPort: c.globalPort}
			host, port := s.Advertise(c.msgHost, c.msgPort)
			if host != c.wantHost || port != c.wantPort {
				t.Errorf("Advertise = %s:%d, want %s:%d", host, port, c.wantHost, c.wantPort)
			}
		})
	}
}

// FindSocket matches force_send_socket's [proto:]host[:port] against the
// bound sockets; a socket of the global advertised address is myself.
func TestFindSocket(t *testing.T) {
	m := NewManager(Config{AdvertisedHost: "198.51.100.1"}, func(*Packet) {})
	defer m.Close()
	specs := []SocketSpec{
		{Proto: UDP, Host: "127.0.0.1", Port: 0},
		{Proto: UDP, Host: "127.0.0.1", Port: 0, AdvertisedHost: "203.0.113.5", AdvertisedPort: 5099},
		{Proto: TCP, Host: "127.0.0.1", Port: 0},
	}
	if err := m.Listen(specs); err != nil {
		t.Fatal(err)
	}
	socks := m.Sockets()
	udp1, udp2, tcp := socks[0], socks[1], socks[2]
	cases := []struct {
		name  string
		proto Proto
		host  string
		port  int
		want  *Socket
	}{
		{"udp by address and port", UDP, "127.0.0.1", int(udp2.Local.Port()), udp2},
		{"any proto, any port: the first", ProtoAny, "127.0.0.1", 0, udp1},
		{"tcp", TCP, "127.0.0.1", 0, tcp},
		{"by advertised address", UDP, "203.0.113.5", 5099, udp2},
		{"wrong port", UDP, "127.0.0.1", 1, nil},
		{"wrong address", UDP, "127.0.0.2", 0, nil},
		{"wrong proto", TLS, "127.0.0.1", 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := m.FindSocket(c.proto, c.host, c.port); got != c.want {
				t.Errorf("FindSocket = %v, want %v", got, c.want)
			}
		})
	}
	if h, p := udp1.SentBy(); h != "198.51.100.1" || p != int(udp1.Local.Port()) {
		t.Errorf("global advertised address: SentBy = %s:%d", h, p)
	}
	if !m.IsMyself("198.51.100.1", int(udp1.Local.Port()), UDP) {
		t.Error("the global advertised address is not myself")
	}
}

// SocketSpec.Matches is force_send_socket's check against the socket=
// lines, before anything is bound.
func TestSocketSpecMatches(t *testing.T) {
	spec := SocketSpec{Proto: UDP, Host: "127.0.0.1", Port: 5060, AdvertisedHost: "203.0.113.1", AdvertisedPort: 5080}
	named := SocketSpec{Proto: TCP, Host: "sip.example.net", Port: 5061}
	wild := SocketSpec{Proto: UDP, Host: "*", Port: 5062}
	cases := []struct {
		name  string
		spec  SocketSpec
		proto string
		host  string
		port  int
		want  bool
	}{
		{"exact", spec, "udp", "127.0.0.1", 5060, true},
		{"any proto and port", spec, "", "127.0.0.1", 0, true},
		{"advertised address and port", spec, "udp", "203.0.113.1", 5080, true},
		{"other proto", spec, "tcp", "127.0.0.1", 5060, false},
		{"other port", spec, "udp", "127.0.0.1", 5070, false},
		{"other address", spec, "udp", "127.0.0.2", 5060, false},
		{"mapped IPv4", spec, "udp", "::ffff:127.0.0.1", 5060, true},
		{"name, case aside", named, "TCP", "SIP.example.net", 5061, true},
		{"wildcard", wild, "udp", "192.0.2.1", 5062, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.spec.Matches(c.proto, c.host, c.port); got != c.want {
				t.Errorf("Matches(%q, %q, %d) = %v, want %v", c.proto, c.host, c.port, got, c.want)
			}
		})
	}
}

// AsAddress is the socket's own "as" only: the global parameters do not
// count ($socket_in(advertised_ip) is null without "as", as in OpenSIPS).
func TestAsAddress(t *testing.T) {
	bound := netip.MustParseAddrPort("127.0.0.1:5060")
	cases := []struct {
		name     string
		spec     SocketSpec
		global   string
		wantHost string
		wantPort int
		wantOK   bool
	}{
		{"none", SocketSpec{Proto: UDP}, "", "", 0, false},
		{"the global address is not the socket's", SocketSpec{Proto: UDP}, "198.51.100.1", "", 0, false},
		{"as with port", SocketSpec{Proto: UDP, AdvertisedHost: "203.0.113.1", AdvertisedPort: 5080}, "", "203.0.113.1", 5080, true},
		{"as without port: the bound one", SocketSpec{Proto: UDP, AdvertisedHost: "sip.example.net"}, "", "sip.example.net", 5060, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &Socket{Spec: c.spec, Local: bound, globalHost: c.global}
			host, port, ok := s.AsAddress()
			if host != c.wantHost || port != c.wantPort || ok != c.wantOK {
				t.Errorf("AsAddress = %q, %d, %v; want %q, %d, %v", host, port, ok, c.wantHost, c.wantPort, c.wantOK)
			}
			conn := &Conn{Socket: s}
			if h, p, o := conn.AsAddress(); h != host || p != port || o != ok {
				t.Error("the connection answers differently from its socket")
			}
		})
	}
}
