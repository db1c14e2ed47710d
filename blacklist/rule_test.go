package blacklist

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParseNet(t *testing.T) {
	cases := []struct {
		name, in, ip, mask, err string
	}{
		{"v4 host", "10.0.0.1", "10.0.0.1", "255.255.255.255", ""},
		{"v4 prefix masks the address", "10.1.2.3/8", "10.0.0.0", "255.0.0.0", ""},
		{"v4 odd prefix", "192.168.7.1/22", "192.168.4.0", "255.255.252.0", ""},
		{"v4 dotted mask", "172.16.5.4/255.255.0.0", "172.16.0.0", "255.255.0.0", ""},
		{"v4 non-contiguous mask", "10.20.30.40/255.0.255.0", "10.0.30.0", "255.0.255.0", ""},
		{"v4 zero prefix", "1.2.3.4/0", "0.0.0.0", "0.0.0.0", ""},
		{"v6 host", "::1", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""},
		{"v6 prefix", "2001:db8:1::5/48", "2001:db8:1::", "ffff:ffff:ffff::", ""},
		{"v6 in brackets", "[fd00::1]/8", "fd00::", "ff00::", ""},
		{"v4-mapped v6 is v4", "::ffff:10.0.0.1", "10.0.0.1", "255.255.255.255", ""},
		{"prefix too long", "10.0.0.1/33", "", "", "bad netmask length"},
		{"v6 prefix too long", "::1/129", "", "", "bad netmask length"},
		{"negative prefix", "10.0.0.1/-1", "", "", "bad netmask length"},
		{"empty mask", "10.0.0.1/", "", "", "empty netmask"},
		{"mask of other family", "10.0.0.1/ffff::", "", "", "family"},
		{"bad mask", "10.0.0.1/255.0.0", "", "", "bad netmask"},
		{"host name", "example.com", "", "", "not an IP"},
		{"zone", "fe80::1%eth0", "", "", "not an IP"},
		{"empty", "", "", "", "not an IP"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ip, mask, err := ParseNet(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("ParseNet(%q) err = %v, want %q", c.in, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseNet(%q): %v", c.in, err)
			}
			if ip.String() != c.ip || mask.String() != c.mask {
				t.Errorf("ParseNet(%q) = %s/%s, want %s/%s", c.in, ip, mask, c.ip, c.mask)
			}
		})
	}
}

func TestParseMIRule(t *testing.T) {
	cases := []struct {
		name, in, want, err string
	}{
		{"ip only", "10.0.0.1", "any,10.0.0.1/255.255.255.255", ""},
		{"net", "10.0.0.0/8", "any,10.0.0.0/255.0.0.0", ""},
		{"proto ip", "udp,10.0.0.1", "udp,10.0.0.1/255.255.255.255", ""},
		{"any proto", "any,10.0.0.1,5060", "any,10.0.0.1/255.255.255.255,5060", ""},
		{"proto ip port", "TCP,10.0.0.1,5060", "tcp,10.0.0.1/255.255.255.255,5060", ""},
		{"ip port", "10.0.0.1,5062", "any,10.0.0.1/255.255.255.255,5062", ""},
		{"pattern with commas", "udp,10.0.0.1,0,*To: a,b*", "udp,10.0.0.1/255.255.255.255,0,*To: a,b*", ""},
		{"negated", "!udp,127.0.0.0/8", "!udp,127.0.0.0/255.0.0.0", ""},
		{"leading blanks", "  !10.0.0.1", "!any,10.0.0.1/255.255.255.255", ""},
		{"v6", "tls,2001:db8::/32,5061", "tls,2001:db8::/ffff:ffff::,5061", ""},
		{"empty pattern", "udp,10.0.0.1,5060,", "udp,10.0.0.1/255.255.255.255,5060", ""},
		{"bad port", "udp,10.0.0.1,x", "", "bad port"},
		{"port too big", "10.0.0.1,70000", "", "bad port"},
		{"proto only", "udp", "", "no address"},
		{"unknown proto", "foo,10.0.0.1", "", "not an IP"},
		{"empty", "", "", "not an IP"},
		{"bang only", "!", "", "not an IP"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := ParseMIRule(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("ParseMIRule(%q) err = %v, want %q", c.in, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMIRule(%q): %v", c.in, err)
			}
			if got := r.String(); got != c.want {
				t.Errorf("ParseMIRule(%q) = %s, want %s", c.in, got, c.want)
			}
			again, err := ParseMIRule(r.String())
			if err != nil || !again.same(r) {
				t.Errorf("round trip of %q: %v, %+v != %+v", r.String(), err, again, r)
			}
		})
	}
}

func TestRuleMatches(t *testing.T) {
	msg := []byte("INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9\r\n\r\n")
	type dst struct {
		ip    string
		proto string
		port  uint16
	}
	cases := []struct {
		name string
		rule string
		dst  dst
		want bool
	}{
		{"v4 host hit", "127.0.0.2", dst{"127.0.0.2", "udp", 5060}, true},
		{"v4 host miss", "127.0.0.2", dst{"127.0.0.3", "udp", 5060}, false},
		{"v4 net hit", "127.0.0.0/24", dst{"127.0.0.200", "tcp", 1}, true},
		{"v4 net miss", "127.0.0.0/24", dst{"127.0.1.1", "tcp", 1}, false},
		{"dotted mask", "10.0.0.0/255.0.255.0", dst{"10.9.0.7", "udp", 5060}, true},
		{"v6 net hit", "fd00::/8", dst{"fd12::1", "udp", 5060}, true},
		{"v6 net miss", "fd00::/8", dst{"fe80::1", "udp", 5060}, false},
		{"family differs", "0.0.0.0/0", dst{"::1", "udp", 5060}, false},
		{"mapped dst", "10.0.0.1", dst{"::ffff:10.0.0.1", "udp", 5060}, true},
		{"port hit", "127.0.0.1,5070", dst{"127.0.0.1", "udp", 5070}, true},
		{"port miss", "127.0.0.1,5070", dst{"127.0.0.1", "udp", 5060}, false},
		{"proto hit", "tcp,127.0.0.1", dst{"127.0.0.1", "tcp", 5060}, true},
		{"proto miss", "tcp,127.0.0.1", dst{"127.0.0.1", "udp", 5060}, false},
		{"pattern hit", "udp,10.0.0.0/8,0,INVITE *", dst{"10.1.1.1", "udp", 5060}, true},
		{"pattern miss", "udp,10.0.0.0/8,0,OPTIONS *", dst{"10.1.1.1", "udp", 5060}, false},
		{"pattern anywhere", "10.0.0.0/8,0,*Via: SIP/2.0/UDP*", dst{"10.1.1.1", "udp", 5060}, true},
		{"negated miss becomes hit", "!127.0.0.0/8", dst{"192.0.2.1", "udp", 5060}, true},
		{"negated hit becomes miss", "!127.0.0.0/8", dst{"127.0.0.5", "udp", 5060}, false},
		{"negated other family hits", "!127.0.0.0/8", dst{"::1", "udp", 5060}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := ParseMIRule(c.rule)
			if err != nil {
				t.Fatal(err)
			}
			got := r.Matches(netip.MustParseAddr(c.dst.ip), c.dst.proto, c.dst.port, msg)
			if got != c.want {
				t.Errorf("rule %s on %+v = %v, want %v", c.rule, c.dst, got, c.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, text string
		want          bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "any/thing\r\nat all", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*INVITE*", "xx INVITE yy", true},
		{"INVITE*", "xx INVITE", false},
		{"[abc]x", "bx", true},
		{"[!abc]x", "bx", false},
		{"[^abc]x", "dx", true},
		{"[a-c]", "b", true},
		{"[a-c]", "d", false},
		{"[]]", "]", true},
		{"[!]]", "a", true},
		{"[a-]", "-", true},
		{"[", "[", true},
		{"[ab", "[ab", true},
		{`\*`, "*", true},
		{`\*`, "a", false},
		{`a\`, `a\`, true},
		{"**a**b**", "xxaxxbxx", true},
		{"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
	}
	for _, c := range cases {
		if got := Match(c.pattern, []byte(c.text)); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.text, got, c.want)
		}
	}
}
