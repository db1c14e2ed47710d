package resolver

// unescapeCharString turns a character-string as miekg/dns v1 keeps it in
// its record structs (presentation form: "\\" for a backslash, "\"" for a
// quote, "\DDD" for any byte) back into the bytes that were on the wire.
// Without it, the "\1" of an ENUM regexp would arrive as "\\1". A
// malformed escape is kept as written.
func unescapeCharString(s string) string {
	i := 0
	for i < len(s) && s[i] != '\\' {
		i++
	}
	if i == len(s) {
		return s // the usual case: nothing to undo, nothing allocated
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b = append(b, c)
			continue
		}
		if i+3 < len(s) && isDigitByte(s[i+1]) && isDigitByte(s[i+2]) && isDigitByte(s[i+3]) {
			if n := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0'); n <= 255 {
				b = append(b, byte(n))
				i += 3
				continue
			}
		}
		i++
		b = append(b, s[i])
	}
	return string(b)
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }
