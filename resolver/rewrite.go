package resolver

import (
	"errors"
	"regexp"
	"strings"
)

// naptrRegexp is the substitution expression of a NAPTR record (RFC 3402
// §3.2): delim ere delim repl delim [flags], such as
// "!^\+441(.*)$!sip:\1@example.com!". The raw pieces are kept as written
// so that String gives back the input.
type naptrRegexp struct {
	delim       byte
	pattern     string // the ERE, with its escapes
	replacement string // with \1..\9 back-references and escapes
	flags       string // "" or "i"
}

var errBadRegexp = errors.New("resolver: bad NAPTR regexp")

// parseNAPTRRegexp splits s into its parts. The delimiter may be any
// character but a non-zero digit, 'i' (the flag) and a backslash; inside
// the ERE and the replacement, a backslash escapes the next character, so
// an escaped delimiter does not end the part.
func parseNAPTRRegexp(s string) (naptrRegexp, error) {
	if len(s) < 3 {
		return naptrRegexp{}, errBadRegexp
	}
	d := s[0]
	if d >= '1' && d <= '9' || d == 'i' || d == '\\' {
		return naptrRegexp{}, errBadRegexp
	}
	pattern, rest, ok := cutUnescaped(s[1:], d)
	if !ok || pattern == "" {
		return naptrRegexp{}, errBadRegexp
	}
	replacement, flags, ok := cutUnescaped(rest, d)
	if !ok || flags != "" && flags != "i" {
		return naptrRegexp{}, errBadRegexp
	}
	return naptrRegexp{d, pattern, replacement, flags}, nil
}

// cutUnescaped splits s at the first d not preceded by an escaping
// backslash.
func cutUnescaped(s string, d byte) (before, after string, ok bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case d:
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

func (x naptrRegexp) String() string {
	d := string([]byte{x.delim})
	return d + x.pattern + d + x.replacement + d + x.flags
}

// compile turns the ERE into a Go regexp. Go's syntax is a superset of
// the ERE used in practice (anchors, groups, classes, [[:digit:]]);
// Longest gives POSIX's leftmost-longest matching. An escaped delimiter is
// the delimiter itself, taken literally.
func (x naptrRegexp) compile() (*regexp.Regexp, error) {
	pattern := strings.ReplaceAll(x.pattern, `\`+string([]byte{x.delim}), regexp.QuoteMeta(string([]byte{x.delim})))
	if x.flags == "i" {
		pattern = "(?i)" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, errBadRegexp
	}
	re.Longest()
	return re, nil
}

// apply substitutes the first match of the ERE in s with the replacement,
// sed-style as RFC 3402 says (text around the match is kept; ENUM patterns
// anchor with ^...$, so in practice the replacement is the result). It
// reports false when the ERE does not match.
func (x naptrRegexp) apply(s string) (string, bool, error) {
	re, err := x.compile()
	if err != nil {
		return "", false, err
	}
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return "", false, nil
	}
	var b strings.Builder
	b.WriteString(s[:m[0]])
	repl := x.replacement
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '\\' || i+1 == len(repl) {
			b.WriteByte(c)
			continue
		}
		i++
		c = repl[i]
		if c < '1' || c > '9' {
			b.WriteByte(c) // "\\" is a backslash, "\!" the delimiter
			continue
		}
		n := int(c - '0')
		if n > re.NumSubexp() {
			return "", false, errBadRegexp
		}
		if m[2*n] >= 0 {
			b.WriteString(s[m[2*n]:m[2*n+1]])
		}
	}
	b.WriteString(s[m[1]:])
	return b.String(), true, nil
}
