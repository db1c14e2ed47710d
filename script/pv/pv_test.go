package pv

import (
	"strings"
	"testing"

	"switchboard/engine"
	"switchboard/sip"
)

func testParser() *Parser {
	r := engine.NewRegistry()
	r.Register(&engine.Module{Name: "core", PVs: CorePVs()})
	return &Parser{Registry: r}
}

const inviteText = "INVITE sip:alice:pw@example.com:5070;transport=tcp SIP/2.0\r\n" +
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n" +
	"Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2\r\n" +
	"From: \"Bob B\" <sip:bob@biloxi.com>;tag=ft1\r\n" +
	"To: <sip:alice@example.com>\r\n" +
	"Call-ID: call-1@host\r\n" +
	"CSeq: 42 INVITE\r\n" +
	"Contact: \"B\" <sip:bob@10.0.0.1>;q=0.5;expires=60, <sip:bob2@10.0.0.9>\r\n" +
	"Contact: <sip:bob3@10.0.0.3>\r\n" +
	"Path: <sip:a.com>,<sip:b.com>\r\n" +
	"X-Custom: one\r\n" +
	"x-custom: two\r\n" +
	"User-Agent: softphone/1.0\r\n" +
	"Proxy-Authorization: Digest username=\"bob@biloxi.com\", realm=\"biloxi.com\", nonce=\"n1\", uri=\"sip:alice@example.com\", response=\"r1\", algorithm=MD5, cnonce=\"c1\", opaque=\"o1\", qop=auth, nc=00000001\r\n" +
	"P-Asserted-Identity: <sip:pai@example.com>\r\n" +
	"P-Preferred-Identity: \"Pref\" <sip:pref@pp.com>\r\n" +
	"Diversion: <sip:div@d.com>;reason=busy;privacy=full\r\n" +
	"Refer-To: <sip:carol@c.com>\r\n" +
	"Remote-Party-ID: <sip:rpid@r.com>\r\n" +
	"Content-Type: application/sdp\r\n" +
	"Content-Length: 4\r\n\r\nv=0\n"

const replyText = "SIP/2.0 407 Proxy Authentication Required\r\n" +
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n" +
	"From: <sip:bob@biloxi.com>;tag=ft1\r\n" +
	"To: <sip:alice@example.com>;tag=tt9\r\n" +
	"Call-ID: call-1@host\r\n" +
	"CSeq: 42 INVITE\r\n" +
	"Proxy-Authenticate: Digest realm=\"biloxi.com\", nonce=\"cn\", opaque=\"op\", qop=\"auth\", algorithm=MD5, ik=\"ikv\", ck=\"ckv\"\r\n" +
	"Content-Length: 0\r\n\r\n"

func newCtx(t testing.TB, text string) *engine.Context {
	t.Helper()
	m, err := sip.ParseString(text)
	if err != nil {
		t.Fatal(err)
	}
	return &engine.Context{Msg: m, Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
}

func mustPV(t testing.TB, p *Parser, text string) *Spec {
	t.Helper()
	s, n, err := p.ParsePV(text)
	if err != nil {
		t.Fatalf("ParsePV(%q): %v", text, err)
	}
	if n != len(text) {
		t.Fatalf("ParsePV(%q) consumed %d of %d", text, n, len(text))
	}
	return s
}

// Script-CoreVar "Syntax": $name, $name(subname), $(name(subname)[index]{tr}).
func TestParsePVForms(t *testing.T) {
	p := testParser()
	tests := []struct {
		name, text string
		consumed   int
		class      string
		key        string
		index      int
		hasIndex   bool
		all        bool
		keyVar     bool
		indexVar   bool
		trans      int
	}{
		{name: "bare", text: "$ru", consumed: 3, class: "ru"},
		{name: "dotted name is one name", text: "$ruri.user", consumed: 10, class: "ruri.user"},
		{name: "name ends at non-name char", text: "$rU@$rd", consumed: 3, class: "rU"},
		{name: "underscore name", text: "$msg.is_request", consumed: 15, class: "msg.is_request"},
		{name: "trailing dot is text", text: "$ru. done", consumed: 3, class: "ru"},
		{name: "key", text: "$hdr(Via)", consumed: 9, class: "hdr", key: "Via"},
		{name: "ct.fields key", text: "$ct.fields(uri)", consumed: 15, class: "ct.fields", key: "uri"},
		{name: "nested parens in key", text: "$time(%H:(%M))x", consumed: 14, class: "time", key: "%H:(%M)"},
		{name: "key is a variable", text: "$avp($var(x))", consumed: 13, class: "avp", key: "$var(x)", keyVar: true},
		{name: "unwrapped index", text: "$hdr(Via)[1]", consumed: 12, class: "hdr", key: "Via", index: 1, hasIndex: true},
		{name: "unwrapped bracket text is not an index", text: "$avp(x)[see]", consumed: 7, class: "avp", key: "x"},
		{name: "wrapped index", text: "$(hdr(Via)[-1])", consumed: 15, class: "hdr", key: "Via", index: -1, hasIndex: true},
		{name: "wrapped star", text: "$(avp(x)[*])", consumed: 12, class: "avp", key: "x", hasIndex: true, all: true},
		{name: "index variable", text: "$(avp(x)[$var(i)])", consumed: 18, class: "avp", key: "x", hasIndex: true, indexVar: true},
		{name: "append index", text: "$(avp(x)[append])", consumed: 17, class: "avp", key: "x", index: IndexAppend, hasIndex: true},
		{name: "keyless index", text: "$(ct[1])", consumed: 8, class: "ct", index: 1, hasIndex: true},
		{name: "wrapped bare", text: "$(ru)", consumed: 5, class: "ru"},
		{name: "wrapped keyed", text: "$(var(a))", consumed: 9, class: "var", key: "a"},
		{name: "marker", text: "$$", consumed: 2, class: "$"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, n, err := p.ParsePV(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.consumed || s.Class.Name != tc.class || s.Key.Name != tc.key ||
				s.Key.Index != tc.index || s.Key.HasIndex != tc.hasIndex || s.Key.AllIndexes != tc.all ||
				(s.KeyVar != nil) != tc.keyVar || (s.IndexVar != nil) != tc.indexVar || len(s.Trans) != tc.trans {
				t.Errorf("got n=%d class=%s key=%+v keyVar=%v indexVar=%v trans=%d", n, s.Class.Name, s.Key, s.KeyVar != nil, s.IndexVar != nil, len(s.Trans))
			}
			if s.Text != tc.text[:n] {
				t.Errorf("Text = %q", s.Text)
			}
		})
	}
}

func TestParsePVTransformations(t *testing.T) {
	p := testParser()
	s := mustPV(t, p, "$(ru{uri.user}{s.len})")
	if len(s.Trans) != 2 {
		t.Fatalf("trans = %d", len(s.Trans))
	}
	ctx := newCtx(t, inviteText)
	if v := s.Get(ctx); !v.IsInt() || v.Int != 5 {
		t.Errorf("$(ru{uri.user}{s.len}) = %+v, want 5", v)
	}
	if s.Writable() {
		t.Error("a PV with transformations must not be writable")
	}
	if err := s.Set(ctx, engine.Str("x"), false); err == nil {
		t.Error("Set through transformations must fail")
	}
}

func TestParsePVErrors(t *testing.T) {
	p := testParser()
	tests := []struct{ name, text, want string }{
		{"unknown with suggestion", "$ruri.usr", "unknown pseudo-variable $ruri.usr (did you mean $ruri.user?)"},
		{"unknown no suggestion", "$nothingatall", "unknown pseudo-variable $nothingatall"},
		{"no name", "$", "a pseudo-variable starts with '$'"},
		{"bad char after $", "$-x", "must be followed by a pseudo-variable name"},
		{"key on keyless", "$ru(x)", "$ru takes no name"},
		{"missing required key", "$hdr", "$hdr needs a name"},
		{"empty key", "$hdr()", "empty name"},
		{"unclosed key", "$hdr(Via", "missing ')'"},
		{"index on non-indexed", "$(ru[1])", "$ru takes no index"},
		{"bad index", "$(avp(x)[1a])", "invalid index"},
		{"unclosed wrapped", "$(ru", "missing ')'"},
		{"junk in wrapped", "$(ru x)", "expected ')'"},
		{"unclosed index", "$(avp(x)[1)", "missing ']'"},
		{"unclosed trans", "$(ru{s.len)", "missing '}'"},
		{"append on read-only", "$(hdr(Via)[append])", "read-only"},
		{"bad key from ParseKey", "$ct.fields(bogus)", "unknown contact field"},
		{"bad color", "$C(zz)", "invalid color"},
		{"bad key variable", "$avp($nope(x))", "unknown pseudo-variable $nope"},
		{"context unsupported", "$(<request>ru)", "not supported"},
		{"unwrapped index on non-indexed", "$var(x)[1]", "takes no index"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := p.ParsePV(tc.text)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParsePV(%q) error = %v, want %q", tc.text, err, tc.want)
			}
		})
	}
}

func intValue(n int) engine.Value { return engine.Int(n) }
