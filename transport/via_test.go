package transport

import (
	"net/netip"
	"strings"
	"testing"

	"switchboard/sip"
)

func mustIP(s string) netip.Addr { return netip.MustParseAddr(s) }

// topVia parses "Via: " + value in a minimal request.
func topVia(t *testing.T, value string) *sip.Via {
	t.Helper()
	m, err := sip.ParseString("OPTIONS sip:a@b SIP/2.0\r\nVia: " + value + "\r\nContent-Length: 0\r\n\r\n")
	if err != nil {
		t.Fatalf("parse Via %q: %v", value, err)
	}
	v, err := m.Via()
	if err != nil {
		t.Fatalf("Via %q: %v", value, err)
	}
	return v
}

func TestReceivedParams(t *testing.T) {
	tests := []struct {
		name     string
		via      string
		src      string
		received string
		rport    int
	}{
		{"same address", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1", "192.0.2.1:5060", "", 0},
		{"same address other port", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1", "192.0.2.1:6000", "", 0},
		{"other address", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1", "192.0.2.9:5060", "192.0.2.9", 0},
		{"host name", "SIP/2.0/UDP pc.example.com;branch=z9hG4bK1", "192.0.2.1:5060", "192.0.2.1", 0},
		{"empty rport", "SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bK1", "192.0.2.1:6000", "192.0.2.1", 6000},
		{"rport with value is left", "SIP/2.0/UDP 192.0.2.1:5060;rport=7;branch=z9hG4bK1", "192.0.2.1:6000", "", 0},
		{"ipv6 same", "SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bK1", "[2001:db8::9:1]:5060", "", 0},
		{"ipv6 same other form", "SIP/2.0/UDP [2001:db8:0:0:0:0:9:1];branch=z9hG4bK1", "[2001:db8::9:1]:5060", "", 0},
		{"ipv6 other", "SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bK1", "[2001:db8::9:255]:5060", "2001:db8::9:255", 0},
		{"ipv6 empty rport", "SIP/2.0/UDP [2001:db8::9:1];rport;branch=z9hG4bK1", "[2001:db8::9:1]:5070", "2001:db8::9:1", 5070},
		{"mapped source", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1", "[::ffff:192.0.2.1]:5060", "", 0},
		{"mapped sent-by", "SIP/2.0/UDP [::ffff:192.0.2.1];branch=z9hG4bK1", "192.0.2.1:5060", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			received, rport := ReceivedParams(topVia(t, tt.via), netip.MustParseAddrPort(tt.src))
			if received != tt.received || rport != tt.rport {
				t.Errorf("ReceivedParams = %q, %d; want %q, %d", received, rport, tt.received, tt.rport)
			}
		})
	}
}

func TestResponseDestination(t *testing.T) {
	tests := []struct {
		name  string
		via   string
		proto Proto
		want  string // Target.String, or "error: ..." text
	}{
		{"sent-by address", "SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK1", UDP, "udp:192.0.2.1:5070"},
		{"sent-by default port", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1", UDP, "udp:192.0.2.1:5060"},
		{"tls default port", "SIP/2.0/TLS 192.0.2.1;branch=z9hG4bK1", TLS, "tls:192.0.2.1:5061"},
		{"received", "SIP/2.0/UDP pc.example.com:5070;received=192.0.2.9;branch=z9hG4bK1", UDP, "udp:192.0.2.9:5070"},
		{"received and rport", "SIP/2.0/UDP 10.0.0.1:5060;received=192.0.2.9;rport=6000;branch=z9hG4bK1", UDP, "udp:192.0.2.9:6000"},
		{"rport ignored on tcp", "SIP/2.0/TCP 10.0.0.1:5060;received=192.0.2.9;rport=6000;branch=z9hG4bK1", TCP, "tcp:192.0.2.9:5060"},
		{"maddr", "SIP/2.0/UDP 10.0.0.1:5062;maddr=239.255.255.1;received=192.0.2.9;rport=6000;branch=z9hG4bK1", UDP, "udp:239.255.255.1:5062"},
		{"maddr ignored on tcp", "SIP/2.0/TCP 10.0.0.1;maddr=239.255.255.1;branch=z9hG4bK1", TCP, "tcp:10.0.0.1:5060"},
		{"name without port", "SIP/2.0/UDP pc.example.com;branch=z9hG4bK1", UDP, "udp:pc.example.com"},
		{"name with port", "SIP/2.0/UDP pc.example.com:5070;branch=z9hG4bK1", UDP, "udp:pc.example.com:5070"},
		{"maddr name gets default port", "SIP/2.0/UDP 10.0.0.1;maddr=mc.example.com;branch=z9hG4bK1", UDP, "udp:mc.example.com:5060"},
		{"ipv6 sent-by", "SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bK1", UDP, "udp:[2001:db8::9:1]:5070"},
		// RFC 5118 §4.5 and §4.6: received with and without brackets.
		{"ipv6 received bracketed", "SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bK1", UDP, "udp:[2001:db8::9:255]:5060"},
		{"ipv6 received bare", "SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bK1", UDP, "udp:[2001:db8::9:255]:5060"},
		{"mapped received", "SIP/2.0/UDP 10.0.0.1;received=[::ffff:192.0.2.9];branch=z9hG4bK1", UDP, "udp:192.0.2.9:5060"},
		// RFC 4475 §3.3.10 bcast.
		{"broadcast sent-by", "SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23", UDP, "error: broadcast"},
		{"broadcast received", "SIP/2.0/UDP 10.0.0.1;received=255.255.255.255;branch=z9hG4bK1", UDP, "error: broadcast"},
		{"unspecified", "SIP/2.0/UDP 0.0.0.0;branch=z9hG4bK1", UDP, "error: unspecified"},
		{"bad received", "SIP/2.0/UDP 10.0.0.1;received=host.example.com;branch=z9hG4bK1", UDP, "error: not an IP address"},
		{"bad rport", "SIP/2.0/UDP 10.0.0.1;received=192.0.2.9;rport=99999;branch=z9hG4bK1", UDP, "error: not a port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResponseDestination(topVia(t, tt.via), tt.proto)
			if want, isErr := strings.CutPrefix(tt.want, "error: "); isErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("ResponseDestination = %v, %v; want error %q", got, err, want)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Errorf("ResponseDestination = %v, %v; want %s", got, err, tt.want)
			}
		})
	}
}
