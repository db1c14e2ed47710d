package blacklist

// Match reports whether text matches the shell pattern as fnmatch(3)
// with no flags does, which is how OpenSIPS compares a rule's pattern
// with the outgoing message: '*' is any run of bytes ('/' and newlines
// included), '?' any one byte, "[...]" a set ("[!...]" or "[^...]" its
// complement, "a-z" ranges, a leading ']' literal), '\' quotes the next
// byte. An unclosed '[' is a literal. It runs in O(len(pattern) *
// len(text)) at worst, without recursion.
func Match(pattern string, text []byte) bool {
	p, t := 0, 0
	starP, starT := -1, 0
	for t < len(text) {
		if p < len(pattern) {
			switch c := pattern[p]; c {
			case '*':
				for p < len(pattern) && pattern[p] == '*' {
					p++
				}
				if p == len(pattern) {
					return true
				}
				starP, starT = p, t
				continue
			case '?':
				p++
				t++
				continue
			case '[':
				if ok, next, valid := matchSet(pattern, p, text[t]); valid {
					if ok {
						p, t = next, t+1
						continue
					}
				} else if text[t] == '[' {
					p, t = p+1, t+1
					continue
				}
			case '\\':
				if p+1 < len(pattern) {
					if pattern[p+1] == text[t] {
						p, t = p+2, t+1
						continue
					}
				} else if text[t] == '\\' {
					p, t = p+1, t+1
					continue
				}
			default:
				if c == text[t] {
					p, t = p+1, t+1
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starT++
		p, t = starP, starT
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// matchSet matches c against the bracket expression at pattern[open]
// ('['). It returns whether c is in the set, the index after the closing
// ']', and valid=false when the bracket is never closed (then '[' is a
// literal).
func matchSet(pattern string, open int, c byte) (in bool, next int, valid bool) {
	i := open + 1
	negate := false
	if i < len(pattern) && (pattern[i] == '!' || pattern[i] == '^') {
		negate = true
		i++
	}
	first := true
	for i < len(pattern) {
		lo := pattern[i]
		if lo == ']' && !first {
			return in != negate, i + 1, true
		}
		first = false
		if lo == '\\' && i+1 < len(pattern) {
			i++
			lo = pattern[i]
		}
		i++
		hi := lo
		if i+1 < len(pattern) && pattern[i] == '-' && pattern[i+1] != ']' {
			hi = pattern[i+1]
			i += 2
			if hi == '\\' && i < len(pattern) {
				hi = pattern[i]
				i++
			}
		}
		if lo <= c && c <= hi {
			in = true
		}
	}
	return false, 0, false
}
