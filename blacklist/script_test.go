package blacklist

import (
	"strings"
	"testing"
)

// words splits a value the way the script parser does: white space
// outside quotes, a quoted string a word of its own.
func words(s string) []Word {
	var out []Word
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			break
		}
		if s[0] == '"' {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 { // unterminated: the rest is the string
				out = append(out, Word{Text: s[1:], Quoted: true})
				break
			}
			out = append(out, Word{Text: s[1 : end+1], Quoted: true})
			s = s[end+2:]
			continue
		}
		end := strings.IndexAny(s, " \t\"")
		if end < 0 {
			end = len(s)
		}
		out = append(out, Word{Text: s[:end]})
		s = s[end:]
	}
	return out
}

func TestParseDefinition(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		list  string
		flags Flags
		rules []string
		err   string
	}{
		{"four fields", `gw:{( udp , 10.0.0.1 , 5060 , "" ),( any , 192.168.0.0/16 , 0 , "^OPTIONS" )}`,
			"gw", ReadOnly, []string{"udp,10.0.0.1/255.255.255.255,5060", "any,192.168.0.0/255.255.0.0,0,^OPTIONS"}, ""},
		{"flags and short forms", `dyn/expire,default: { !(tcp, ::1/128, 5060, "*INVITE*"), (127.0.0.2), (fe80::1,5), (tls, 10.0.0.0/8) }`,
			"dyn", Expire | ByDefault, []string{"!tcp,::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,5060,*INVITE*",
				"any,127.0.0.2/255.255.255.255", "any,fe80::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,5",
				"tls,10.0.0.0/255.0.0.0"}, ""},
		{"name only", "empty", "empty", ReadOnly, nil, ""},
		{"empty body", "e/default: { }", "e", ByDefault, nil, ""},
		{"spaced mask", "m: { ( 10.0.0.0 / 8 , any ) }", "m", ReadOnly, []string{"any,10.0.0.0/255.0.0.0"}, ""},
		{"duplicates kept once", "d: { (10.0.0.1), (10.0.0.1) }", "d", ReadOnly, []string{"any,10.0.0.1/255.255.255.255"}, ""},
		{"readonly and expire", "x/readonly,expire: {}", "", 0, nil, "readonly"},
		{"unknown flag", "x/sticky: {}", "", 0, nil, "unknown blacklist flag"},
		{"no colon", "x { (10.0.0.1) }", "", 0, nil, `expected "name:"`},
		{"bad name", "a.b: {}", "", 0, nil, "bad blacklist name"},
		{"missing close brace", "x: { (10.0.0.1)", "", 0, nil, `missing "}"`},
		{"missing paren", "x: { (10.0.0.1 }", "", 0, nil, "unexpected"},
		{"trailing comma", "x: { (10.0.0.1), }", "", 0, nil, "rule expected"},
		{"no comma between rules", "x: { (10.0.0.1) (10.0.0.2) }", "", 0, nil, `expected ","`},
		{"junk after", "x: { (10.0.0.1) } y", "", 0, nil, "after"},
		{"five fields", `x: { (udp, 10.0.0.1, 1, "a", 2) }`, "", 0, nil, "1 to 4 fields"},
		{"unquoted pattern", "x: { (udp, 10.0.0.1, 1, abc) }", "", 0, nil, "quoted"},
		{"quoted ip", `x: { (udp, "10.0.0.1") }`, "", 0, nil, "unexpected string"},
		{"bad ip", "x: { (udp, host.example) }", "", 0, nil, "not an IP"},
		{"bad proto", "x: { (foo, 10.0.0.1, 1) }", "", 0, nil, "unknown protocol"},
		{"bad port", "x: { (10.0.0.1, 99999) }", "", 0, nil, "bad port"},
		{"empty field", "x: { (udp,,1) }", "", 0, nil, "empty field"},
		{"bare rule", "x: { 10.0.0.1 }", "", 0, nil, `expected "("`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParseDefinition(words(c.in))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("ParseDefinition(%s) err = %v, want %q", c.in, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDefinition(%s): %v", c.in, err)
			}
			if d.Name != c.list || d.Flags != c.flags {
				t.Errorf("name/flags = %s/%b, want %s/%b", d.Name, d.Flags, c.list, c.flags)
			}
			set := NewSet(nil)
			l, err := set.Define("script", d)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range l.Rules() {
				got = append(got, r.String())
			}
			if strings.Join(got, " | ") != strings.Join(c.rules, " | ") {
				t.Errorf("rules:\n got %q\nwant %q", got, c.rules)
			}
		})
	}
}
