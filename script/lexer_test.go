package script

import (
	"testing"
)

func TestLexTokens(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Token // only Kind and Text are compared
	}{
		{"identifier and number", "udp_workers 4", []Token{{Kind: Ident, Text: "udp_workers"}, {Kind: Number, Text: "4"}}},
		{"hex number", "0x1F", []Token{{Kind: Number, Text: "0x1F"}}},
		{"negative is two tokens", "-5", []Token{{Kind: Punct, Text: "-"}, {Kind: Number, Text: "5"}}},
		{"double quoted escapes", `"a\n\t\"\\\x41\101"`, []Token{{Kind: String, Text: "a\n\t\"\\AA"}}},
		{"unknown escape kept", `"^\+1\d\1"`, []Token{{Kind: String, Text: `^\+1\d\1`}}},
		{"backslash newline in string", "\"ab\\\ncd\"", []Token{{Kind: String, Text: "abcd"}}},
		{"single quoted raw", `'a\nb'`, []Token{{Kind: String, Text: `a\nb`}}},
		{"simple pv", "$ru", []Token{{Kind: PV, Text: "$ru"}}},
		{"pv with name", "$var(x)", []Token{{Kind: PV, Text: "$var(x)"}}},
		{"pv full form", "$(avp(x)[2]{s.len}{uri.user})", []Token{{Kind: PV, Text: "$(avp(x)[2]{s.len}{uri.user})"}}},
		{"pv negative index", "$(hdr(Via)[-1])", []Token{{Kind: PV, Text: "$(hdr(Via)[-1])"}}},
		{"pv with space inside parens", "$(avp(x){s.select, 1, ,})", []Token{{Kind: PV, Text: "$(avp(x){s.select, 1, ,})"}}},
		{"pv ends at operator", "$rU==NULL", []Token{{Kind: PV, Text: "$rU"}, {Kind: Punct, Text: "=="}, {Kind: Ident, Text: "NULL"}}},
		{"pv ends at paren", "f($si)", []Token{{Kind: Ident, Text: "f"}, {Kind: Punct, Text: "("}, {Kind: PV, Text: "$si"}, {Kind: Punct, Text: ")"}}},
		{"pv dotted", "$T_branch_idx $ruri.user", []Token{{Kind: PV, Text: "$T_branch_idx"}, {Kind: PV, Text: "$ruri.user"}}},
		{"pv param and dollar", "$param(1) $$", []Token{{Kind: PV, Text: "$param(1)"}, {Kind: PV, Text: "$$"}}},
		{"assign operators", ":= += -= *= /= %= &= |= ^= =", []Token{
			{Kind: Punct, Text: ":="}, {Kind: Punct, Text: "+="}, {Kind: Punct, Text: "-="}, {Kind: Punct, Text: "*="},
			{Kind: Punct, Text: "/="}, {Kind: Punct, Text: "%="}, {Kind: Punct, Text: "&="}, {Kind: Punct, Text: "|="},
			{Kind: Punct, Text: "^="}, {Kind: Punct, Text: "="}}},
		{"comparison operators", "== != > < >= <= =~ !~", []Token{
			{Kind: Punct, Text: "=="}, {Kind: Punct, Text: "!="}, {Kind: Punct, Text: ">"}, {Kind: Punct, Text: "<"},
			{Kind: Punct, Text: ">="}, {Kind: Punct, Text: "<="}, {Kind: Punct, Text: "=~"}, {Kind: Punct, Text: "!~"}}},
		{"logic and bits", "&& || ! and or not & | ^ ~ << >> + - * / %", []Token{
			{Kind: Punct, Text: "&&"}, {Kind: Punct, Text: "||"}, {Kind: Punct, Text: "!"}, {Kind: Punct, Text: "&&"},
			{Kind: Punct, Text: "||"}, {Kind: Punct, Text: "!"}, {Kind: Punct, Text: "&"}, {Kind: Punct, Text: "|"},
			{Kind: Punct, Text: "^"}, {Kind: Punct, Text: "~"}, {Kind: Punct, Text: "<<"}, {Kind: Punct, Text: ">>"},
			{Kind: Punct, Text: "+"}, {Kind: Punct, Text: "-"}, {Kind: Punct, Text: "*"}, {Kind: Punct, Text: "/"},
			{Kind: Punct, Text: "%"}}},
		{"ipv4", "10.0.0.1", []Token{{Kind: IPv4, Text: "10.0.0.1"}}},
		{"ipv4 net", "10.0.0.0/8", []Token{{Kind: IPNet, Text: "10.0.0.0/8"}}},
		{"ipv4 net with mask", "10.0.0.0/255.0.0.0", []Token{{Kind: IPNet, Text: "10.0.0.0/255.0.0.0"}}},
		{"ipv6", "::1 2001:db8::1 fe80::/10", []Token{{Kind: IPv6, Text: "::1"}, {Kind: IPv6, Text: "2001:db8::1"}, {Kind: IPNet, Text: "fe80::/10"}}},
		{"socket value", "udp:127.0.0.1:5060", []Token{{Kind: Ident, Text: "udp"}, {Kind: Punct, Text: ":"}, {Kind: IPv4, Text: "127.0.0.1"}, {Kind: Punct, Text: ":"}, {Kind: Number, Text: "5060"}}},
		{"case label is not ipv6", "case 1: default:", []Token{{Kind: Ident, Text: "case"}, {Kind: Number, Text: "1"}, {Kind: Punct, Text: ":"}, {Kind: Ident, Text: "default"}, {Kind: Punct, Text: ":"}}},
		{"comments", "a # x\nb // y\nc /* z /* nested */ still */ d", []Token{{Kind: Ident, Text: "a"}, {Kind: Ident, Text: "b"}, {Kind: Ident, Text: "c"}, {Kind: Ident, Text: "d"}}},
		{"line continuation", "a \\\n b", []Token{{Kind: Ident, Text: "a"}, {Kind: Ident, Text: "b"}}},
		{"dashed keywords", "mem-group read-only mem-x", []Token{{Kind: Ident, Text: "mem-group"}, {Kind: Ident, Text: "read-only"}, {Kind: Ident, Text: "mem"}, {Kind: Punct, Text: "-"}, {Kind: Ident, Text: "x"}}},
		{"illegal byte", "@", []Token{{Kind: Illegal, Text: "@"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			toks, errs := Lex("t.cfg", []byte(tc.src))
			if len(errs) > 0 {
				t.Fatalf("lex errors: %v", errs)
			}
			toks = toks[:len(toks)-1] // EOF
			if len(toks) != len(tc.want) {
				t.Fatalf("got %d tokens %v, want %d", len(toks), toks, len(tc.want))
			}
			for i, w := range tc.want {
				if toks[i].Kind != w.Kind || toks[i].Text != w.Text {
					t.Errorf("token %d = %v %q, want %v %q", i, toks[i].Kind, toks[i].Text, w.Kind, w.Text)
				}
			}
		})
	}
}

func TestLexPositions(t *testing.T) {
	src := "route {\n\tif ($ru == \"x\")\n\t\t/* c\n */ exit;\n}"
	toks, errs := Lex("p.cfg", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []string{"p.cfg:1:1", "p.cfg:1:7", "p.cfg:2:2", "p.cfg:2:5", "p.cfg:2:6", "p.cfg:2:10", "p.cfg:2:13", "p.cfg:2:16", "p.cfg:4:5", "p.cfg:4:9", "p.cfg:5:1", "p.cfg:5:2"}
	for i, w := range want {
		if got := toks[i].Pos.String(); got != w {
			t.Errorf("token %d %q at %s, want %s", i, toks[i].Text, got, w)
		}
	}
}

func TestLexErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unclosed double string", `xlog("abc`, `e.cfg:1:6: string not closed: missing '"'`},
		{"unclosed single string", `'abc`, `e.cfg:1:1: string not closed: missing "'"`},
		{"unclosed comment", "a /* b", "e.cfg:1:3: comment not closed: '/*' without matching '*/'"},
		{"unclosed pv", "$(avp(x)", "e.cfg:1:1: pseudo-variable not closed: missing ')'"},
		{"empty pv", "$ ", "e.cfg:1:1: '$' must be followed by a pseudo-variable name"},
		{"bad ipv4", "300.1.1.1", "e.cfg:1:1: bad IPv4 address 300.1.1.1"},
		{"bad net", "10.0.0.0/99", "e.cfg:1:1: bad IP network 10.0.0.0/99"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := Lex("e.cfg", []byte(tc.src))
			if len(errs) != 1 || errs[0].Error() != tc.want {
				t.Fatalf("errors %q, want %q", errs.Error(), tc.want)
			}
		})
	}
}
