package transport

import "testing"

func TestIsMyself(t *testing.T) {
	m := startManager(t, Config{}, func(*Packet) {},
		SocketSpec{Proto: UDP, Host: "127.0.0.1", AdvertisedHost: "sip.example.com", AdvertisedPort: 5080},
		SocketSpec{Proto: TCP, Host: "::1", AdvertisedHost: "192.0.2.7"},
		SocketSpec{Proto: UDP, Host: "localhost"})
	m.AddAlias("Alias.Example.net", 0, ProtoAny)
	m.AddAlias("pbx.example.org", 5070, TCP)
	udpPort := int(m.Sockets()[0].Local.Port())
	tcpPort := int(m.Sockets()[1].Local.Port())
	tests := []struct {
		name  string
		host  string
		port  int
		proto Proto
		want  bool
	}{
		{"bound address", "127.0.0.1", udpPort, UDP, true},
		{"bound address any proto", "127.0.0.1", udpPort, ProtoAny, true},
		{"bound address wrong proto", "127.0.0.1", udpPort, TCP, false},
		{"bound address wrong port", "127.0.0.1", udpPort + 1, UDP, false},
		{"no port means 5060", "127.0.0.1", 0, UDP, false},
		{"ipv6 bracketed", "[::1]", tcpPort, TCP, true},
		{"ipv6 bare", "::1", tcpPort, TCP, true},
		{"ipv6 expanded", "[0:0:0:0:0:0:0:1]", tcpPort, TCP, true},
		{"advertised name", "SIP.example.com", 5080, UDP, true},
		{"advertised name bound port", "sip.example.com", udpPort, UDP, false},
		{"advertised address with socket port", "192.0.2.7", tcpPort, TCP, true},
		{"mapped ipv4 advertised", "[::ffff:192.0.2.7]", tcpPort, TCP, true},
		{"socket host name", "localhost", int(m.Sockets()[2].Local.Port()), UDP, true},
		{"alias any port", "alias.example.net", 1234, UDP, true},
		{"alias no port", "alias.example.net", 0, ProtoAny, true},
		{"alias with trailing dot", "alias.example.net.", 0, ProtoAny, true},
		{"alias with port", "pbx.example.org", 5070, TCP, true},
		{"alias with port wrong proto", "pbx.example.org", 5070, UDP, false},
		{"alias with port other port", "pbx.example.org", 5071, TCP, false},
		{"stranger", "192.0.2.8", 5060, UDP, false},
		{"stranger name", "example.com", 5060, UDP, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.IsMyself(tt.host, tt.port, tt.proto); got != tt.want {
				t.Errorf("IsMyself(%q, %d, %v) = %v, want %v", tt.host, tt.port, tt.proto, got, tt.want)
			}
		})
	}
}

func TestIsMyselfDefaultPort(t *testing.T) {
	m := NewManager(Config{}, func(*Packet) {})
	defer m.Close()
	// Entered as a bound socket would be, without binding port 5060.
	m.myself.add(selfEntry{ip: mustIP("127.0.0.1"), port: 5060, proto: UDP})
	m.myself.add(selfEntry{ip: mustIP("127.0.0.1"), port: 5061, proto: TLS})
	tests := []struct {
		name  string
		port  int
		proto Proto
		want  bool
	}{
		{"udp without port", 0, UDP, true},
		{"any proto without port", 0, ProtoAny, true},
		{"tls without port is 5061", 0, TLS, true},
		{"tcp without port", 0, TCP, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.IsMyself("127.0.0.1", tt.port, tt.proto); got != tt.want {
				t.Errorf("IsMyself(127.0.0.1, %d, %v) = %v, want %v", tt.port, tt.proto, got, tt.want)
			}
		})
	}
}
