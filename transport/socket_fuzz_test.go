package transport

import (
	"strings"
	"testing"
)

// FuzzParseSocket: socket= values from the script never panic, and what
// parses prints back to a definition that parses to the same spec.
func FuzzParseSocket(f *testing.F) {
	for _, s := range []string{"udp:127.0.0.1:5060", "tcp:[::1]:5061 as 192.0.2.1:5060 use_workers 4",
		"udp:*:5060 reuse_port tag ext", "127.0.0.1", "tls:host.example.com", "udp:127.0.0.1:5060 as", "sctp:[::1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParseSocket(strings.Fields(s))
		if err != nil {
			return
		}
		again, err := ParseSocket(strings.Fields(spec.String()))
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, spec.String(), err)
		}
		if again != spec {
			t.Fatalf("%q: %+v printed and parsed back as %+v", s, spec, again)
		}
	})
}
