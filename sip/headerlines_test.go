package sip

import (
	"strings"
	"testing"
)

func TestHeaderLines(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"X-A: 1", "X-A: 1\r\n", true},
		{"X-A: 1\r\nX-B: 2\r\n", "X-A: 1\r\nX-B: 2\r\n", true},
		{"X-A:", "X-A:\r\n", true},
		{"", "", false},
		{"no colon", "", false},
		{": no name", "", false},
		{"X-A: 1\r\n\r\nbody", "", false},
		{"X-A: 1\nX-B: 2", "", false},
		{"X-A: 1\rX-B: 2", "", false},
	}
	for _, tc := range tests {
		got, err := HeaderLines(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("HeaderLines(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// FuzzHeaderLines: header lines from a script either are refused or come back as
// CRLF-ended header lines with no empty line among them.
func FuzzHeaderLines(f *testing.F) {
	for _, s := range []string{"X-A: 1\r\n", "X-A: 1", "X-A: 1\r\nX-B: 2\r\n", "X\r\n\r\nbody", "nonsense", ": v\r\n", "X-A: 1\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := HeaderLines(s)
		if err != nil {
			return
		}
		if !strings.HasSuffix(out, "\r\n") || strings.Contains(out, "\r\n\r\n") || strings.HasPrefix(out, "\r\n") {
			t.Fatalf("%q gave %q", s, out)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if strings.ContainsAny(line, "\r\n") || !strings.Contains(line, ":") {
				t.Fatalf("%q gave the line %q", s, line)
			}
		}
	})
}
