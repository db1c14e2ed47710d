package blacklist

import (
	"net/netip"
	"strings"
	"testing"
)

// FuzzParseMIRule: any text either fails or gives a rule whose MI form
// reads back as the same rule.
func FuzzParseMIRule(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "!udp,10.0.0.0/8,5060,*INVITE*", "tcp,::1/64", "any,1.2.3.4/255.0.255.0,0",
		"10.0.0.1,", "udp,", "!", "[::1]/128,1,a,b,c", "1.2.3.4/33"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseMIRule(s)
		if err != nil {
			return
		}
		again, err := ParseMIRule(r.String())
		if err != nil || !again.same(r) {
			t.Fatalf("%q -> %q -> %+v, %v", s, r.String(), again, err)
		}
		r.Matches(netip.MustParseAddr("127.0.0.1"), "udp", 5060, []byte(s))
	})
}

// FuzzParseDefinition: any dst_blacklist value either fails or defines a
// list whose rules all read back from their MI form.
func FuzzParseDefinition(f *testing.F) {
	for _, s := range []string{`gw:{( udp , 10.0.0.1 , 5060 , "" ),( any , 192.168.0.0/16 , 0 , "^OPTIONS" )}`,
		`dyn/expire,default: { !(tcp, ::1/128, 5060, "*INVITE*"), (127.0.0.2), (fe80::1,5) }`, "x", "x: {}", "x: { ( }",
		`x: { !!(1.2.3.4) }`, `x/readonly: { (a,b,c,"d") }`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDefinition(words(strings.ReplaceAll(s, "\x00", "")))
		if err != nil {
			return
		}
		set := NewSet(nil)
		l, err := set.Define("fuzz", d)
		if err != nil {
			return
		}
		for _, r := range l.Rules() {
			again, err := ParseMIRule(r.String())
			if err != nil || !again.same(r) {
				t.Fatalf("rule %q does not read back: %v", r.String(), err)
			}
		}
	})
}

// FuzzMatch: Match never panics, and a pattern with every byte quoted
// matches exactly its own text.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{{"*INVITE*", "INVITE sip:a"}, {"[!a-c]?*", "d"}, {"[", "["}, {`\`, `\`}, {"[]-]", "-"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, text string) {
		Match(pattern, []byte(text))
		var quoted strings.Builder
		for i := 0; i < len(text); i++ {
			quoted.WriteByte('\\')
			quoted.WriteByte(text[i])
		}
		if !Match(quoted.String(), []byte(text)) {
			t.Fatalf("quoted %q does not match itself", text)
		}
		if len(text) > 0 && Match(quoted.String(), []byte(text[:len(text)-1])) {
			t.Fatalf("quoted %q matches a shorter text", text)
		}
	})
}
