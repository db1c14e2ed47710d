package blacklist

import (
	"fmt"
	"net/netip"
	"testing"
)

// BenchmarkCheck is the cost the send path pays per destination: with no
// list in use (every message of a script without use_blacklist), and
// with a list of 16 rules in use, the destination matching none or the
// last one.
func BenchmarkCheck(b *testing.B) {
	set := NewSet(nil)
	var rules []Rule
	for i := range 16 {
		r, err := ParseMIRule(fmt.Sprintf("udp,10.0.%d.0/24,5060", i))
		if err != nil {
			b.Fatal(err)
		}
		rules = append(rules, r)
	}
	l, err := set.Define("bench", Definition{Name: "gw", Flags: ReadOnly, Rules: rules})
	if err != nil {
		b.Fatal(err)
	}
	msg := []byte("INVITE sip:bob@example.com SIP/2.0\r\n\r\n")
	cases := []struct {
		name   string
		toggle uint64
		dst    string
		hit    bool
	}{
		{"no list used", 0, "10.0.15.1", false},
		{"list used, no match", set.Use(0, l, true), "192.0.2.1", false},
		{"list used, last rule matches", set.Use(0, l, true), "10.0.15.1", true},
	}
	for _, c := range cases {
		dst := netip.MustParseAddr(c.dst)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if (set.Check(c.toggle, dst, "udp", 5060, msg) != nil) != c.hit {
					b.Fatal("wrong result")
				}
			}
		})
	}
}
