package sip

import (
	"errors"
	"strings"
	"testing"
)

// longreqTo is the To URI of RFC 4475 longreq, byte for byte.
const longreqTo = "sip:user@example.com:6000" +
	";unknownparam1=verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongvalue" +
	";longparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename=shortvalue" +
	";verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongParameterNameWithNoValue"

const longreqCaller = "amazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallername"

// uriCases are URIs that must parse; want.Raw is filled in from in.
var uriCases = []struct {
	name string
	in   string
	want URI
}{
	// RFC 3261 §19.1.3 examples and the everyday forms.
	{"user-host", "sip:alice@atlanta.com", URI{Scheme: "sip", User: "alice", Host: "atlanta.com"}},
	{"password-port-params-headers", "sip:alice:secret@atlanta.example.com:5061;transport=tcp;lr?subject=project%20x",
		URI{Scheme: "sip", User: "alice", Password: "secret", Host: "atlanta.example.com", Port: 5061, Params: ";transport=tcp;lr", Headers: "subject=project%20x"}},
	{"sips", "sips:bob@biloxi.com", URI{Scheme: "sips", User: "bob", Host: "biloxi.com"}},
	{"scheme-upper-case", "SIP:ALICE@AtLanTa.CoM;Transport=udp", URI{Scheme: "SIP", User: "ALICE", Host: "AtLanTa.CoM", Params: ";Transport=udp"}},
	{"host-only", "sip:atlanta.com", URI{Scheme: "sip", Host: "atlanta.com"}},
	{"telephone-subscriber-password", "sip:+1-212-555-1212:1234@gateway.com;user=phone",
		URI{Scheme: "sip", User: "+1-212-555-1212", Password: "1234", Host: "gateway.com", Params: ";user=phone"}},
	{"sips-number", "sips:1212@gateway.com", URI{Scheme: "sips", User: "1212", Host: "gateway.com"}},
	{"ipv4", "sip:alice@192.0.2.4", URI{Scheme: "sip", User: "alice", Host: "192.0.2.4"}},
	{"ipv4-port", "sip:192.0.2.4:5080", URI{Scheme: "sip", Host: "192.0.2.4", Port: 5080}},
	{"user-param", "sip:alice;day=tuesday@atlanta.com", URI{Scheme: "sip", User: "alice;day=tuesday", Host: "atlanta.com"}},
	{"method-header", "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com",
		URI{Scheme: "sip", Host: "atlanta.com", Params: ";method=REGISTER", Headers: "to=alice%40atlanta.com"}},
	{"two-headers", "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
		URI{Scheme: "sip", User: "alice", Host: "atlanta.com", Headers: "subject=project%20x&priority=urgent"}},
	{"empty-header-value", "sip:a@h.example?subject=", URI{Scheme: "sip", User: "a", Host: "h.example", Headers: "subject="}},
	{"header-value-with-question-mark", "sip:a@h.example?x=a?b:c", URI{Scheme: "sip", User: "a", Host: "h.example", Headers: "x=a?b:c"}},
	{"port-max", "sip:h.example:65535", URI{Scheme: "sip", Host: "h.example", Port: 65535}},
	{"port-zero", "sip:h.example:0", URI{Scheme: "sip", Host: "h.example"}},
	{"empty-password", "sip:alice:@h.example", URI{Scheme: "sip", User: "alice", Host: "h.example"}},
	{"trailing-dot-host", "sip:example.com.", URI{Scheme: "sip", Host: "example.com."}},
	{"digit-labels", "sip:123.example.com", URI{Scheme: "sip", Host: "123.example.com"}},
	{"lenient-underscore-host", "sip:a@my_host.example", URI{Scheme: "sip", User: "a", Host: "my_host.example"}},
	{"lenient-hash-in-user", "sip:*67#123@h.example", URI{Scheme: "sip", User: "*67#123", Host: "h.example"}},
	// No part after the userinfo may hold a literal '@', and '?' and '='
	// are user characters, so the grammar itself makes this a user part.
	{"at-after-question-mark-is-userinfo", "sip:h.example?to=bob@biloxi.com", URI{Scheme: "sip", User: "h.example?to=bob", Host: "biloxi.com"}},
	{"param-value-brackets", "sip:h.example;maddr=[2001:db8::1]", URI{Scheme: "sip", Host: "h.example", Params: ";maddr=[2001:db8::1]"}},

	// RFC 4475 Request-URIs and To/From/Contact/Route URIs.
	{"esc01-ruri", "sip:sips%3Auser%40example.com@example.net", URI{Scheme: "sip", User: "sips%3Auser%40example.com", Host: "example.net"}},
	{"esc01-to", "sip:%75se%72@example.com", URI{Scheme: "sip", User: "%75se%72", Host: "example.com"}},
	{"esc01-from", "sip:I%20have%20spaces@example.net", URI{Scheme: "sip", User: "I%20have%20spaces", Host: "example.net"}},
	{"esc01-contact", "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
		URI{Scheme: "sip", User: "cal%6Cer", Host: "host5.example.net", Params: ";%6C%72;n%61me=v%61lue%25%34%31"}},
	{"escnull-to", "sip:null-%00-null@example.com", URI{Scheme: "sip", User: "null-%00-null", Host: "example.com"}},
	{"escnull-contact1", "sip:%00@host5.example.com", URI{Scheme: "sip", User: "%00", Host: "host5.example.com"}},
	{"escnull-contact2", "sip:%00%00@host5.example.com", URI{Scheme: "sip", User: "%00%00", Host: "host5.example.com"}},
	{"semiuri", "sip:user;par=u%40example.net@example.com", URI{Scheme: "sip", User: "user;par=u%40example.net", Host: "example.com"}},
	{"unksm2-to", "isbn:2983792873", URI{Scheme: "isbn", Opaque: "2983792873"}},
	{"unksm2-from", "http://www.example.com", URI{Scheme: "http", Opaque: "//www.example.com"}},
	{"unksm2-contact", "name:John_Smith", URI{Scheme: "name", Opaque: "John_Smith"}},
	{"novelsc", "soap.beep://192.0.2.103:3002", URI{Scheme: "soap.beep", Opaque: "//192.0.2.103:3002"}},
	{"unkscm", "nobodyKnowsThisScheme:totallyopaquecontent", URI{Scheme: "nobodyKnowsThisScheme", Opaque: "totallyopaquecontent"}},
	{"regescrt-contact", "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
		URI{Scheme: "sip", User: "user", Host: "example.com", Headers: "Route=%3Csip:sip.example.com%3E"}},
	// escruri is invalid as a Request-URI, which the request-line parser
	// decides; as a URI it is well formed.
	{"escruri", "sip:user@example.com?Route=%3Csip:example.com%3E",
		URI{Scheme: "sip", User: "user", Host: "example.com", Headers: "Route=%3Csip:example.com%3E"}},
	{"intmeth-ruri", "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
		URI{Scheme: "sip", User: "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", Password: "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", Host: "example.com"}},
	{"intmeth-to", "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com",
		URI{Scheme: "sip", User: "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", Host: "example.com"}},
	{"wsinv-ruri", "sip:vivekg@chair-dnrc.example.com;unknownparam", URI{Scheme: "sip", User: "vivekg", Host: "chair-dnrc.example.com", Params: ";unknownparam"}},
	{"wsinv-route", "sip:services.example.com;lr;unknownwith=value;unknown-no-value",
		URI{Scheme: "sip", Host: "services.example.com", Params: ";lr;unknownwith=value;unknown-no-value"}},
	{"longreq-to", longreqTo, URI{Scheme: "sip", User: "user", Host: "example.com", Port: 6000, Params: Params(longreqTo[len("sip:user@example.com:6000"):])}},
	{"longreq-from", "sip:" + longreqCaller + "@example.net", URI{Scheme: "sip", User: longreqCaller, Host: "example.net"}},
	{"longreq-contact", "sip:" + longreqCaller + "@host5.example.net", URI{Scheme: "sip", User: longreqCaller, Host: "host5.example.net"}},
	{"inv2543-from", "sip:+13035551111@ift.client.example.net;user=phone", URI{Scheme: "sip", User: "+13035551111", Host: "ift.client.example.net", Params: ";user=phone"}},
	{"inv2543-record-route", "sip:UserB@example.com;maddr=ss1.example.com", URI{Scheme: "sip", User: "UserB", Host: "example.com", Params: ";maddr=ss1.example.com"}},
	{"cparam-contact", "sip:+19725552222@gw1.example.net;unknownparam", URI{Scheme: "sip", User: "+19725552222", Host: "gw1.example.net", Params: ";unknownparam"}},
	{"mpart01-route", "sip:127.0.0.1:5080", URI{Scheme: "sip", Host: "127.0.0.1", Port: 5080}},
	{"mpart01-contact", "sip:fluffy@127.0.0.1:5070", URI{Scheme: "sip", User: "fluffy", Host: "127.0.0.1", Port: 5070}},
	{"baddn-ruri", "sip:t.watson@example.org", URI{Scheme: "sip", User: "t.watson", Host: "example.org"}},
	{"bcast-to", "sip:user@example.edu", URI{Scheme: "sip", User: "user", Host: "example.edu"}},
	{"trws-ruri", "sip:remote-target@example.com", URI{Scheme: "sip", User: "remote-target", Host: "example.com"}},

	// RFC 5118.
	{"ipv6-good", "sip:[2001:db8::10]", URI{Scheme: "sip", Host: "[2001:db8::10]"}},
	{"ipv6-good-contact", "sip:caller@[2001:db8::1]", URI{Scheme: "sip", User: "caller", Host: "[2001:db8::1]"}},
	{"ipv6-in-sdp-ruri", "sip:user@[2001:db8::10]", URI{Scheme: "sip", User: "user", Host: "[2001:db8::10]"}},
	{"mult-ip-contact", "sip:caller@[2001:db8::9:1]", URI{Scheme: "sip", User: "caller", Host: "[2001:db8::9:1]"}},
	{"port-ambiguous", "sip:[2001:db8::10:5070]", URI{Scheme: "sip", Host: "[2001:db8::10:5070]"}},
	{"port-unambiguous", "sip:[2001:db8::10]:5070", URI{Scheme: "sip", Host: "[2001:db8::10]", Port: 5070}},
	{"ipv4-mapped-ipv6", "sip:ted@[::ffff:192.0.2.2]", URI{Scheme: "sip", User: "ted", Host: "[::ffff:192.0.2.2]"}},
	{"ipv6-correct-abnf-2-colons", "sip:user@[2001:db8::192.0.2.1]", URI{Scheme: "sip", User: "user", Host: "[2001:db8::192.0.2.1]"}},
	{"ipv6-params-headers", "sip:[::1]:5060;transport=tcp?x=y", URI{Scheme: "sip", Host: "[::1]", Port: 5060, Params: ";transport=tcp", Headers: "x=y"}},

	// tel (RFC 3966).
	{"tel-global", "tel:+1-201-555-0123", URI{Scheme: "tel", User: "+1-201-555-0123"}},
	{"tel-local-context", "tel:7042;phone-context=example.com", URI{Scheme: "tel", User: "7042", Params: ";phone-context=example.com"}},
	{"tel-local-global-context", "tel:863-1234;phone-context=+1-914-555", URI{Scheme: "tel", User: "863-1234", Params: ";phone-context=+1-914-555"}},
	{"tel-ext", "TEL:+1(201)555.0123;ext=1234;isub=%31", URI{Scheme: "TEL", User: "+1(201)555.0123", Params: ";ext=1234;isub=%31"}},
	{"tel-local-hex-star-hash", "tel:*21#A;phone-context=example.com", URI{Scheme: "tel", User: "*21#A", Params: ";phone-context=example.com"}},

	// Other schemes.
	{"mailto", "mailto:alice@example.com", URI{Scheme: "mailto", Opaque: "alice@example.com"}},
	{"http-query-fragment", "http://example.com/a?b=c#d", URI{Scheme: "http", Opaque: "//example.com/a?b=c#d"}},
	{"urn", "urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF", URI{Scheme: "urn", Opaque: "uuid:00000000-0000-1000-8000-AABBCCDDEEFF"}},
}

// uriErrorCases are strings that must be refused, with the offset and a
// part of the reason.
var uriErrorCases = []struct {
	name   string
	in     string
	offset int
	reason string
}{
	{"empty", "", 0, "empty URI"},
	{"no-scheme", "alice@atlanta.com", 0, "missing scheme"},
	{"empty-scheme", ":alice@atlanta.com", 0, "empty scheme"},
	{"scheme-digit-first", "1sip:a", 0, "invalid character '1' in scheme"},
	{"scheme-bad-char", "si_p:a", 2, "invalid character '_' in scheme"},
	{"ltgtruri", "<sip:user@example.com>", 0, "enclosed in '<' '>'"},
	{"angle-bracket-inside", "sip:user@example.com>", 20, "angle bracket in host"},
	{"lwsruri", "sip:user@example.com; lr", 21, "white space or control character in parameter name"},
	{"badaspec-leading-space", " sip:t.watson@example.org", 0, "white space"},
	{"trailing-space", "sip:t.watson@example.org ", 24, "white space or control character in host"},
	{"space-in-user", "sip:us er@example.org", 6, "white space or control character in user part"},
	{"tab-in-header", "sip:a@h.example?x=a\tb", 19, "white space or control character in header"},
	{"crlf", "sip:a@h.example\r\n", 15, "white space or control character in host"},
	{"raw-nul-in-user", "sip:a\x00b@h.example", 5, "control character in user part"},
	{"del-in-param", "sip:h.example;a=\x7f", 16, "control character in parameter value"},
	{"non-ascii-in-host", "sip:h\xc3\xa9.example", 5, "non-ASCII byte in host"},
	{"empty-host", "sip:", 4, "empty host"},
	{"empty-host-after-user", "sip:user@", 9, "empty host"},
	{"empty-host-before-params", "sip:user@;lr", 9, "empty host"},
	{"empty-host-before-port", "sip:user@:5060", 9, "empty host"},
	{"slash-slash", "sip://h.example", 4, "invalid character '/' in host"},
	{"second-at", "sip:a@b@c", 7, "invalid character '@' in host"},
	{"empty-user", "sip:@h.example", 4, "empty user part"},
	{"empty-user-with-password", "sip::pw@h.example", 4, "empty user part"},
	{"bad-char-in-user", "sip:a[b@h.example", 5, "invalid character '[' in user part"},
	{"bad-char-in-password", "sip:a:b:c@h.example", 7, "invalid character ':' in password"},
	{"host-empty-label", "sip:a..example", 6, "empty label"},
	{"host-leading-dot", "sip:.example", 4, "empty label"},
	{"host-label-leading-hyphen", "sip:-a.example", 4, "starts with '-'"},
	{"host-label-trailing-hyphen", "sip:a-.example", 5, "ends with '-'"},
	{"ipv4-octet-too-big", "sip:192.0.2.256", 4, "invalid IPv4 address"},
	{"ipv4-three-octets", "sip:192.0.2", 4, "invalid IPv4 address"},
	{"ipv4-leading-zero", "sip:192.0.2.01", 4, "invalid IPv4 address"},
	{"ipv4-trailing-dot", "sip:192.0.2.1.", 4, "invalid IPv4 address"},
	{"numeric-top-label", "sip:example.4com", 12, "last label of host name must start with a letter"},
	{"empty-port", "sip:h.example:", 14, "empty port"},
	{"empty-port-before-params", "sip:h.example:;lr", 14, "empty port"},
	{"port-too-big", "sip:h.example:65536", 14, "port out of range"},
	{"port-huge", "sip:h.example:99999999999999999999999", 14, "port out of range"},
	{"port-letters", "sip:h.example:50a", 16, "invalid character 'a' in port"},
	{"port-negative", "sip:h.example:-1", 14, "invalid character '-' in port"},
	{"port-twice", "sip:h.example:5060:5061", 18, "invalid character ':' in port"},
	{"ipv6-bad", "sip:2001:db8::10", 4, "IPv6 address must be enclosed in '[' ']'"},
	{"ipv6-bad-with-user", "sip:user@2001:db8::10", 9, "IPv6 address must be enclosed"},
	{"ipv6-bad-loopback", "sip:::1;lr", 4, "IPv6 address must be enclosed"},
	{"ipv6-bug-abnf-3-colons", "sip:user@[2001:db8:::192.0.2.1]", 10, "invalid IPv6 address"},
	{"ipv6-unterminated", "sip:[2001:db8::10", 4, "without closing ']'"},
	{"ipv6-ipv4-inside", "sip:[192.0.2.1]", 5, "invalid IPv6 address"},
	{"ipv6-zone", "sip:[fe80::1%25eth0]", 12, "invalid character '%' in IPv6 reference"},
	{"ipv6-empty", "sip:[]", 5, "invalid IPv6 address"},
	{"ipv6-garbage-after", "sip:[::1]x", 9, "invalid character 'x' in host"},
	{"bad-escape-short", "sip:%4@h.example", 4, "bad escape"},
	{"bad-escape-not-hex", "sip:%zz@h.example", 4, "bad escape"},
	{"bad-escape-password", "sip:a:%g0@h.example", 6, "bad escape"},
	{"bad-escape-param-end", "sip:a@h.example;p=%", 18, "bad escape"},
	{"bad-escape-param-name", "sip:h.example;%g1", 14, "bad escape"},
	{"bad-escape-header", "sip:a@h.example?x=%2", 18, "bad escape"},
	{"empty-param", "sip:h.example;", 14, "empty parameter name"},
	{"empty-param-between", "sip:h.example;;lr", 14, "empty parameter name"},
	{"param-no-name", "sip:h.example;=x", 14, "empty parameter name"},
	{"param-empty-value", "sip:h.example;a=", 16, "empty parameter value"},
	{"param-quote", "sip:h.example;a=\"b\"", 16, "invalid character '\"' in parameter value"},
	{"param-comma", "sip:h.example;a=b,c", 17, "invalid character ',' in parameter"},
	{"empty-headers", "sip:h.example?", 14, "empty header name"},
	{"header-no-equals", "sip:h.example?subject", 21, "header without '='"},
	{"header-no-equals-amp", "sip:h.example?a&b=c", 15, "header without '='"},
	{"header-no-name", "sip:h.example?=b", 14, "empty header name"},
	{"header-trailing-amp", "sip:h.example?a=b&", 18, "empty header name"},
	{"header-literal-at", "sip:a@h.example?to=bob@biloxi.com", 22, "invalid character '@' in header"},
	{"header-semicolon", "sip:a@h.example?a=b;c", 19, "invalid character ';' in header"},
	{"tel-empty", "tel:", 4, "without digits"},
	{"tel-plus-only", "tel:+", 4, "without digits"},
	{"tel-separators-only", "tel:+-.-", 4, "without digits"},
	{"tel-space", "tel:+1 201", 6, "white space or control character in telephone number"},
	{"tel-hex-in-global", "tel:+12a", 7, "invalid character 'a' in telephone number"},
	{"tel-empty-param-name", "tel:+1;=x", 7, "empty tel parameter name"},
	{"tel-empty-param-value", "tel:+1;a=", 9, "empty tel parameter value"},
	{"tel-bad-param-name", "tel:+1;a_b=1", 8, "invalid character '_' in tel URI"},
	{"tel-at", "tel:+1@h.example", 6, "invalid character '@' in telephone number"},
	{"tel-headers", "tel:+1;a=b?x=y", 10, "invalid character '?' in tel URI"},
	{"tel-bad-escape", "tel:+1;isub=%3", 12, "bad escape"},
	{"other-empty", "http:", 5, "empty URI after scheme"},
	{"other-space", "http://a b", 8, "white space or control character in URI"},
	{"other-angle", "x:<y>", 2, "angle bracket in URI"},
	{"other-quote", "x:a\"b", 3, "invalid character '\"' in URI"},
	{"other-non-ascii", "x:\xff", 2, "non-ASCII byte in URI"},
}

func TestParseURI(t *testing.T) {
	for _, tc := range uriCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseURI(tc.in)
			if err != nil {
				t.Fatalf("ParseURI(%q): %v", tc.in, err)
			}
			want := tc.want
			want.Raw = tc.in
			if got != want {
				t.Errorf("ParseURI(%q)\n got %+v\nwant %+v", tc.in, got, want)
			}
			if got.String() != tc.in {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}

func TestParseURIErrors(t *testing.T) {
	for _, tc := range uriErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			u, err := ParseURI(tc.in)
			if err == nil {
				t.Fatalf("ParseURI(%q) = %+v, want an error", tc.in, u)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *ParseError: %v", err, err)
			}
			if pe.Offset != tc.offset || !strings.Contains(pe.Reason, tc.reason) {
				t.Errorf("ParseURI(%q) error at %d %q, want at %d containing %q", tc.in, pe.Offset, pe.Reason, tc.offset, tc.reason)
			}
			if u != (URI{}) {
				t.Errorf("failed parse returned a non-zero URI %+v", u)
			}
		})
	}
}

// TestParseURIEscapes checks the decoded user and parameters of the RFC
// 4475 escaping messages: escapes are kept as received and decode to what
// the RFC says, NULs included.
func TestParseURIEscapes(t *testing.T) {
	tests := []struct {
		name, in, user string
		params         map[string]string // decoded name -> decoded value
	}{
		{"esc01-ruri", "sip:sips%3Auser%40example.com@example.net", "sips:user@example.com", nil},
		{"esc01-to", "sip:%75se%72@example.com", "user", nil},
		{"esc01-from", "sip:I%20have%20spaces@example.net", "I have spaces", nil},
		{"esc01-contact", "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31", "caller",
			map[string]string{"lr": "", "name": "value%41"}},
		{"escnull-to", "sip:null-%00-null@example.com", "null-\x00-null", nil},
		{"escnull-contact2", "sip:%00%00@host5.example.com", "\x00\x00", nil},
		{"semiuri", "sip:user;par=u%40example.net@example.com", "user;par=u@example.net", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := ParseURI(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			user, err := Unescape(u.User)
			if err != nil || user != tc.user {
				t.Errorf("Unescape(User %q) = %q, %v; want %q", u.User, user, err, tc.user)
			}
			got := map[string]string{}
			for _, p := range u.Params.All() {
				name, err1 := Unescape(p.Name)
				value, err2 := Unescape(p.Value)
				if err1 != nil || err2 != nil {
					t.Fatalf("param %q=%q: %v %v", p.Name, p.Value, err1, err2)
				}
				got[name] = value
			}
			if len(got) != len(tc.params) {
				t.Errorf("params %v, want %v", got, tc.params)
			}
			for k, v := range tc.params {
				if got[k] != v {
					t.Errorf("param %q = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestParseURIAllocs(t *testing.T) {
	for _, tc := range uriCases {
		if n := testing.AllocsPerRun(20, func() { _, _ = ParseURI(tc.in) }); n != 0 {
			t.Errorf("%s: ParseURI allocates %v times", tc.name, n)
		}
	}
}

func TestURIAccessors(t *testing.T) {
	tests := []struct {
		in, hostName string
		isSIP        bool
	}{
		{"sip:[2001:db8::10]:5070", "2001:db8::10", true},
		{"SIPS:alice@atlanta.com", "atlanta.com", true},
		{"sip:192.0.2.4", "192.0.2.4", true},
		{"tel:+1-201-555-0123", "", false},
		{"http://www.example.com", "", false},
	}
	for _, tc := range tests {
		u, err := ParseURI(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.HostName(); got != tc.hostName {
			t.Errorf("%q HostName() = %q, want %q", tc.in, got, tc.hostName)
		}
		if got := u.IsSIP(); got != tc.isSIP {
			t.Errorf("%q IsSIP() = %v", tc.in, got)
		}
	}
}

func TestUnescape(t *testing.T) {
	tests := []struct {
		name, in, want string
		errOffset      int // -1: no error
	}{
		{"plain", "alice", "alice", -1},
		{"empty", "", "", -1},
		{"escapes", "%75se%72", "user", -1},
		{"lower-hex", "%2f%2F", "//", -1},
		{"nul", "a%00b", "a\x00b", -1},
		{"percent", "100%25", "100%", -1},
		{"high-byte", "%C3%A9", "\xc3\xa9", -1},
		{"truncated", "ab%4", "", 2},
		{"lone-percent", "%", "", 0},
		{"not-hex", "a%g0", "", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Unescape(tc.in)
			if tc.errOffset >= 0 {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Offset != tc.errOffset {
					t.Fatalf("Unescape(%q) = %q, %v; want error at %d", tc.in, got, err, tc.errOffset)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Unescape(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	if n := testing.AllocsPerRun(10, func() { _, _ = Unescape("no-escapes-here") }); n != 0 {
		t.Errorf("Unescape without '%%' allocates %v times", n)
	}
}

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, user, param string
	}{
		{"plain", "alice", "alice", "alice"},
		{"empty", "", "", ""},
		{"space", "I have spaces", "I%20have%20spaces", "I%20have%20spaces"},
		{"at", "a@b", "a%40b", "a%40b"},
		{"percent", "100%", "100%25", "100%25"},
		{"nul", "a\x00", "a%00", "a%00"},
		{"user-unreserved", "a;b=c?d/e,f&g+h$i", "a;b=c?d/e,f&g+h$i", "a%3Bb%3Dc%3Fd/e%2Cf&g+h$i"},
		{"param-unreserved", "[::1]:5060", "%5B%3A%3A1%5D%3A5060", "[::1]:5060"},
		{"hash", "*67#", "*67%23", "*67%23"},
		{"non-ascii", "é", "%C3%A9", "%C3%A9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := EscapeUser(tc.in); got != tc.user {
				t.Errorf("EscapeUser(%q) = %q, want %q", tc.in, got, tc.user)
			}
			if got := EscapeParam(tc.in); got != tc.param {
				t.Errorf("EscapeParam(%q) = %q, want %q", tc.in, got, tc.param)
			}
		})
	}
	if n := testing.AllocsPerRun(10, func() { _ = EscapeUser("alice"); _ = EscapeParam("tcp") }); n != 0 {
		t.Errorf("escaping a clean string allocates %v times", n)
	}
}

// uriEqualCases are pairs checked in both directions.
var uriEqualCases = []struct {
	name  string
	a, b  string
	equal bool
}{
	// RFC 3261 §19.1.4, equal.
	{"rfc3261-escaped-user-host-case-param-case", "sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp", true},
	{"rfc3261-unknown-param-one-side", "sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5", true},
	{"rfc3261-security-on", "sip:carol@chicago.com", "sip:carol@chicago.com;security=on", true},
	{"rfc3261-security-vs-newparam", "sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on", true},
	{"rfc3261-param-order", "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
		"sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com", true},
	{"rfc3261-header-order", "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
		"sip:alice@atlanta.com?priority=urgent&subject=project%20x", true},
	{"rfc3261-intransitive-1", "sip:carol@chicago.com;security=on", "sip:carol@chicago.com", true},
	{"rfc3261-intransitive-2", "sip:carol@chicago.com", "sip:carol@chicago.com;security=off", true},

	// RFC 3261 §19.1.4, not equal.
	{"rfc3261-user-case", "SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP", false},
	{"rfc3261-port-absent-vs-5060", "sip:bob@biloxi.com", "sip:bob@biloxi.com:5060", false},
	{"rfc3261-transport-one-side", "sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp", false},
	{"rfc3261-port-and-transport", "sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp", false},
	{"rfc3261-header-one-side", "sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting", false},
	{"rfc3261-name-vs-address", "sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4", false},
	{"rfc3261-intransitive-3", "sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off", false},
	{"param-in-both-differs", "sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=off;newparam=6", false},

	// Schemes.
	{"sip-vs-sips", "sip:alice@atlanta.com", "sips:alice@atlanta.com", false},
	{"scheme-case", "SIPS:alice@atlanta.com", "sips:alice@atlanta.com", true},
	{"sip-vs-tel", "sip:+12015550123@h.example;user=phone", "tel:+12015550123", false},

	// Userinfo.
	{"esc01-user", "sip:%75se%72@example.com", "sip:user@example.com", true},
	{"escaped-reserved-is-not-literal", "sip:a%3Bb@h.example", "sip:a;b@h.example", false},
	{"escaped-hex-case", "sip:a%3bb@h.example", "sip:a%3Bb@h.example", true},
	{"escnull-users-differ", "sip:null-%00-null@example.com", "sip:null-@example.com", false},
	{"password-case", "sip:alice:secret@h.example", "sip:alice:Secret@h.example", false},
	{"password-escaped", "sip:alice:s%65cret@h.example", "sip:alice:secret@h.example", true},
	{"user-vs-no-user", "sip:alice@h.example", "sip:h.example", false},
	{"user-params-case", "sip:alice;day=tuesday@h.example", "sip:alice;day=Tuesday@h.example", false},

	// Hosts and ports.
	{"host-case", "sip:alice@ATLANTA.com", "sip:alice@atlanta.COM", true},
	{"ipv6-case-and-zeros", "sip:[2001:DB8::10]", "sip:[2001:db8:0:0::10]", true},
	{"ipv6-different", "sip:[2001:db8::10]", "sip:[2001:db8::11]", false},
	{"ipv4-mapped-ipv6", "sip:ted@[::ffff:192.0.2.2]", "sip:ted@192.0.2.2", true},
	{"ipv4-mapped-ipv6-other-address", "sip:ted@[::ffff:192.0.2.3]", "sip:ted@192.0.2.2", false},
	{"port-ambiguous-vs-unambiguous", "sip:[2001:db8::10:5070]", "sip:[2001:db8::10]:5070", false},
	{"port-leading-zero", "sip:h.example:05060", "sip:h.example:5060", true},
	{"port-zero-vs-absent", "sip:h.example:0", "sip:h.example", false},
	{"port-zero-vs-absent-with-params", "sip:h.example:0;lr?a=b", "sip:h.example;lr?a=b", false},
	{"port-differs", "sip:h.example:5060", "sip:h.example:5061", false},

	// Parameters.
	{"escaped-param-value", "sip:a@h.example;transport=%74cp", "sip:a@h.example;transport=TCP", true},
	{"escaped-param-name", "sip:h.example;%6C%72=on", "sip:h.example;lr=off", false},
	{"escaped-param-name-same", "sip:h.example;%6C%72=on", "sip:h.example;LR=ON", true},
	{"user-param-one-side", "sip:a@h.example;user=phone", "sip:a@h.example", false},
	{"ttl-one-side", "sip:a@h.example;ttl=15", "sip:a@h.example", false},
	{"method-one-side", "sip:a@h.example;method=INVITE", "sip:a@h.example", false},
	{"maddr-one-side", "sip:a@h.example;maddr=239.255.255.1", "sip:a@h.example", false},
	{"lr-one-side", "sip:a@h.example;lr", "sip:a@h.example", true},
	{"flag-vs-value", "sip:a@h.example;lr", "sip:a@h.example;lr=on", false},
	{"repeated-param-first-counts", "sip:a@h.example;x=1;x=2", "sip:a@h.example;x=1", true},

	// Headers.
	{"header-name-case", "sip:a@h.example?Subject=x", "sip:a@h.example?subject=x", true},
	{"header-value-case", "sip:a@h.example?subject=X", "sip:a@h.example?subject=x", false},
	{"header-value-escaped", "sip:a@h.example?subject=project%20x", "sip:a@h.example?subject=%70roject%20x", true},
	{"header-repeated", "sip:a@h.example?a=1&a=1", "sip:a@h.example?a=1", false},
	{"header-multiset", "sip:a@h.example?a=1&a=1&a=2", "sip:a@h.example?a=1&a=2&a=2", false},
	{"regescrt", "sip:user@example.com?Route=%3Csip:sip.example.com%3E", "sip:user@example.com?route=%3csip:sip.example.com%3e", true},

	// tel (RFC 3966 §4).
	{"tel-separators", "tel:+1-201-555-0123", "tel:+1.201.555.0123", true},
	{"tel-no-separators", "tel:+1-201-555-0123", "tel:+12015550123", true},
	{"tel-parentheses", "tel:+1(201)5550123", "tel:+12015550123", true},
	{"tel-different-number", "tel:+12015550123", "tel:+12015550124", false},
	{"tel-global-vs-local", "tel:+7042;phone-context=example.com", "tel:7042;phone-context=example.com", false},
	{"tel-hex-case", "tel:7a2b;phone-context=example.com", "tel:7A2B;phone-context=example.com", true},
	{"tel-param-case", "tel:7042;phone-context=example.com", "tel:7042;Phone-Context=EXAMPLE.com", true},
	{"tel-param-order", "tel:+1-201-555-0123;ext=1;isub=2", "tel:+12015550123;isub=2;ext=1", true},
	{"tel-param-one-side", "tel:7042;phone-context=example.com", "tel:7042", false},
	{"tel-domain-context-keeps-dots", "tel:7042;phone-context=ex.ample.com", "tel:7042;phone-context=exa.mple.com", false},
	{"tel-global-context-separators", "tel:863-1234;phone-context=+1-914-555", "tel:8631234;phone-context=+1914555", true},
	{"tel-ext-separators", "tel:+12015550123;ext=12-34", "tel:+12015550123;ext=1234", true},

	// Other schemes.
	{"other-scheme-case", "http://www.example.com", "HTTP://www.example.com", true},
	{"other-opaque-case", "http://www.example.com", "http://WWW.example.com", false},
	{"other-different-scheme", "isbn:2983792873", "issn:2983792873", false},
}

func TestURIEqual(t *testing.T) {
	for _, tc := range uriEqualCases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseURI(tc.a)
			if err != nil {
				t.Fatalf("ParseURI(%q): %v", tc.a, err)
			}
			b, err := ParseURI(tc.b)
			if err != nil {
				t.Fatalf("ParseURI(%q): %v", tc.b, err)
			}
			if got := a.Equal(&b); got != tc.equal {
				t.Errorf("%q.Equal(%q) = %v, want %v", tc.a, tc.b, got, tc.equal)
			}
			if got := b.Equal(&a); got != tc.equal {
				t.Errorf("%q.Equal(%q) = %v, want %v", tc.b, tc.a, got, tc.equal)
			}
			if !a.Equal(&a) || !b.Equal(&b) {
				t.Errorf("a URI is not equal to itself")
			}
			if n := testing.AllocsPerRun(10, func() { a.Equal(&b) }); n != 0 {
				t.Errorf("Equal allocates %v times", n)
			}
		})
	}
	var u URI
	if u.Equal(nil) {
		t.Error("Equal(nil) is true")
	}
}

func BenchmarkParseURI(b *testing.B) {
	for _, bc := range []struct{ name, uri string }{
		{"full", "sip:alice:secret@atlanta.example.com:5061;transport=tcp;lr?subject=project%20x"},
		{"plain", "sip:bob@192.0.2.4"},
		{"ipv6", "sip:[2001:db8::10]:5070;transport=tcp"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.uri)))
			for b.Loop() {
				if _, err := ParseURI(bc.uri); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkURIEqual(b *testing.B) {
	x, _ := ParseURI("sip:%61lice@atlanta.com;transport=TCP;lr")
	y, _ := ParseURI("sip:alice@AtLanTa.CoM;lr;Transport=tcp")
	b.ReportAllocs()
	for b.Loop() {
		if !x.Equal(&y) {
			b.Fatal("not equal")
		}
	}
}

func TestOnlyDigitsAndDots(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", true},
		{"192.0.2.1", true},
		{"1..2", true},
		{"1.2.3.4a", false},
		{"a1", false},
		{"1-2", false},
	}
	for _, tc := range tests {
		if got := onlyDigitsAndDots(tc.in); got != tc.want {
			t.Errorf("onlyDigitsAndDots(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
