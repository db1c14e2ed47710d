package sip

// Character classes of RFC 3261 §25.1, one table lookup each.
const (
	classAlnum           = 1 << iota // ALPHA / DIGIT
	classToken                       // token characters
	classWord                        // word characters (Call-ID)
	classUnreserved                  // alphanum / mark
	classUserUnreserved              // "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
	classParamUnreserved             // "[" / "]" / "/" / ":" / "&" / "+" / "$"
	classHnvUnreserved               // "[" / "]" / "/" / "?" / ":" / "+" / "$"
	classPassword                    // "&" / "=" / "+" / "$" / ","
)

var charClass [256]uint8

func init() {
	set := func(chars string, class uint8) {
		for i := 0; i < len(chars); i++ {
			charClass[chars[i]] |= class
		}
	}
	for c := 0; c < 256; c++ {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			charClass[c] |= classAlnum | classToken | classWord | classUnreserved
		}
	}
	set("-.!%*_+`'~", classToken)
	set("-.!%*_+`'~()<>:\\\"/[]?{}", classWord)
	set("-_.!~*'()", classUnreserved)
	set("&=+$,;?/", classUserUnreserved)
	set("[]/:&+$", classParamUnreserved)
	set("[]/?:+$", classHnvUnreserved)
	set("&=+$,", classPassword)
}

func isToken(c byte) bool    { return charClass[c]&classToken != 0 }
func isWordChar(c byte) bool { return charClass[c]&classWord != 0 }
func isAlnum(c byte) bool    { return charClass[c]&classAlnum != 0 }
func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isWS(c byte) bool       { return c == ' ' || c == '\t' }

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// isTokenString reports whether s is a non-empty RFC 3261 token.
func isTokenString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isToken(s[i]) {
			return false
		}
	}
	return true
}

// skipLWS skips linear white space (RFC 3261 LWS = [*WSP CRLF] 1*WSP) from
// s[i:]. Header values keep their folded line ends, so every value scanner
// goes through here rather than looking for plain spaces.
func skipLWS(s string, i int) int {
	for i < len(s) {
		switch {
		case isWS(s[i]):
			i++
		case s[i] == '\r' && i+2 < len(s) && s[i+1] == '\n' && isWS(s[i+2]):
			i += 3
		case s[i] == '\n' && i+1 < len(s) && isWS(s[i+1]):
			i += 2 // a bare LF fold, tolerated like OpenSIPS does
		default:
			return i
		}
	}
	return i
}

// trimLWS trims LWS from both ends of s.
func trimLWS(s string) string {
	s = s[skipLWS(s, 0):]
	for len(s) > 0 {
		c := s[len(s)-1]
		if isWS(c) || c == '\r' || c == '\n' {
			s = s[:len(s)-1]
			continue
		}
		break
	}
	return s
}

// scanToken returns the end of the token that starts at s[i].
func scanToken(s string, i int) int {
	for i < len(s) && isToken(s[i]) {
		i++
	}
	return i
}

// scanQuoted returns the index just past the closing quote of the
// quoted-string whose opening quote is at s[i], or -1 if it is unterminated.
func scanQuoted(s string, i int) int {
	for i++; i < len(s); i++ {
		switch s[i] {
		case '"':
			return i + 1
		case '\\':
			i++ // quoted-pair: the next byte is taken literally
		}
	}
	return -1
}

// Unquote removes the quotes and quoted-pair escapes of a quoted-string. A
// string without surrounding quotes is returned unchanged.
func Unquote(s string) string {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	s = s[1 : len(s)-1]
	if !containsByte(s, '\\') {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b = append(b, s[i])
	}
	return string(b)
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// lower returns the ASCII lower-case form of c.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// EqualFold reports whether a and b are equal under ASCII case folding, the
// comparison SIP uses for tokens, header names and most parameters.
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

// parseUint parses a run of decimal digits that must fit in max. It returns
// false for an empty string, a non-digit or an overflow.
func parseUint(s string, max uint64) (uint64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		d := uint64(s[i] - '0')
		if n > (max-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// listNext is called where one value of a comma-separated header ends: only
// LWS may come before the ',' or the end of the header. It returns the index
// just past the ',' (where the next value starts), or len(s) at the end.
func listNext(s string, i int) (int, error) {
	i = skipLWS(s, i)
	if i >= len(s) {
		return len(s), nil
	}
	if s[i] != ',' {
		return i, errorAt(i, "unexpected character after value")
	}
	if skipLWS(s, i+1) >= len(s) {
		return i, errorAt(i, "empty value after ','")
	}
	return i + 1, nil
}
