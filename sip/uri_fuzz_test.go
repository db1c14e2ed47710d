package sip

import (
	"errors"
	"testing"
)

// FuzzParseURI checks that ParseURI never panics, that what it accepts it
// keeps byte for byte and parses the same way again, that a parsed URI
// equals itself, and that the escaping helpers round-trip any input.
func FuzzParseURI(f *testing.F) {
	for _, tc := range uriCases {
		f.Add(tc.in)
	}
	for _, tc := range uriErrorCases {
		f.Add(tc.in)
	}
	for _, tc := range uriEqualCases {
		f.Add(tc.a)
		f.Add(tc.b)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkEscaping(t, s)
		u, err := ParseURI(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(s) || pe.Reason == "" {
				t.Fatalf("ParseURI(%q): bad error %#v", s, err)
			}
			return
		}
		if u.Raw != s {
			t.Fatalf("ParseURI(%q).Raw = %q", s, u.Raw)
		}
		if !u.Equal(&u) {
			t.Fatalf("ParseURI(%q) is not equal to itself: %+v", s, u)
		}
		again, err := ParseURI(u.Raw)
		if err != nil || again != u {
			t.Fatalf("re-parsing %q: %+v, %v; first parse %+v", s, again, err, u)
		}
		// Every escape outside an opaque URI was checked, so decoding the
		// parts cannot fail.
		for _, part := range []string{u.User, u.Password, string(u.Params), u.Headers} {
			if _, err := Unescape(part); err != nil && u.Opaque == "" {
				t.Fatalf("ParseURI(%q) accepted a bad escape in %q: %v", s, part, err)
			}
		}
		if u.IsSIP() && u.Host == "" {
			t.Fatalf("ParseURI(%q) accepted a sip URI without host", s)
		}
	})
}

// checkEscaping: Unescape undoes EscapeUser and EscapeParam, and what
// EscapeUser makes is a user part that ParseURI accepts.
func checkEscaping(t *testing.T, s string) {
	for _, esc := range []func(string) string{EscapeUser, EscapeParam} {
		e := esc(s)
		back, err := Unescape(e)
		if err != nil || back != s {
			t.Fatalf("Unescape(%q) = %q, %v; want %q", e, back, err, s)
		}
	}
	if s != "" {
		uri := "sip:" + EscapeUser(s) + "@h.example"
		if _, err := ParseURI(uri); err != nil {
			t.Fatalf("ParseURI(%q) of an escaped user: %v", uri, err)
		}
	}
}
