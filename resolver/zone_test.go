package resolver

import (
	"context"
	"testing"
	"time"

	"switchboard/sip"
)

// testZone covers every RFC 3263 path. TTLs are 300 s unless written.
const testZone = `
; §4.1 NAPTR: an unknown service and an ENUM record are skipped; order,
; then preference: tls (10), udp (20/5), tcp (20/10).
naptr.test.            300 IN NAPTR 10 10 "s" "SIPS+D2T" "" _sips._tcp.naptr.test.
naptr.test.            300 IN NAPTR 20 10 "s" "SIP+D2T" "" _sip._tcp.naptr.test.
naptr.test.            300 IN NAPTR 20 5 "s" "SIP+D2U" "" _sip._udp.naptr.test.
naptr.test.            300 IN NAPTR 5 10 "s" "SIP+D2X" "" _sip._x.naptr.test.
naptr.test.            300 IN NAPTR 6 10 "u" "E2U+sip" "!^.*$!sip:x@y!" .
_sips._tcp.naptr.test. 300 IN SRV 10 0 5061 tls1.naptr.test.
_sip._tcp.naptr.test.  300 IN SRV 10 0 5060 tcp1.naptr.test.
_sip._udp.naptr.test.  300 IN SRV 10 0 5060 udp1.naptr.test.
tls1.naptr.test.       300 IN A 192.0.2.1
tcp1.naptr.test.       300 IN A 192.0.2.2
udp1.naptr.test.       300 IN A 192.0.2.3

; NAPTR whose only service we do not speak (sctp): on to SRV.
nosup.test.            300 IN NAPTR 10 10 "s" "SIP+D2S" "" _sip._sctp.nosup.test.
_sip._udp.nosup.test.  300 IN SRV 10 0 5062 udp1.naptr.test.

; NAPTR whose SRV name does not exist: on to the domain's SRV and A.
deadnaptr.test.        300 IN NAPTR 10 10 "s" "SIP+D2U" "" _sip._udp.gone.test.
deadnaptr.test.        300 IN A 192.0.2.77

; §4.1 no NAPTR: SRV per transport, priorities 10 then 20, an SRV target
; that is a CNAME, no _sips._tcp.
srv.test.              300 IN A 192.0.2.99
_sip._udp.srv.test.    300 IN SRV 10 0 5070 a.srv.test.
_sip._udp.srv.test.    300 IN SRV 20 0 5071 b.srv.test.
_sip._tcp.srv.test.    300 IN SRV 10 0 5072 c.srv.test.
a.srv.test.            300 IN A 192.0.2.11
b.srv.test.            300 IN A 192.0.2.12
b.srv.test.            300 IN AAAA 2001:db8::12
c.srv.test.            300 IN CNAME plain.test.

; RFC 2782: "." means the service is decidedly not there.
dot.test.              300 IN A 192.0.2.98
_sip._udp.dot.test.    300 IN SRV 0 0 0 .

; §4.2 nothing but addresses.
plain.test.            300 IN A 192.0.2.10
plain.test.            300 IN AAAA 2001:db8::10
alias.test.            300 IN CNAME plain.test.
dangling.test.         300 IN CNAME plain.test.
short.test.            1   IN A 192.0.2.30
tc.test.               300 IN A 192.0.2.20
servfail.test.         300 IN A 192.0.2.40
slow.test.             300 IN A 192.0.2.50
v6only.test.           300 IN AAAA 2001:db8::60

; SRV weights 60/30/10 at one priority, and a lower-priority backup.
_sip._udp.weights.test. 300 IN SRV 10 60 5060 w60.test.
_sip._udp.weights.test. 300 IN SRV 10 30 5060 w30.test.
_sip._udp.weights.test. 300 IN SRV 10 10 5060 w10.test.
_sip._udp.weights.test. 300 IN SRV 20 0 5060 backup.test.
w60.test.              300 IN A 192.0.2.60
w30.test.              300 IN A 192.0.2.30
w10.test.              300 IN A 192.0.2.10
backup.test.           300 IN A 192.0.2.200

; ENUM for +44 1234 and +44 1999 (a record we cannot use, then one we can).
4.3.2.1.4.4.e164.arpa. 300 IN NAPTR 100 10 "u" "E2U+sip" "!^\\+441(.*)$!sip:\\1@example.test!" .
9.9.9.1.4.4.e164.arpa. 300 IN NAPTR 10 10 "u" "E2U+sip" "!(unclosed!x!" .
9.9.9.1.4.4.e164.arpa. 300 IN NAPTR 20 10 "u" "E2U+mailto" "!^.*$!mailto:a@b!" .
9.9.9.1.4.4.e164.arpa. 300 IN NAPTR 30 10 "u" "E2U+sip" "/^\\+(.*)$/sip:\\1@alt.test;user=phone/i" .
4.3.2.1.my.enum.       300 IN NAPTR 10 10 "u" "sip+E2U" "!^.*$!sip:old@style.test!" .
`

// newTestResolver starts the zone server and a Resolver pointed at it.
func newTestResolver(t *testing.T, c Config) (*Resolver, *testServer, *fakeClock) {
	t.Helper()
	s := startServer(t, testZone)
	s.configure(func(s *testServer) {
		s.servfail["servfail.test."] = true
		s.delay["slow.test."] = 2 * time.Second
		s.truncate["tc.test."] = true
		s.noChase["dangling.test."] = true
	})
	clock := newClock()
	c.Servers = []string{s.addr}
	if c.Timeout == 0 {
		c.Timeout = 500 * time.Millisecond
	}
	c.Now = clock.Now
	r, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return r, s, clock
}

func mustURI(t testing.TB, s string) *sip.URI {
	t.Helper()
	u, err := sip.ParseURI(s)
	if err != nil {
		t.Fatalf("ParseURI(%q): %v", s, err)
	}
	return &u
}

func targetStrings(ts []Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return out
}

// A cache hit is the steady state of a proxy: this is its cost.
func BenchmarkResolveCached(b *testing.B) {
	s := startServer(b, testZone)
	r, err := New(Config{Servers: []string{s.addr}, TryNAPTR: true})
	if err != nil {
		b.Fatal(err)
	}
	u := mustURI(b, "sip:naptr.test")
	ctx := context.Background()
	if _, err := r.Resolve(ctx, u); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Resolve(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
}
