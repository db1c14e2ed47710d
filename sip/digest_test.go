package sip

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// typicalCredentials is what a SIP phone sends after a 401; the benchmark and
// the allocation test use it.
const typicalCredentials = `Digest username="alice", realm="atlanta.example.com", nonce="84a4cc6f3082121f32b42a2187831a9e", uri="sip:alice@atlanta.example.com", response="7587245234b3434cc3412213e5f113a5", algorithm=MD5, cnonce="0a4f113b", opaque="", qop=auth, nc=00000001`

// authParamsOf returns the text after the scheme, which is what Params holds.
func authParamsOf(s, scheme string) string {
	return trimLWS(strings.TrimPrefix(trimLWS(s), scheme))
}

func TestParseCredentials(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Credentials // Params is filled in from in unless set
	}{
		{
			name: "typical SIP phone",
			in:   typicalCredentials,
			want: Credentials{
				Scheme: "Digest", Username: "alice", Realm: "atlanta.example.com",
				Nonce: "84a4cc6f3082121f32b42a2187831a9e", URI: "sip:alice@atlanta.example.com",
				Response: "7587245234b3434cc3412213e5f113a5", Algorithm: "MD5",
				CNonce: "0a4f113b", QOP: "auth", NC: "00000001",
			},
		},
		{
			name: "RFC 3261 20.7 Authorization, folded",
			in: "Digest username=\"Alice\", realm=\"atlanta.com\",\r\n" +
				" nonce=\"84a4cc6f3082121f32b42a2187831a9e\",\r\n" +
				" response=\"7587245234b3434cc3412213e5f113a5432\"",
			want: Credentials{
				Scheme: "Digest", Username: "Alice", Realm: "atlanta.com",
				Nonce: "84a4cc6f3082121f32b42a2187831a9e", Response: "7587245234b3434cc3412213e5f113a5432",
			},
		},
		{
			name: "RFC 3261 20.28 Proxy-Authorization, folded with tabs",
			in: "Digest username=\"Alice\", realm=\"atlanta.com\",\r\n" +
				"\tnonce=\"c60f3082ee1212b402a21831ae\",\r\n" +
				"\tresponse=\"245f23415f11432b3434341c022\"",
			want: Credentials{
				Scheme: "Digest", Username: "Alice", Realm: "atlanta.com",
				Nonce: "c60f3082ee1212b402a21831ae", Response: "245f23415f11432b3434341c022",
			},
		},
		{
			name: "RFC 2617 3.5",
			in:   `Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"`,
			want: Credentials{
				Scheme: "Digest", Username: "Mufasa", Realm: "testrealm@host.com",
				Nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", URI: "/dir/index.html",
				Response: "6629fae49393a05397450978507c4ef1", CNonce: "0a4f113b",
				Opaque: "5ccc069c403ebaf9f0171e9517f40e41", QOP: "auth", NC: "00000001",
			},
		},
		{
			name: "RFC 7616 3.9.1 SHA-256, scheme alone on the first line",
			in: "Digest\r\n" +
				"       username=\"Mufasa\",\r\n" +
				"       realm=\"http-auth@example.org\",\r\n" +
				"       uri=\"/dir/index.html\",\r\n" +
				"       algorithm=SHA-256,\r\n" +
				"       nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n" +
				"       nc=00000001,\r\n" +
				"       cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\r\n" +
				"       qop=auth,\r\n" +
				"       response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\",\r\n" +
				"       opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
			want: Credentials{
				Scheme: "Digest", Username: "Mufasa", Realm: "http-auth@example.org",
				Nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", URI: "/dir/index.html",
				Response:  "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
				Algorithm: "SHA-256", CNonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
				Opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", QOP: "auth", NC: "00000001",
			},
		},
		{
			name: "RFC 7616 3.9.2 SHA-512-256 with userhash",
			in: `Digest username="488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec", ` +
				`realm="api@example.org", uri="/doe.json", algorithm=SHA-512-256, ` +
				`nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", nc=00000001, ` +
				`cnonce="NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", qop=auth, ` +
				`response="ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd", ` +
				`opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", userhash=true`,
			want: Credentials{
				Scheme: "Digest", Username: "488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec",
				Realm: "api@example.org", Nonce: "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK",
				URI: "/doe.json", Response: "ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd",
				Algorithm: "SHA-512-256", CNonce: "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v",
				Opaque: "HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", QOP: "auth", NC: "00000001",
				Userhash: true,
			},
		},
		{
			name: "RFC 8760 SIP REGISTER with SHA-256-sess",
			in:   `Digest username="bob", realm="biloxi.example.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:biloxi.example.com", response="0b2fa1fd9cbd4cc1e8a2ec1f0fa8c02fb24d53b78a03d6ce1d9a4e75b4e6bf06", algorithm=SHA-256-sess, cnonce="0a4f113b", qop=auth-int, nc=0000000a`,
			want: Credentials{
				Scheme: "Digest", Username: "bob", Realm: "biloxi.example.com",
				Nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", URI: "sip:biloxi.example.com",
				Response:  "0b2fa1fd9cbd4cc1e8a2ec1f0fa8c02fb24d53b78a03d6ce1d9a4e75b4e6bf06",
				Algorithm: "SHA-256-sess", CNonce: "0a4f113b", QOP: "auth-int", NC: "0000000a",
			},
		},
		{
			name: "RFC 4475 regaut01 unknown scheme",
			in:   "NoOneKnowsThisScheme opaque-data=here",
			want: Credentials{Scheme: "NoOneKnowsThisScheme"},
		},
		{
			name: "other scheme with token68",
			in:   "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
			want: Credentials{Scheme: "Basic"},
		},
		{
			name: "other scheme without anything after it",
			in:   "Negotiate",
			want: Credentials{Scheme: "Negotiate"},
		},
		{
			name: "scheme and names in any case",
			in:   `dIGEST USERNAME="a", Realm="r", NONCE="n", Uri="sip:x", RESPONSE="f", ALGORITHM=md5`,
			want: Credentials{Scheme: "dIGEST", Username: "a", Realm: "r", Nonce: "n", URI: "sip:x", Response: "f", Algorithm: "md5"},
		},
		{
			name: "LWS around equals and commas",
			in:   "Digest  username = \"a\" ,realm=\"r\"\t,\tnonce =\r\n \"n\" , uri= \"u\",response=\"f\"  ",
			want: Credentials{Scheme: "Digest", Username: "a", Realm: "r", Nonce: "n", URI: "u", Response: "f",
				Params: "username = \"a\" ,realm=\"r\"\t,\tnonce =\r\n \"n\" , uri= \"u\",response=\"f\""},
		},
		{
			name: "empty elements between commas",
			in:   `Digest , username="a",, realm="r", ,nonce="n",`,
			want: Credentials{Scheme: "Digest", Username: "a", Realm: "r", Nonce: "n"},
		},
		{
			name: "token values quoted and quoted values bare",
			in:   `Digest username=alice, realm=atlanta.com, nonce=abc, uri=sip:alice@atlanta.com;transport=tcp, response=f00d, algorithm="MD5", qop="auth", nc="00000001", userhash="TRUE"`,
			want: Credentials{Scheme: "Digest", Username: "alice", Realm: "atlanta.com", Nonce: "abc",
				URI: "sip:alice@atlanta.com;transport=tcp", Response: "f00d", Algorithm: "MD5",
				QOP: "auth", NC: "00000001", Userhash: true},
		},
		{
			name: "quoted-pairs resolved",
			in:   `Digest username="al\"ice\\", realm="a\tb c", nonce="\n"`,
			want: Credentials{Scheme: "Digest", Username: `al"ice\`, Realm: "atb c", Nonce: "n"},
		},
		{
			name: "fold inside a quoted value is kept",
			in:   "Digest realm=\"a\r\n b\"",
			want: Credentials{Scheme: "Digest", Realm: "a\r\n b"},
		},
		{
			name: "unknown params kept in Params only",
			in:   `Digest username="a", charset=UTF-8, x-foo="bar", x-foo="baz"`,
			want: Credentials{Scheme: "Digest", Username: "a"},
		},
		{
			name: "userhash false",
			in:   `Digest username="a", userhash=false`,
			want: Credentials{Scheme: "Digest", Username: "a"},
		},
		{
			name: "leading white space and trailing CRLF",
			in:   " \tDigest username=\"a\"\r\n",
			want: Credentials{Scheme: "Digest", Username: "a", Params: `username="a"`},
		},
		{
			name: "UTF-8 in a quoted value",
			in:   `Digest username="józef", realm="r"`,
			want: Credentials{Scheme: "Digest", Username: "józef", Realm: "r"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCredentials(tt.in)
			if err != nil {
				t.Fatalf("ParseCredentials(%q): %v", tt.in, err)
			}
			want := tt.want
			if want.Params == "" {
				want.Params = authParamsOf(tt.in, want.Scheme)
			}
			if got != want {
				t.Errorf("ParseCredentials(%q)\n got %+v\nwant %+v", tt.in, got, want)
			}
		})
	}
}

func TestParseChallenge(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Challenge // Params is filled in from in unless set
	}{
		{
			name: "RFC 3261 20.44 WWW-Authenticate, folded",
			in: "Digest realm=\"atlanta.com\",\r\n" +
				"  domain=\"sip:boxesbybob.com\", qop=\"auth\",\r\n" +
				"  nonce=\"f84f1cec41e6cbe5aea9c8e88d359\",\r\n" +
				"  opaque=\"\", stale=FALSE, algorithm=MD5",
			want: Challenge{Scheme: "Digest", Realm: "atlanta.com", Domain: "sip:boxesbybob.com",
				Nonce: "f84f1cec41e6cbe5aea9c8e88d359", Algorithm: "MD5", QOP: "auth"},
		},
		{
			name: "RFC 3261 20.27 Proxy-Authenticate, folded",
			in: "Digest realm=\"atlanta.com\",\r\n" +
				" domain=\"sip:ss1.carrier.com\", qop=\"auth\",\r\n" +
				" nonce=\"f84f1cec41e6cbe5aea9c8e88d359\",\r\n" +
				" opaque=\"\", stale=FALSE, algorithm=MD5",
			want: Challenge{Scheme: "Digest", Realm: "atlanta.com", Domain: "sip:ss1.carrier.com",
				Nonce: "f84f1cec41e6cbe5aea9c8e88d359", Algorithm: "MD5", QOP: "auth"},
		},
		{
			name: "RFC 2617 3.5",
			in:   `Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`,
			want: Challenge{Scheme: "Digest", Realm: "testrealm@host.com", Nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
				Opaque: "5ccc069c403ebaf9f0171e9517f40e41", QOP: "auth,auth-int"},
		},
		{
			name: "RFC 7616 3.9.1 SHA-256, scheme alone on the first line",
			in: "Digest\r\n" +
				"       realm=\"http-auth@example.org\",\r\n" +
				"       qop=\"auth, auth-int\",\r\n" +
				"       algorithm=SHA-256,\r\n" +
				"       nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n" +
				"       opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
			want: Challenge{Scheme: "Digest", Realm: "http-auth@example.org",
				Nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", Opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
				Algorithm: "SHA-256", QOP: "auth, auth-int"},
		},
		{
			name: "RFC 7616 3.9.2 SHA-512-256 with charset and userhash",
			in: `Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, ` +
				`nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", ` +
				`opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", charset=UTF-8, userhash=true`,
			want: Challenge{Scheme: "Digest", Realm: "api@example.org",
				Nonce: "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", Opaque: "HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS",
				Algorithm: "SHA-512-256", QOP: "auth", Userhash: true},
		},
		{
			name: "RFC 8760 SIP challenge, stale, quoted algorithm",
			in:   `Digest realm="biloxi.example.com", nonce="b8c3f9a2", algorithm="SHA-256", qop="auth", stale=true`,
			want: Challenge{Scheme: "Digest", Realm: "biloxi.example.com", Nonce: "b8c3f9a2",
				Algorithm: "SHA-256", QOP: "auth", Stale: true},
		},
		{
			name: "stale compared without case, quoted",
			in:   `Digest realm="r", nonce="n", stale="TRUE"`,
			want: Challenge{Scheme: "Digest", Realm: "r", Nonce: "n", Stale: true},
		},
		{
			name: "stale with another value means false",
			in:   `Digest realm="r", nonce="n", stale=maybe`,
			want: Challenge{Scheme: "Digest", Realm: "r", Nonce: "n"},
		},
		{
			name: "other scheme",
			in:   `Basic realm="WallyWorld"`,
			want: Challenge{Scheme: "Basic"},
		},
		{
			name: "empty elements",
			in:   `Digest realm="r",,, nonce="n" ,`,
			want: Challenge{Scheme: "Digest", Realm: "r", Nonce: "n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChallenge(tt.in)
			if err != nil {
				t.Fatalf("ParseChallenge(%q): %v", tt.in, err)
			}
			want := tt.want
			if want.Params == "" {
				want.Params = authParamsOf(tt.in, want.Scheme)
			}
			if got != want {
				t.Errorf("ParseChallenge(%q)\n got %+v\nwant %+v", tt.in, got, want)
			}
		})
	}
}

// authErrorTests are inputs both parsers must refuse, with the offset of the
// byte the error points at.
var authErrorTests = []struct {
	name   string
	in     string
	offset int
	reason string
}{
	{"empty", "", 0, "missing auth scheme"},
	{"only white space", "  \t", 0, "missing auth scheme"},
	{"params without a scheme", `username="alice", realm="r"`, 0, "missing auth scheme"},
	{"params without a scheme, LWS before '='", `nonce = "n"`, 0, "missing auth scheme"},
	{"quoted scheme", `"Digest" realm="r"`, 0, "missing auth scheme"},
	{"no white space after scheme", `Digest,realm="r"`, 6, "expected white space after auth scheme"},
	{"Digest without params", "Digest", 6, "Digest header without parameters"},
	{"Digest with trailing white space only", "Digest \r\n ", 6, "Digest header without parameters"},
	{"Digest with only commas", "Digest , ,", 7, "without parameters"},
	// The quote that should have closed realm opens nonce's value, so the
	// error shows where the misread value ends.
	{"unterminated quoted-string", `Digest realm="atlanta.com, nonce="n"`, 34, "unexpected character after value of realm"},
	{"unterminated quoted-string at end", `Digest realm="atlanta.com`, 13, "unterminated quoted-string in realm"},
	{"escaped closing quote", `Digest realm="a\"`, 13, "unterminated quoted-string in realm"},
	{"param without '='", `Digest realm, nonce="n"`, 12, "auth-param realm without '='"},
	{"param without '=' at end", `Digest realm="r", stale`, 23, "auth-param stale without '='"},
	{"value missing before comma", `Digest realm=, nonce="n"`, 13, "missing value for realm"},
	{"value missing at end", `Digest nonce="n", realm=`, 24, "missing value for realm"},
	{"value missing at end with LWS", "Digest realm=\r\n ", 13, "missing value for realm"},
	{"garbage after quoted value", `Digest realm="r"x, nonce="n"`, 16, "unexpected character after value of realm"},
	{"garbage after token value", `Digest nonce=abc def`, 17, "unexpected character after value of nonce"},
	{"quote inside token value", `Digest nonce=abc"def"`, 16, "unexpected character after value of nonce"},
	{"semicolon separator", `Digest realm="r"; nonce="n"`, 16, "unexpected character after value of realm"},
	{"missing param name", `Digest ="r"`, 7, "expected auth-param name"},
	{"value starting with '='", `Digest nonce==abc`, 13, "missing value for nonce"},
	{"folded param without '='", "Digest realm=\"r\",\r\n nonce", 25, "auth-param nonce without '='"},
	{"duplicate nonce", `Digest realm="r", nonce="a", nonce="b"`, 29, "duplicate auth-param nonce"},
	{"duplicate realm in other case", `Digest realm="r", REALM="r"`, 18, "duplicate auth-param REALM"},
	{"duplicate opaque, one empty", `Digest opaque="", realm="r", opaque="x"`, 29, "duplicate auth-param opaque"},
	{"NUL in quoted value", "Digest realm=\"a\x00b\"", 15, "control character in realm"},
	{"bare CR in quoted value", "Digest realm=\"a\rb\"", 15, "control character in realm"},
	{"CRLF without fold in quoted value", "Digest realm=\"a\r\nb\"", 15, "control character in realm"},
	{"escaped control character", "Digest realm=\"a\\\x01\"", 16, "control character in realm"},
	{"DEL in quoted value", "Digest realm=\"a\x7f\"", 15, "control character in realm"},
	{"control character in other scheme", "Basic abc\x00def", 9, "control character in auth parameters"},
	{"CRLF without fold in other scheme", "Basic abc\r\ndef", 9, "control character in auth parameters"},
}

func TestParseErrors(t *testing.T) {
	check := func(t *testing.T, in string, err error, offset int, reason string) {
		t.Helper()
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("parse %q: got error %v, want a *ParseError", in, err)
		}
		if pe.Offset != offset || !strings.Contains(pe.Reason, reason) {
			t.Errorf("parse %q: got offset %d %q, want offset %d %q", in, pe.Offset, pe.Reason, offset, reason)
		}
	}
	for _, tt := range authErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCredentials(tt.in)
			check(t, tt.in, err, tt.offset, tt.reason)
			_, err = ParseChallenge(tt.in)
			check(t, tt.in, err, tt.offset, tt.reason)
		})
	}
}

func TestParseDuplicateOnlyForOwnFields(t *testing.T) {
	// A challenge has no username and credentials have no stale, so a
	// repeat of those is somebody else's extension, not an ambiguity.
	if _, err := ParseChallenge(`Digest realm="r", nonce="n", username="a", username="b"`); err != nil {
		t.Errorf("ParseChallenge: %v", err)
	}
	if _, err := ParseCredentials(`Digest username="a", stale=true, stale=false`); err != nil {
		t.Errorf("ParseCredentials: %v", err)
	}
	if _, err := ParseCredentials(`Digest username="a", userhash=true, userhash=false`); err == nil {
		t.Error("ParseCredentials: duplicate userhash accepted")
	}
	if _, err := ParseChallenge(`Digest realm="r", stale=true, stale=false`); err == nil {
		t.Error("ParseChallenge: duplicate stale accepted")
	}
}

func TestRegaut01File(t *testing.T) {
	data, err := os.ReadFile("testdata/rfc4475/regaut01.dat")
	if err != nil {
		t.Fatal(err)
	}
	var value string
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "Authorization:"); ok {
			value = strings.TrimRight(v, "\r")
		}
	}
	if value == "" {
		t.Fatal("regaut01.dat has no Authorization header")
	}
	c, err := ParseCredentials(value)
	if err != nil {
		t.Fatalf("ParseCredentials(%q): %v", value, err)
	}
	if c.Scheme != "NoOneKnowsThisScheme" || c.Params != "opaque-data=here" || c.Username != "" {
		t.Errorf("got %+v", c)
	}
	if v, ok := c.Param("opaque-data"); !ok || v != "here" {
		t.Errorf(`Param("opaque-data") = %q, %v`, v, ok)
	}
}

func TestParam(t *testing.T) {
	c, err := ParseCredentials(`Digest username="al\"ice", Charset=UTF-8, x-token="a b", realm=r`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		value  string
		wantOK bool
	}{
		{"username", `al"ice`, true},
		{"USERNAME", `al"ice`, true},
		{"charset", "UTF-8", true},
		{"x-token", "a b", true},
		{"realm", "r", true},
		{"nonce", "", false},
		{"user", "", false},
	}
	for _, tt := range tests {
		if v, ok := c.Param(tt.name); v != tt.value || ok != tt.wantOK {
			t.Errorf("Credentials.Param(%q) = %q, %v; want %q, %v", tt.name, v, ok, tt.value, tt.wantOK)
		}
	}

	ch, err := ParseChallenge(`Digest realm="r", nonce="n", charset=UTF-8`)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := ch.Param("CHARSET"); !ok || v != "UTF-8" {
		t.Errorf(`Challenge.Param("CHARSET") = %q, %v`, v, ok)
	}

	// Another scheme's text need not be auth-params; lookups then find
	// nothing instead of failing.
	basic, err := ParseCredentials("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := basic.Param("QWxhZGRpbjpvcGVuIHNlc2FtZQ"); ok {
		t.Errorf("Param on token68 = %q, true", v)
	}
}

func TestNonceCount(t *testing.T) {
	tests := []struct {
		nc     string
		want   uint32
		wantOK bool
	}{
		{"00000001", 1, true},
		{"0000000a", 10, true},
		{"0000000A", 10, true},
		{"ffffffff", 0xffffffff, true},
		{"", 0, false},
		{"1", 0, false},
		{"000000001", 0, false},
		{"0000000g", 0, false},
		{"-0000001", 0, false},
	}
	for _, tt := range tests {
		c := Credentials{NC: tt.nc}
		if got, ok := c.NonceCount(); got != tt.want || ok != tt.wantOK {
			t.Errorf("NonceCount(%q) = %d, %v; want %d, %v", tt.nc, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestQOPOptions(t *testing.T) {
	tests := []struct {
		qop  string
		want []string
	}{
		{"", nil},
		{"auth", []string{"auth"}},
		{"auth,auth-int", []string{"auth", "auth-int"}},
		{"auth, auth-int", []string{"auth", "auth-int"}},
		{" auth ,\tauth-int ,", []string{"auth", "auth-int"}},
		{",,auth,,", []string{"auth"}},
	}
	for _, tt := range tests {
		c := Challenge{QOP: tt.qop}
		if got := c.QOPOptions(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("QOPOptions(%q) = %q, want %q", tt.qop, got, tt.want)
		}
	}
}

func TestAppendChallenge(t *testing.T) {
	tests := []struct {
		name string
		in   Challenge
		want string
	}{
		{
			name: "minimal, empty scheme means Digest",
			in:   Challenge{Realm: "x", Nonce: "y"},
			want: `Digest realm="x", nonce="y"`,
		},
		{
			name: "doc example",
			in:   Challenge{Scheme: "Digest", Realm: "x", Nonce: "y", QOP: "auth", Algorithm: "MD5"},
			want: `Digest realm="x", nonce="y", qop="auth", algorithm=MD5`,
		},
		{
			name: "every field",
			in: Challenge{Scheme: "Digest", Realm: "atlanta.com", Domain: "sip:ss1.carrier.com", Nonce: "n",
				Opaque: "o", Stale: true, Algorithm: "SHA-256", QOP: "auth,auth-int", Userhash: true},
			want: `Digest realm="atlanta.com", domain="sip:ss1.carrier.com", nonce="n", opaque="o", qop="auth,auth-int", algorithm=SHA-256, stale=true, userhash=true`,
		},
		{
			name: "escapes",
			in:   Challenge{Realm: `a"b\c`, Nonce: "n"},
			want: `Digest realm="a\"b\\c", nonce="n"`,
		},
		{
			name: "CR and LF that are not a fold are dropped",
			in:   Challenge{Realm: "evil\r\nVia: x", Nonce: "n\r\n fold"},
			want: "Digest realm=\"evilVia: x\", nonce=\"n\r\n fold\"",
		},
		{
			name: "algorithm that is not a token is quoted",
			in:   Challenge{Realm: "r", Nonce: "n", Algorithm: "MD5 sess"},
			want: `Digest realm="r", nonce="n", algorithm="MD5 sess"`,
		},
		{
			name: "extension params from Params are kept, known ones come from fields",
			in:   Challenge{Scheme: "Digest", Realm: "new", Nonce: "n", Params: `realm="old", charset=UTF-8, nonce="old"`},
			want: `Digest realm="new", nonce="n", charset=UTF-8`,
		},
		{
			name: "other scheme",
			in:   Challenge{Scheme: "Basic", Params: `realm="WallyWorld"`},
			want: `Basic realm="WallyWorld"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendChallenge(nil, &tt.in)); got != tt.want {
				t.Errorf("AppendChallenge = %s\n                 want %s", got, tt.want)
			}
		})
	}
}

func TestAppendCredentials(t *testing.T) {
	tests := []struct {
		name string
		in   Credentials
		want string
	}{
		{
			name: "minimal, empty scheme means Digest",
			in:   Credentials{Username: "alice"},
			want: `Digest username="alice", realm="", nonce="", uri="", response=""`,
		},
		{
			name: "every field",
			in: Credentials{Scheme: "Digest", Username: "alice", Realm: "atlanta.com", Nonce: "n", URI: "sip:atlanta.com",
				Response: "f00d", Algorithm: "SHA-256-sess", CNonce: "c", Opaque: "o", QOP: "auth-int", NC: "00000002",
				Userhash: true},
			want: `Digest username="alice", realm="atlanta.com", nonce="n", uri="sip:atlanta.com", response="f00d", algorithm=SHA-256-sess, cnonce="c", opaque="o", qop=auth-int, nc=00000002, userhash=true`,
		},
		{
			name: "other scheme",
			in:   Credentials{Scheme: "NoOneKnowsThisScheme", Params: "opaque-data=here"},
			want: "NoOneKnowsThisScheme opaque-data=here",
		},
		{
			name: "other scheme alone",
			in:   Credentials{Scheme: "Negotiate"},
			want: "Negotiate",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendCredentials(nil, &tt.in)); got != tt.want {
				t.Errorf("AppendCredentials = %s\n                   want %s", got, tt.want)
			}
		})
	}
}

func TestCredentialsRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   Credentials
	}{
		{"typical", Credentials{Scheme: "Digest", Username: "alice", Realm: "atlanta.example.com",
			Nonce: "84a4cc6f3082121f32b42a2187831a9e", URI: "sip:alice@atlanta.example.com",
			Response: "7587245234b3434cc3412213e5f113a5", Algorithm: "MD5", CNonce: "0a4f113b",
			QOP: "auth", NC: "00000001"}},
		{"SHA-512-256 userhash", Credentials{Scheme: "Digest", Username: "4888", Realm: "api@example.org",
			Nonce: "5TsQ+/=", URI: "/doe.json", Response: "ae66", Algorithm: "SHA-512-256",
			CNonce: "NTg6", Opaque: "HRPC", QOP: "auth", NC: "00000001", Userhash: true}},
		{"quotes and backslashes", Credentials{Scheme: "Digest", Username: `a"b\c`, Realm: `\`, Nonce: `"`,
			URI: "sip:a@b", Response: "x"}},
		{"values with spaces and commas", Credentials{Scheme: "digest", Username: "a, b", Realm: "r r",
			Nonce: "n", URI: "u", Response: "x", Algorithm: "not a token", QOP: "a,b", NC: `"1"`}},
		{"fold in a value", Credentials{Scheme: "Digest", Username: "a\r\n b", Realm: "r", Nonce: "n", URI: "u", Response: "x"}},
		{"other scheme", Credentials{Scheme: "Basic", Params: "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := AppendCredentials(nil, &tt.in)
			got, err := ParseCredentials(string(out))
			if err != nil {
				t.Fatalf("ParseCredentials(%q): %v", out, err)
			}
			want := tt.in
			if isDigestScheme(want.Scheme) {
				// Params holds the text as written, which the input
				// struct did not have.
				got.Params = ""
			}
			if got != want {
				t.Errorf("round trip through %q\n got %+v\nwant %+v", out, got, want)
			}
		})
	}
}

func TestChallengeRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   Challenge
	}{
		{"RFC 3261 20.44", Challenge{Scheme: "Digest", Realm: "atlanta.com", Domain: "sip:boxesbybob.com",
			Nonce: "f84f1cec41e6cbe5aea9c8e88d359", Algorithm: "MD5", QOP: "auth"}},
		{"every field", Challenge{Scheme: "Digest", Realm: "r", Domain: "sip:a sip:b", Nonce: "n", Opaque: "o",
			Stale: true, Algorithm: "SHA-256", QOP: "auth,auth-int", Userhash: true}},
		{"empty realm", Challenge{Scheme: "Digest", Nonce: "n"}},
		{"quotes and backslashes", Challenge{Scheme: "Digest", Realm: `a"b\c`, Nonce: `\\`, Opaque: `"`}},
		{"other scheme", Challenge{Scheme: "Basic", Params: `realm="WallyWorld"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := AppendChallenge(nil, &tt.in)
			got, err := ParseChallenge(string(out))
			if err != nil {
				t.Fatalf("ParseChallenge(%q): %v", out, err)
			}
			if isDigestScheme(tt.in.Scheme) {
				got.Params = ""
			}
			if got != tt.in {
				t.Errorf("round trip through %q\n got %+v\nwant %+v", out, got, tt.in)
			}
		})
	}
}

func TestParseRoundTripKeepsExtensions(t *testing.T) {
	in := `Digest realm="api@example.org", nonce="n", charset=UTF-8, x-foo="a \"b\""`
	c, err := ParseChallenge(in)
	if err != nil {
		t.Fatal(err)
	}
	out := string(AppendChallenge(nil, &c))
	if out != in {
		t.Errorf("AppendChallenge(ParseChallenge(%q)) = %q", in, out)
	}
}

// TestParseCredentialsZeroCopy checks that values point into the input
// instead of being copied.
func TestParseCredentialsZeroCopy(t *testing.T) {
	c, err := ParseCredentials(typicalCredentials)
	if err != nil {
		t.Fatal(err)
	}
	base := uintptr(unsafe.Pointer(unsafe.StringData(typicalCredentials)))
	for _, v := range []string{c.Scheme, c.Username, c.Realm, c.Nonce, c.URI, c.Response, c.Algorithm,
		c.CNonce, c.QOP, c.NC, c.Params} {
		p := uintptr(unsafe.Pointer(unsafe.StringData(v)))
		if p < base || p+uintptr(len(v)) > base+uintptr(len(typicalCredentials)) {
			t.Errorf("value %q is not a slice of the input", v)
		}
	}
}

func TestParseCredentialsAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := ParseCredentials(typicalCredentials); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ParseCredentials allocates %v times, want 0", allocs)
	}
}

func BenchmarkParseCredentials(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(typicalCredentials)))
	for b.Loop() {
		if _, err := ParseCredentials(typicalCredentials); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseChallenge(b *testing.B) {
	const in = `Digest realm="atlanta.com", domain="sip:boxesbybob.com", qop="auth", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5`
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := ParseChallenge(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendChallenge(b *testing.B) {
	c := Challenge{Realm: "atlanta.com", Nonce: "f84f1cec41e6cbe5aea9c8e88d359", QOP: "auth", Algorithm: "MD5"}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendChallenge(buf[:0], &c)
	}
}
