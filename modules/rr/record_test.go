package rr

import (
	"strings"
	"testing"

	"switchboard/core/coretest"
)

// forwarded is msg as the core sends it from a socket whose Via starts
// with via: the first line, the element's Via, then rr (our Record-Route
// values, each written as a header line), then msg's own headers.
func forwarded(t *testing.T, got, msg, via string, rr ...string) string {
	t.Helper()
	first, rest, _ := strings.Cut(msg, "\r\n")
	_, afterFirst, _ := strings.Cut(got, "\r\n")
	ourVia, _, _ := strings.Cut(afterFirst, "\r\n")
	if !strings.HasPrefix(ourVia, via+";branch=z9hG4bK") {
		t.Fatalf("top Via %q, want %s;branch=...", ourVia, via)
	}
	var b strings.Builder
	b.WriteString(first + "\r\n" + ourVia + "\r\n")
	for _, v := range rr {
		b.WriteString("Record-Route: " + v + "\r\n")
	}
	b.WriteString(rest)
	return b.String()
}

const (
	udpVia = "Via: SIP/2.0/UDP 127.0.0.1:5060"
	tcpVia = "Via: SIP/2.0/TCP 127.0.0.1:5061"
)

func TestRecordRoute(t *testing.T) {
	invite := coretest.Invite
	// A request that passed a proxy already: ours goes above its
	// Record-Route (rr docs: "before any other Record-Route").
	proxied := strings.Replace(invite, "Max-Forwards: 70\r\n",
		"Max-Forwards: 70\r\nRecord-Route: <sip:p1.example.com;lr>\r\n", 1)
	tests := []struct {
		name, params, body, msg string
		via                     string
		rr                      []string // what the forwarded copy carries, top first
	}{
		{"RFC 3261 16.6 step 4, rr docs append_fromtag default 1: ;lr;ftag",
			"", `record_route(); fwd();`, invite, udpVia,
			[]string{"<sip:127.0.0.1:5060;lr;ftag=1928301774>"}},
		{"rr docs append_fromtag 0: no ftag",
			`modparam("rr", "append_fromtag", 0)`, `record_route(); fwd();`, invite, udpVia,
			[]string{"<sip:127.0.0.1:5060;lr>"}},
		{"rr docs record_route(string): appended as URI parameters",
			"", `record_route(";nat=yes");  fwd();`, invite, udpVia,
			[]string{"<sip:127.0.0.1:5060;lr;ftag=1928301774;nat=yes>"}},
		{"rr docs add_rr_param: before record_route",
			"", `add_rr_param(";a=1"); record_route(";b=2"); fwd();`, invite, udpVia,
			[]string{"<sip:127.0.0.1:5060;lr;ftag=1928301774;b=2;a=1>"}},
		{"rr docs add_rr_param: after record_route, from a variable, ';' added when missing",
			"", `record_route(); $var(p) = "nat=yes"; add_rr_param($var(p)); add_rr_param(";x"); fwd();`, invite, udpVia,
			[]string{"<sip:127.0.0.1:5060;lr;ftag=1928301774;nat=yes;x>"}},
		{"rr docs add_username: the R-URI user",
			`modparam("rr", "add_username", 1)`, `record_route(); fwd();`, invite, udpVia,
			[]string{"<sip:bob@127.0.0.1:5060;lr;ftag=1928301774>"}},
		{"rr docs record_route: before any other Record-Route",
			"", `record_route(); fwd();`, proxied, udpVia,
			[]string{"<sip:127.0.0.1:5060;lr;ftag=1928301774>"}},
		{"RFC 5658 double Record-Route: out on tcp, in on udp, outbound first, r2=on",
			"", `record_route(); add_rr_param(";nat=yes"); fwd_from("tcp:127.0.0.1:5061");`, invite, tcpVia,
			[]string{"<sip:127.0.0.1:5061;transport=tcp;r2=on;lr;ftag=1928301774;nat=yes>",
				"<sip:127.0.0.1:5060;r2=on;lr;ftag=1928301774;nat=yes>"}},
		{"RFC 5658 double Record-Route: same transport, other port",
			"", `record_route(); fwd_from("udp:127.0.0.1:5062");`, invite, "Via: SIP/2.0/UDP 127.0.0.1:5062",
			[]string{"<sip:127.0.0.1:5062;r2=on;lr;ftag=1928301774>",
				"<sip:127.0.0.1:5060;r2=on;lr;ftag=1928301774>"}},
		{"rr docs enable_double_rr 0: one Record-Route, the outbound socket's",
			`modparam("rr", "enable_double_rr", 0)`, `record_route(); fwd_from("tcp:127.0.0.1:5061");`, invite, tcpVia,
			[]string{"<sip:127.0.0.1:5061;transport=tcp;lr;ftag=1928301774>"}},
		{"rr docs record_route_preset: the given address, ftag before lr",
			"", `record_route_preset("1.2.3.4:5090"); fwd();`, invite, udpVia,
			[]string{"<sip:1.2.3.4:5090;ftag=1928301774;lr>"}},
		{"record_route_preset: a full sip: URI is not prefixed twice; add_rr_param applies",
			"", `add_rr_param(";nat=yes"); record_route_preset("sip:proxy.example.com;transport=tcp"); fwd();`, invite, udpVia,
			[]string{"<sip:proxy.example.com;transport=tcp;ftag=1928301774;lr;nat=yes>"}},
		{"rr docs record_route_preset(string, string2): outbound then inbound, r2=on (RFC 5658)",
			"", `record_route_preset("1.2.3.4:5090", "10.0.0.1"); fwd();`, invite, udpVia,
			[]string{"<sip:1.2.3.4:5090;r2=on;ftag=1928301774;lr>", "<sip:10.0.0.1;r2=on;ftag=1928301774;lr>"}},
		{"a From tag is a token; what a URI parameter may not hold is escaped",
			"", `record_route(); fwd();`, strings.Replace(invite, "tag=1928301774", "tag=19`28", 1), udpVia,
			[]string{"<sip:127.0.0.1:5060;lr;ftag=19%6028>"}},
		{"no record_route: no Record-Route",
			"", `add_rr_param(";nat=yes"); fwd();`, invite, udpVia, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.params, tc.body, tc.msg)
			if len(r.Sent.Forwards) != 1 {
				t.Fatalf("%d forwards, want 1\n%s", len(r.Sent.Forwards), r.Log)
			}
			got := r.Sent.Forwards[0].Data
			if want := forwarded(t, got, tc.msg, tc.via, tc.rr...); got != want {
				t.Errorf("forwarded\n%s\nwant\n%s", got, want)
			}
			mustParse(t, got)
			if out := r.Out(); out != tc.msg {
				t.Errorf("the request itself changed: Record-Route belongs to the forwarded copy\n%s", out)
			}
		})
	}
}

// Each copy that leaves gets the Record-Route of its own socket.
func TestRecordRouteEveryCopy(t *testing.T) {
	r := run(t, "", `record_route(); fwd(); fwd_from("tcp:127.0.0.1:5061");`, coretest.Invite)
	if len(r.Sent.Forwards) != 2 {
		t.Fatalf("%d forwards", len(r.Sent.Forwards))
	}
	if got := strings.Count(r.Sent.Forwards[0].Data, "Record-Route:"); got != 1 {
		t.Errorf("same socket: %d Record-Route, want 1", got)
	}
	if got := strings.Count(r.Sent.Forwards[1].Data, "Record-Route:"); got != 2 {
		t.Errorf("other socket: %d Record-Route, want 2", got)
	}
}

func TestRecordRouteReturnCodes(t *testing.T) {
	tests := []struct {
		name, params, body string
		want               int
	}{
		{"rr docs: record_route returns true", "", `record_route(); $var(rc) = $rc;`, 1},
		{"OpenSIPS: a second record_route is refused", "", `record_route(); record_route(); $var(rc) = $rc;`, -1},
		{"OpenSIPS: record_route after record_route_preset is refused", "",
			`record_route_preset("1.2.3.4"); record_route(); $var(rc) = $rc;`, -1},
		{"OpenSIPS: two preset addresses need enable_double_rr", `modparam("rr", "enable_double_rr", 0)`,
			`record_route_preset("1.2.3.4", "5.6.7.8"); $var(rc) = $rc;`, -1},
		{"parameters that would close the URI are refused", "", `record_route(";a=b>"); $var(rc) = $rc;`, -1},
		{"a variable holding a '>' is refused", "",
			`$var(p) = ";a=b" + $ci; add_rr_param($var(p)); $var(rc) = $rc;`, -1},
		{"a preset that is not a URI is refused", "", `record_route_preset("a b"); $var(rc) = $rc;`, -1},
		{"rr docs add_rr_param returns true", "", `add_rr_param(";nat=yes"); $var(rc) = $rc;`, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := coretest.Invite
			if strings.Contains(tc.body, "$ci") {
				msg = strings.Replace(msg, "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
					"Call-ID: a84b4c76e66710@pc33.atlanta.example.com;>", 1)
			}
			r := run(t, tc.params, tc.body, msg)
			if got := rc(r); got != tc.want {
				t.Errorf("returned %d, want %d\n%s", got, tc.want, r.Log)
			}
		})
	}
}
