package sip

import (
	"strings"
	"testing"
)

// msg builds a message from readable lines: "\n" becomes CRLF.
func msg(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

const basicRequest = `OPTIONS sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport
From: <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>
Call-ID: c1@example.com
CSeq: 1 OPTIONS
Max-Forwards: 70
Content-Length: 0

`

func mustParse(t *testing.T, s string) *Msg {
	t.Helper()
	m, err := ParseString(s)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if err := m.Check(); err != nil {
		t.Fatalf("check: %v", err)
	}
	return m
}

func TestParseFirstLine(t *testing.T) {
	tests := []struct {
		name, line string
		errText    string
	}{
		{"request", "INVITE sip:a@b SIP/2.0", ""},
		{"lower-case version", "INVITE sip:a@b sip/2.0", ""},
		{"extension method", "FOO sip:a@b SIP/2.0", ""},
		{"response", "SIP/2.0 486 Busy Here", ""},
		{"response without reason", "SIP/2.0 180", ""},
		{"status too small", "SIP/2.0 099 Odd", "status code"},
		{"status too large", "SIP/2.0 700 Odd", "above 699"},
		{"status with four digits", "SIP/2.0 2000 OK", "status code"},
		{"control character in reason", "SIP/2.0 200 O\x01K", "control character"},
		{"no version", "INVITE sip:a@b", "no SIP-Version"},
		{"garbage version", "INVITE sip:a@b HTTP/1.1", "invalid SIP-Version"},
		{"version without minor", "INVITE sip:a@b SIP/2", "invalid SIP-Version"},
		{"method not a token", "INV\"ITE sip:a@b SIP/2.0", "not a token"},
		{"leading space", " INVITE sip:a@b SIP/2.0", "request line"},
		{"tab in URI", "INVITE sip:a@b\tx SIP/2.0", "white space in Request-URI"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseString(tc.line + "\r\n\r\n")
			if tc.errText == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			errContains(t, err, tc.errText)
		})
	}
}

func TestParseHeaderIndex(t *testing.T) {
	m := mustParse(t, msg(`INVITE sip:bob@example.com SIP/2.0
v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1
VIA: SIP/2.0/TCP 192.0.2.2;branch=z9hG4bK2, SIP/2.0/UDP 192.0.2.3;branch=z9hG4bK3
f: <sip:alice@example.com>;tag=a
t: sip:bob@example.com
i: c@h
CSeq: 2 INVITE
route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>
Route: <sip:p3.example.com;lr>
X-Custom: some
  folded value
k: timer, 100rel
Supported:
l: 0

`))
	equal(t, "header count", len(m.Headers()), 12)
	vias, err := m.Vias()
	equal(t, "Vias error", err, nil)
	equal(t, "Via count", len(vias), 3)
	equal(t, "third branch", vias[2].Branch, "z9hG4bK3")
	routes, err := m.Routes()
	equal(t, "Routes error", err, nil)
	equal(t, "route count", len(routes), 3)
	equal(t, "route 2 host", routes[2].URI.Host, "p3.example.com")
	h, ok := m.HeaderNamed("x-custom")
	equal(t, "custom found", ok, true)
	equal(t, "custom value", h.Value, "some\r\n  folded value")
	equal(t, "custom type", h.Type, HdrOther)
	tags, err := m.Tokens(HdrSupported)
	equal(t, "Supported error", err, nil)
	equal(t, "Supported", strings.Join(tags, ","), "timer,100rel")
	cid, _ := m.CallID()
	equal(t, "Call-ID", cid, "c@h")
	_, ok = m.HeaderNamed("Call-ID")
	equal(t, "Call-ID by full name", ok, true)
	_, ok = m.HeaderNamed("i")
	equal(t, "Call-ID by compact name", ok, true)
}

func TestLookupHeader(t *testing.T) {
	tests := []struct {
		name string
		want HeaderType
	}{
		{"Via", HdrVia}, {"v", HdrVia}, {"V", HdrVia}, {"vIa", HdrVia},
		{"m", HdrContact}, {"CONTACT", HdrContact}, {"l", HdrContentLength},
		{"c", HdrContentType}, {"e", HdrContentEncoding}, {"f", HdrFrom}, {"t", HdrTo},
		{"i", HdrCallID}, {"k", HdrSupported}, {"s", HdrSubject}, {"o", HdrEvent},
		{"r", HdrReferTo}, {"b", HdrReferredBy}, {"u", HdrAllowEvents}, {"x", HdrSessionExpires},
		{"y", HdrIdentity}, {"a", HdrAcceptContact},
		{"P-Asserted-Identity", HdrPAssertedIdentity}, {"www-authenticate", HdrWWWAuthenticate},
		{"q", HdrOther}, {"X-Foo", HdrOther}, {"C%6Fntact", HdrOther},
		{"An-Extremely-Long-Header-Name-Beyond-Any-Known", HdrOther},
	}
	for _, tc := range tests {
		equal(t, tc.name, LookupHeader(tc.name), tc.want)
	}
	for ht := HdrOther + 1; ht < numHeaderTypes; ht++ {
		equal(t, "round trip "+ht.String(), LookupHeader(ht.String()), ht)
	}
}

func TestParseLineEnds(t *testing.T) {
	lf := strings.ReplaceAll(msg(basicRequest), "\r\n", "\n")
	m := mustParse(t, "\r\n\r\n"+lf)
	equal(t, "method", m.Method(), MethodOptions)
	equal(t, "body", m.Body(), "")
	equal(t, "leading CRLFs dropped", strings.HasPrefix(m.Raw(), "OPTIONS"), true)
}

func TestParseMessageErrors(t *testing.T) {
	tests := []struct {
		name, msg, errText string
	}{
		{"empty", "", "empty message"},
		{"only CRLF", "\r\n\r\n", "empty message"},
		{"no line end", "OPTIONS sip:a@b SIP/2.0", "no end of first line"},
		{"header without colon", "OPTIONS sip:a@b SIP/2.0\r\nVia SIP/2.0/UDP h\r\n\r\n", "no colon"},
		{"continuation first", "OPTIONS sip:a@b SIP/2.0\r\n folded\r\n\r\n", "continuation line"},
		{"bad header name", "OPTIONS sip:a@b SIP/2.0\r\nVi(a: x\r\n\r\n", "no colon"},
		{"unterminated header", "OPTIONS sip:a@b SIP/2.0\r\nVia: x", "does not end"},
		{"body shorter than length", "OPTIONS sip:a@b SIP/2.0\r\nl: 10\r\n\r\nabc", "larger than"},
		{"length not a number", "OPTIONS sip:a@b SIP/2.0\r\nl: 1x\r\n\r\n", "non-negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseString(tc.msg)
			errContains(t, err, tc.errText)
		})
	}
}

// TestParseKeepsMessageOnError: a request whose headers fail after the
// first line still comes back, so the element can answer 400.
func TestParseKeepsMessageOnError(t *testing.T) {
	m, err := ParseString(msg("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nl: 1\nl: 2\n\n"))
	errContains(t, err, "disagree")
	if m == nil {
		t.Fatal("message dropped")
	}
	v, verr := m.Via()
	equal(t, "Via error", verr, nil)
	equal(t, "branch", v.Branch, "z9hG4bK1")
	equal(t, "status", StatusFor(err), 400)
}

func TestParseTooManyHeaders(t *testing.T) {
	var b strings.Builder
	b.WriteString("OPTIONS sip:a@b SIP/2.0\r\n")
	for i := 0; i <= MaxHeaders; i++ {
		b.WriteString("X: y\r\n")
	}
	b.WriteString("\r\n")
	_, err := ParseString(b.String())
	errContains(t, err, "too many headers")
}

func TestParseIntoReuse(t *testing.T) {
	var m Msg
	if err := ParseInto(&m, msg(basicRequest)); err != nil {
		t.Fatal(err)
	}
	v1, _ := m.Via()
	equal(t, "first branch", v1.Branch, "z9hG4bK1")
	m.AddHeader("X", "1")
	second := strings.Replace(msg(basicRequest), "z9hG4bK1", "z9hG4bK2", 1)
	if err := ParseInto(&m, second); err != nil {
		t.Fatal(err)
	}
	v2, _ := m.Via()
	equal(t, "cache reset", v2.Branch, "z9hG4bK2")
	equal(t, "edits reset", m.Lumps.Len(), 0)
	equal(t, "output", string(m.Bytes()), second)
}

func TestClone(t *testing.T) {
	many := strings.Replace(msg(basicRequest), "Call-ID:", strings.Repeat("X-Pad: 1\r\n", 30)+"Call-ID:", 1)
	tests := []struct {
		name string
		text string
		edit func(m *Msg) // made on the original before cloning
	}{
		{"plain", msg(basicRequest), func(*Msg) {}},
		{"with edits", msg(basicRequest), func(m *Msg) {
			m.AddHeader("X-Before", "1")
			m.SetRequestURI("sip:carol@example.net")
		}},
		{"index beyond the inline array", many, func(m *Msg) { m.AddHeader("X-Before", "1") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Msg
			if err := ParseInto(&m, tc.text); err != nil {
				t.Fatal(err)
			}
			tc.edit(&m)
			m.Via() // fill a cache the clone must not share
			before := string(m.Bytes())
			c := m.Clone()
			equal(t, "clone output", string(c.Bytes()), before)
			c.AddHeader("X-Clone", "1")
			c.SetRequestURI("sip:dave@example.org")
			equal(t, "original after editing the clone", string(m.Bytes()), before)
			// The original reused for another message: the clone keeps
			// its own index and values.
			if err := ParseInto(&m, strings.Replace(msg(basicRequest), "z9hG4bK1", "z9hG4bK9", 1)); err != nil {
				t.Fatal(err)
			}
			v, err := c.Via()
			if err != nil {
				t.Fatal(err)
			}
			equal(t, "clone's Via after reuse of the original", v.Branch, "z9hG4bK1")
			equal(t, "clone's headers", len(c.Headers()) > 0, true)
			cid, _ := c.CallID()
			equal(t, "clone's Call-ID", cid, "c1@example.com")
		})
	}
}

func TestParseDoesNotAliasInput(t *testing.T) {
	data := []byte(msg(basicRequest))
	m, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 'x'
	}
	cid, _ := m.CallID()
	equal(t, "Call-ID after buffer reuse", cid, "c1@example.com")
}

func TestResponseMethod(t *testing.T) {
	m := mustParse(t, msg("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@b>;tag=1\nTo: <sip:c@d>;tag=2\nCall-ID: x\nCSeq: 7 REGISTER\nl: 0\n\n"))
	equal(t, "is request", m.IsRequest(), false)
	equal(t, "method", m.Method(), MethodRegister)
	equal(t, "method name", m.MethodName(), "REGISTER")
	_, err := m.RequestURI()
	errContains(t, err, "no Request-URI")
}

func TestCheck(t *testing.T) {
	base := msg(basicRequest)
	tests := []struct {
		name, from, to, errText string
	}{
		{"ok", "", "", ""},
		{"no Via", "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport\r\n", "", "missing Via"},
		{"no To", "To: <sip:bob@example.com>\r\n", "", "missing To"},
		{"bad Call-ID", "Call-ID: c1@example.com", "Call-ID: a b", "invalid character"},
		{"double at Call-ID", "Call-ID: c1@example.com", "Call-ID: a@b@c", "invalid character"},
		{"two Call-IDs", "Call-ID: c1@example.com", "Call-ID: a\r\ni: b", "only once"},
		{"CSeq without method", "CSeq: 1 OPTIONS", "CSeq: 1", "no white space"},
		{"CSeq garbage", "CSeq: 1 OPTIONS", "CSeq: 1 OPTIONS x", "not a token"},
		{"Max-Forwards text", "Max-Forwards: 70", "Max-Forwards: many", "Max-Forwards"},
		{"From list", "From: <sip:alice@example.com>;tag=a1", "From: <sip:a@b>;tag=1, <sip:c@d>", "more than one value"},
		{"bad Via", "SIP/2.0/UDP 192.0.2.1:5060", "SIP/2.0 192.0.2.1:5060", "expected '/'"},
		{"Via port", "192.0.2.1:5060", "192.0.2.1:99999", "port"},
		{"Via empty value", "rport\r\n", "rport,\r\n", "empty value"},
		{"bad scheme in R-URI", "OPTIONS sip:bob@example.com", "OPTIONS 1sip:bob", "scheme"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseString(strings.Replace(base, tc.from, tc.to, 1))
			if err != nil {
				t.Fatal(err)
			}
			err = m.Check()
			if tc.errText == "" {
				equal(t, "Check", err, nil)
				return
			}
			errContains(t, err, tc.errText)
		})
	}
}

func TestVia(t *testing.T) {
	tests := []struct {
		name, value string
		want        Via
		errText     string
	}{
		{name: "plain", value: "SIP/2.0/UDP 192.0.2.1", want: Via{Protocol: "SIP", Version: "2.0", Transport: "UDP", Host: "192.0.2.1"}},
		{name: "params", value: "SIP/2.0/TCP h.example.com:5070;branch=z9hG4bKx;received=192.0.2.9;rport=5071;maddr=224.0.0.1;ttl=1",
			want: Via{Protocol: "SIP", Version: "2.0", Transport: "TCP", Host: "h.example.com", Port: 5070,
				Params: ";branch=z9hG4bKx;received=192.0.2.9;rport=5071;maddr=224.0.0.1;ttl=1",
				Branch: "z9hG4bKx", Received: "192.0.2.9", RPort: "5071", HasRPort: true, MAddr: "224.0.0.1", TTL: "1"}},
		{name: "empty rport", value: "SIP/2.0/UDP h;rport;branch=z9hG4bKy",
			want: Via{Protocol: "SIP", Version: "2.0", Transport: "UDP", Host: "h", Params: ";rport;branch=z9hG4bKy", Branch: "z9hG4bKy", HasRPort: true}},
		{name: "ipv6 with port and LWS", value: "SIP / 2.0 / WSS [2001:db8::1] : 443 ; branch = z9hG4bKz",
			want: Via{Protocol: "SIP", Version: "2.0", Transport: "WSS", Host: "[2001:db8::1]", Port: 443, Params: " ; branch = z9hG4bKz", Branch: "z9hG4bKz"}},
		{name: "no sent-by", value: "SIP/2.0/UDP", errText: "no white space"},
		{name: "bad ipv6", value: "SIP/2.0/UDP [::g]", errText: "IPv6"},
		{name: "garbage after", value: "SIP/2.0/UDP h x", errText: "unexpected character"},
		{name: "quoted param", value: `SIP/2.0/UDP h;x="a;b"`, want: Via{Protocol: "SIP", Version: "2.0", Transport: "UDP", Host: "h", Params: `;x="a;b"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, _, err := parseViaParm(tc.value, 0)
			if tc.errText != "" {
				errContains(t, err, tc.errText)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			v.Start, v.End = 0, 0
			equal(t, "via", v, tc.want)
		})
	}
}

func TestNameAddr(t *testing.T) {
	tests := []struct {
		name, value          string
		display, uri, params string
		bracketed            bool
		errText              string
	}{
		{name: "addr-spec", value: "sip:a@b;tag=1", uri: "sip:a@b", params: ";tag=1"},
		{name: "bracketed", value: "<sip:a@b;lr>;tag=1", uri: "sip:a@b;lr", params: ";tag=1", bracketed: true},
		{name: "quoted display", value: `"A \"B\"" <sip:a@b>`, display: `"A \"B\""`, uri: "sip:a@b", bracketed: true},
		{name: "token display", value: "Alice Smith <sip:a@b>", display: "Alice Smith", uri: "sip:a@b", bracketed: true},
		{name: "tel", value: "<tel:+1-201-555-0123>", uri: "tel:+1-201-555-0123", bracketed: true},
		{name: "no closing bracket", value: "<sip:a@b", errText: "no '>'"},
		{name: "display without address", value: `"Alice"`, errText: "expected '<'"},
		{name: "bad param", value: "<sip:a@b>;=1", errText: "parameter name"},
		{name: "empty", value: "", errText: "empty address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, _, err := parseNameAddr(tc.value, 0)
			if tc.errText != "" {
				errContains(t, err, tc.errText)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			equal(t, "display", n.Display, tc.display)
			equal(t, "uri", n.URI.Raw, tc.uri)
			equal(t, "params", string(n.Params), tc.params)
			equal(t, "bracketed", n.Bracketed, tc.bracketed)
		})
	}
}

func TestContacts(t *testing.T) {
	withContacts := func(lines string) *Msg {
		return mustParse(t, strings.Replace(msg(basicRequest), "Content-Length: 0\r\n", lines+"Content-Length: 0\r\n", 1))
	}
	m := withContacts("Contact: <sip:a@192.0.2.1>;expires=60;q=0.7;+sip.instance=\"<urn:uuid:1>\";reg-id=2, sip:b@h\r\nm: <sip:c@h>;q=1\r\n")
	cs, err := m.Contacts()
	equal(t, "error", err, nil)
	equal(t, "count", len(cs.List), 3)
	secs, ok, err := cs.List[0].Expires()
	equal(t, "expires", secs, uint32(60))
	equal(t, "expires ok", ok && err == nil, true)
	q, _ := cs.List[0].Q()
	equal(t, "q", q, 700)
	equal(t, "instance", cs.List[0].Instance(), "<urn:uuid:1>")
	equal(t, "reg-id", cs.List[0].RegID(), "2")
	q, _ = cs.List[2].Q()
	equal(t, "q=1", q, 1000)

	star := withContacts("Contact: *\r\n")
	cs, err = star.Contacts()
	equal(t, "star error", err, nil)
	equal(t, "star", cs.Star, true)

	mixed := withContacts("Contact: *\r\nContact: <sip:a@b>\r\n")
	_, err = mixed.Contacts()
	errContains(t, err, "only Contact")
}

func TestQValue(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true}, {"1", 1000, true}, {"0.5", 500, true}, {"0.123", 123, true},
		{"1.0", 1000, true}, {"1.000", 1000, true}, {"1.5", 0, false}, {"0.1234", 0, false},
		{"2", 0, false}, {"", 0, false}, {"0.x", 0, false}, {"0,5", 0, false},
	}
	for _, tc := range tests {
		q, ok := parseQValue(tc.in)
		equal(t, tc.in+" ok", ok, tc.ok)
		if ok {
			equal(t, tc.in, q, tc.want)
		}
	}
}

func TestOtherHeaders(t *testing.T) {
	m := mustParse(t, strings.Replace(msg(basicRequest), "Content-Length: 0\r\n", msg(`Expires: 300
Min-Expires: 60
Event: presence;id=7
Subscription-State: active;expires=599
P-Asserted-Identity: "Alice" <sip:alice@example.com>, <tel:+15551234>
Diversion: <sip:bob@example.com>;reason=unconditional;counter=1
Refer-To: <sip:carol@example.com?Replaces=abc%40h>
Allow: INVITE, ACK , BYE
Content-Type: application/sdp ; charset=utf-8
User-Agent: switchboard/0.1
Proxy-Authorization: Digest username="alice", realm="r", nonce="n", uri="sip:bob@example.com", response="0123456789abcdef0123456789abcdef"
Content-Length: 0
`), 1))
	secs, ok, err := m.Expires()
	equal(t, "Expires", secs, uint32(300))
	equal(t, "Expires ok", ok && err == nil, true)
	secs, _, _ = m.MinExpires()
	equal(t, "Min-Expires", secs, uint32(60))
	ev, ok, err := m.Event()
	equal(t, "Event ok", ok && err == nil, true)
	id, _ := ev.Params.Get("id")
	equal(t, "Event", ev.Value+"/"+id, "presence/7")
	ss, _, _ := m.SubscriptionState()
	equal(t, "Subscription-State", ss.Value, "active")
	pai, err := m.PAssertedIdentity()
	equal(t, "PAI error", err, nil)
	equal(t, "PAI count", len(pai), 2)
	equal(t, "PAI tel", pai[1].URI.Scheme, "tel")
	div, _ := m.Diversion()
	reason, _ := div[0].Params.Get("reason")
	equal(t, "Diversion reason", reason, "unconditional")
	ref, err := m.ReferTo()
	equal(t, "Refer-To error", err, nil)
	equal(t, "Refer-To headers", ref.URI.Headers, "Replaces=abc%40h")
	allow, _ := m.Tokens(HdrAllow)
	equal(t, "Allow", strings.Join(allow, ","), "INVITE,ACK,BYE")
	ct, _, _ := m.ContentType()
	charset, _ := ct.Params.Get("charset")
	equal(t, "Content-Type", ct.Type+"/"+ct.Subtype+";"+charset, "application/sdp;utf-8")
	equal(t, "User-Agent", m.Value(HdrUserAgent), "switchboard/0.1")
	creds, err := m.Credentials(HdrProxyAuthorization)
	equal(t, "credentials error", err, nil)
	equal(t, "username", creds[0].Username, "alice")
}
