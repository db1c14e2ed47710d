package pv

import "testing"

func FuzzParsePV(f *testing.F) {
	for _, s := range []string{"$ru", "$(avp(x)[*]{s.len})", "$hdr($var(h))[1]", "$(hdr(Via)[-1])",
		"$time(%H:(%M))", "$$", "$(ru{uri.user}{s.substr,1,$var(n)})", "$(<request>ru)", "$avp(x)[append]", "$ru."} {
		f.Add(s)
	}
	p := testParser()
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) == 0 || text[0] != '$' {
			text = "$" + text
		}
		s, n, err := p.ParsePV(text)
		if err == nil && (n > len(text) || n <= 0 || s == nil || s.Text != text[:n]) {
			t.Fatalf("ParsePV(%q) = %d, %v", text, n, s)
		}
		_, _ = p.ParseFormat(text)
	})
}
