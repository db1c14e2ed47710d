package builtin

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseSocketArg: force_send_socket's and send()'s "[proto:]host[:port]"
// never panics, and what parses prints back to a string that parses to
// the same parts; the host is an address or a name fit for a Via.
func FuzzParseSocketArg(f *testing.F) {
	for _, s := range []string{"udp:127.0.0.1:5060", "tcp:[::1]:5061", "127.0.0.1", "::1", "[2001:db8::1]",
		"sip.example.net:5080", "TLS:host", "udp:[::1", "udp:1.2.3.4:99999", "udp:a b", "ws:[fe80::1%eth0]:80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		proto, host, port, err := ParseSocketArg(s)
		if err != nil {
			return
		}
		if port < 0 || port > 65535 {
			t.Fatalf("%q: port %d", s, port)
		}
		if _, ok := advertisedHost(host); !ok {
			t.Fatalf("%q: host %q is not fit for a Via", s, host)
		}
		printed := host
		if strings.Contains(host, ":") {
			printed = "[" + host + "]"
		}
		if port != 0 {
			printed += ":" + strconv.Itoa(port)
		}
		if proto != "" {
			printed = proto + ":" + printed
		}
		p2, h2, port2, err := ParseSocketArg(printed)
		if err != nil || p2 != proto || h2 != host || port2 != port {
			t.Fatalf("%q parsed as (%q, %q, %d), printed %q, parsed back as (%q, %q, %d, %v)",
				s, proto, host, port, printed, p2, h2, port2, err)
		}
		if ip, err := netip.ParseAddr(host); err == nil && ip.Zone() != "" {
			t.Fatalf("%q: zoned address %q accepted", s, host)
		}
	})
}
