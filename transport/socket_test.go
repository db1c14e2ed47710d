package transport

import (
	"strings"
	"testing"
)

func TestParseSocket(t *testing.T) {
	tests := []struct {
		name  string
		words []string
		want  SocketSpec
	}{
		{"udp with port", []string{"udp:127.0.0.1:5060"}, SocketSpec{Proto: UDP, Host: "127.0.0.1", Port: 5060}},
		{"default port", []string{"tcp:127.0.0.1"}, SocketSpec{Proto: TCP, Host: "127.0.0.1", Port: 5060}},
		{"tls default port", []string{"tls:127.0.0.1"}, SocketSpec{Proto: TLS, Host: "127.0.0.1", Port: 5061}},
		{"ws default port", []string{"ws:127.0.0.1"}, SocketSpec{Proto: WS, Host: "127.0.0.1", Port: 80}},
		{"star port is default", []string{"udp:127.0.0.1:*"}, SocketSpec{Proto: UDP, Host: "127.0.0.1", Port: 5060}},
		{"no proto is udp", []string{"127.0.0.1"}, SocketSpec{Proto: UDP, Host: "127.0.0.1", Port: 5060}},
		{"upper-case proto", []string{"TCP:127.0.0.1:5070"}, SocketSpec{Proto: TCP, Host: "127.0.0.1", Port: 5070}},
		{"ipv6 reference", []string{"udp:[::1]:5062"}, SocketSpec{Proto: UDP, Host: "::1", Port: 5062}},
		{"ipv6 reference no port", []string{"udp:[::1]"}, SocketSpec{Proto: UDP, Host: "::1", Port: 5060}},
		{"bare ipv6", []string{"udp:2001:db8::1"}, SocketSpec{Proto: UDP, Host: "2001:db8::1", Port: 5060}},
		{"host name", []string{"sctp:sip.example.com:5060"}, SocketSpec{Proto: SCTP, Host: "sip.example.com", Port: 5060}},
		{"wildcard", []string{"tcp:*:5080"}, SocketSpec{Proto: TCP, Host: "*", Port: 5080}},
		{"advertised", []string{"udp:127.0.0.1:5060", "as", "1.2.3.4:5080"},
			SocketSpec{Proto: UDP, Host: "127.0.0.1", Port: 5060, AdvertisedHost: "1.2.3.4", AdvertisedPort: 5080}},
		{"advertised name without port", []string{"udp:127.0.0.1:5060", "as", "sip.example.com"},
			SocketSpec{Proto: UDP, Host: "127.0.0.1", Port: 5060, AdvertisedHost: "sip.example.com"}},
		{"all supported options", []string{"udp:127.0.0.1:5060", "as", "[2001:db8::2]:5060", "use_workers", "4", "reuse_port", "tag", "ext"},
			SocketSpec{Proto: UDP, Host: "127.0.0.1", Port: 5060, AdvertisedHost: "2001:db8::2", AdvertisedPort: 5060, Workers: 4, ReusePort: true, Tag: "ext"}},
		{"one quoted word", []string{"udp:127.0.0.1:5060 use_workers 2"}, SocketSpec{Proto: UDP, Host: "127.0.0.1", Port: 5060, Workers: 2}},
		{"keywords without case", []string{"udp:127.0.0.1", "USE_WORKERS", "3", "AS", "1.2.3.4"},
			SocketSpec{Proto: UDP, Host: "127.0.0.1", Port: 5060, Workers: 3, AdvertisedHost: "1.2.3.4"}},
	}
	for _, opt := range [][]string{{"anycast"}, {"frag"}, {"tos", "16"}, {"use_auto_scaling_profile", "p1"}} {
		_, err := ParseSocket(append([]string{"udp:127.0.0.1:5060"}, opt...))
		if err == nil || err.Error() != "not supported: socket option "+opt[0] {
			t.Errorf("option %s: %v, want not supported", opt[0], err)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSocket(tt.words)
			if err != nil {
				t.Fatalf("ParseSocket(%q): %v", tt.words, err)
			}
			if got != tt.want {
				t.Errorf("ParseSocket(%q)\n got %+v\nwant %+v", tt.words, got, tt.want)
			}
		})
	}
}

func TestParseSocketErrors(t *testing.T) {
	tests := []struct {
		name  string
		words []string
		want  string
	}{
		{"empty", nil, "empty socket definition"},
		{"bad port", []string{"udp:127.0.0.1:70000"}, "invalid port"},
		{"port not a number", []string{"udp:127.0.0.1:sip"}, "invalid port"},
		{"missing port", []string{"udp:127.0.0.1:"}, "port number expected"},
		{"unclosed ipv6", []string{"udp:[::1:5060"}, "without closing"},
		{"bad ipv6", []string{"udp:[::zz]:5060"}, "invalid IPv6"},
		{"bad ipv4", []string{"udp:300.1.1.1"}, "invalid IPv4"},
		{"bad host", []string{"udp:a/b:5060"}, "invalid host"},
		{"missing host", []string{"udp::5060"}, "missing host"},
		{"unknown option", []string{"udp:127.0.0.1", "fast"}, `unknown socket option "fast"`},
		{"as without value", []string{"udp:127.0.0.1", "as"}, `"as" needs a value`},
		{"workers not a number", []string{"udp:127.0.0.1", "use_workers", "many"}, "wants a number"},
		{"advertised star", []string{"udp:127.0.0.1", "as", "*"}, "cannot be *"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSocket(tt.words)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseSocket(%q) error = %v, want it to contain %q", tt.words, err, tt.want)
			}
		})
	}
}

func TestSocketSpecString(t *testing.T) {
	words := []string{"udp:[::1]:5060", "as", "1.2.3.4:5080", "use_workers", "4", "reuse_port", "tag", "x"}
	s, err := ParseSocket(words)
	if err != nil {
		t.Fatal(err)
	}
	want := "udp:[::1]:5060 as 1.2.3.4:5080 use_workers 4 reuse_port tag x"
	if got := s.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	again, err := ParseSocket([]string{s.String()})
	if err != nil || again != s {
		t.Errorf("String does not parse back: %+v, %v", again, err)
	}
}

func TestParseProto(t *testing.T) {
	for _, name := range []string{"udp", "TCP", "Tls", "ws", "WSS", "sctp"} {
		p, err := ParseProto(name)
		if err != nil || !strings.EqualFold(p.String(), name) {
			t.Errorf("ParseProto(%q) = %v, %v", name, p, err)
		}
	}
	if _, err := ParseProto("quic"); err == nil {
		t.Error("ParseProto(quic) succeeded")
	}
}
