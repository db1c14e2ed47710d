package resolver

import "testing"

func TestNAPTRRegexp(t *testing.T) {
	tests := []struct {
		name, expr, input string
		want              string
		match             bool
		parseErr          bool
		applyErr          bool
	}{
		{name: "ENUM back-reference", expr: `!^\+441(.*)$!sip:\1@example.com!`, input: "+441234",
			want: "sip:234@example.com", match: true},
		{name: "whole string", expr: `!^.*$!sip:info@example.com!`, input: "+1", want: "sip:info@example.com", match: true},
		{name: "no match", expr: `!^\+1(.*)$!sip:\1@x!`, input: "+44", match: false},
		{name: "sed-style keeps text around the match", expr: `/44/XX/`, input: "+441234", want: "+XX1234", match: true},
		{name: "case-insensitive flag", expr: `!^abc$!ok!i`, input: "ABC", want: "ok", match: true},
		{name: "without i flag case matters", expr: `!^abc$!ok!`, input: "ABC", match: false},
		{name: "escaped delimiter in ERE and replacement", expr: `/^a\/b$/x\/y/`, input: "a/b", want: "x/y", match: true},
		{name: "escaped backslash in replacement", expr: `!^(.*)$!\\\1!`, input: "z", want: `\z`, match: true},
		{name: "special delimiter taken literally", expr: `.a\.b.c.`, input: "a.b", want: "c", match: true},
		{name: "group that did not take part is empty", expr: `!^(x)?(y)$!<\1\2>!`, input: "y", want: "<y>", match: true},
		{name: "POSIX class", expr: `!^\+([[:digit:]]+)$!tel:\1!`, input: "+12", want: "tel:12", match: true},
		{name: "leftmost-longest", expr: `!(a|ab)!X!`, input: "abc", want: "Xc", match: true},
		{name: "back-reference past the groups", expr: `!^(a)$!\2!`, input: "a", applyErr: true},
		{name: "bad ERE", expr: `!(unclosed!x!`, input: "a", applyErr: true},
		{name: "digit delimiter", expr: `1a1b1`, parseErr: true},
		{name: "i as delimiter", expr: `iaibi`, parseErr: true},
		{name: "backslash delimiter", expr: `\a\b\`, parseErr: true},
		{name: "missing final delimiter", expr: `!a!b`, parseErr: true},
		{name: "unknown flag", expr: `!a!b!g`, parseErr: true},
		{name: "empty ERE", expr: `!!b!`, parseErr: true},
		{name: "too short", expr: `!!`, parseErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := parseNAPTRRegexp(tt.expr)
			if (err != nil) != tt.parseErr {
				t.Fatalf("parse error = %v, want error %v", err, tt.parseErr)
			}
			if err != nil {
				return
			}
			if s := x.String(); s != tt.expr {
				t.Errorf("String() = %q, want the input %q", s, tt.expr)
			}
			got, ok, err := x.apply(tt.input)
			if (err != nil) != tt.applyErr {
				t.Fatalf("apply error = %v, want error %v", err, tt.applyErr)
			}
			if ok != tt.match || got != tt.want {
				t.Errorf("apply(%q) = %q, %v; want %q, %v", tt.input, got, ok, tt.want, tt.match)
			}
		})
	}
}

// FuzzNAPTRRegexp: parsing never panics, a parsed expression prints back
// as its input, and applying it never panics.
func FuzzNAPTRRegexp(f *testing.F) {
	for _, s := range []string{`!^\+441(.*)$!sip:\1@example.com!`, `/a\/b/c/i`, `!(!x!`, `!a!\9!`, `.a\.b.c.`} {
		f.Add(s, "+441234")
	}
	f.Fuzz(func(t *testing.T, expr, input string) {
		x, err := parseNAPTRRegexp(expr)
		if err != nil {
			return
		}
		if x.String() != expr {
			t.Fatalf("round trip: %q -> %q", expr, x.String())
		}
		if len(expr) > 200 {
			return // regexp compile time grows with size; nothing new to find there
		}
		_, _, _ = x.apply(input)
	})
}
