package resolver

import (
	"fmt"
	"strings"
	"testing"
)

func TestUnescapeCharString(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "SIP+D2U", "SIP+D2U"},
		{"escaped backslash", `!^\\+1(.*)$!\\1!`, `!^\+1(.*)$!\1!`},
		{"escaped quote", `a\"b`, `a"b`},
		{"decimal escape", `\065\255`, "A\xff"},
		{"decimal escape over 255 is a plain escape", `\256`, "256"},
		{"short decimal is a plain escape", `\06`, "06"},
		{"trailing backslash kept", `ab\`, `ab\`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unescapeCharString(tt.in); got != tt.want {
				t.Errorf("unescapeCharString(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// escapeCharString is the presentation form, written here only to check
// that unescapeCharString undoes it.
func escapeCharString(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c > '~':
			fmt.Fprintf(&b, `\%03d`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// FuzzUnescapeCharString: never panics, never grows the string, and undoes
// the presentation escaping of any bytes.
func FuzzUnescapeCharString(f *testing.F) {
	for _, s := range []string{`!^\\+1(.*)$!\\1!`, `\065\`, `\"\256`, "SIP+D2U"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if u := unescapeCharString(s); len(u) > len(s) {
			t.Fatalf("%q grew to %q", s, u)
		}
		if u := unescapeCharString(escapeCharString(s)); u != s {
			t.Fatalf("round trip: %q -> %q -> %q", s, escapeCharString(s), u)
		}
	})
}
