package sip

// Params is the raw text of a parameter list as received, starting with its
// first ';' (for example `;branch=z9hG4bK776;rport`). It is validated when the
// header or URI that holds it is parsed; lookups scan it in place, which costs
// less than building a map for the two or three parameters a proxy reads.
type Params string

// Param is one parameter of a list. Value is empty for a parameter without
// '=' and keeps its quotes when it was a quoted-string.
type Param struct {
	Name, Value string
}

// next returns the parameter that starts at or after p[i] and the index where
// the one after it starts; ok is false at the end of the list.
func (p Params) next(i int) (param Param, next int, ok bool) {
	s := string(p)
	i = skipLWS(s, i)
	if i >= len(s) || s[i] != ';' {
		return Param{}, len(s), false
	}
	i = skipLWS(s, i+1)
	start := i
	for i < len(s) && !isParamStop(s[i]) && s[i] != '=' {
		i++
	}
	param.Name = s[start:i]
	i = skipLWS(s, i)
	if i < len(s) && s[i] == '=' {
		i = skipLWS(s, i+1)
		start = i
		if i < len(s) && s[i] == '"' {
			if end := scanQuoted(s, i); end > 0 {
				i = end
			} else {
				i = len(s)
			}
		} else {
			for i < len(s) && !isParamStop(s[i]) {
				i++
			}
		}
		param.Value = s[start:i]
	}
	return param, i, true
}

func isParamStop(c byte) bool {
	return c == ';' || c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// Get returns the value of the first parameter named name (compared without
// case) and whether it is present.
func (p Params) Get(name string) (string, bool) {
	for param, i, ok := p.next(0); ok; param, i, ok = p.next(i) {
		if EqualFold(param.Name, name) {
			return param.Value, true
		}
	}
	return "", false
}

// Has reports whether a parameter named name is present.
func (p Params) Has(name string) bool {
	_, ok := p.Get(name)
	return ok
}

// All returns every parameter in order. It allocates; use Get for lookups.
func (p Params) All() []Param {
	var all []Param
	for param, i, ok := p.next(0); ok; param, i, ok = p.next(i) {
		all = append(all, param)
	}
	return all
}

// scanHeaderParams validates the header parameters (`*( SEMI generic-param )`)
// that start at s[i] and returns where they end: at the end of s, or at a
// ',' that separates values when the header allows several.
func scanHeaderParams(s string, i int) (int, error) {
	for {
		j := skipLWS(s, i)
		if j >= len(s) || s[j] != ';' {
			return i, nil
		}
		j = skipLWS(s, j+1)
		end := scanToken(s, j)
		if end == j {
			return j, errorAt(j, "empty or invalid parameter name")
		}
		i = end
		j = skipLWS(s, end)
		if j < len(s) && s[j] == '=' {
			j = skipLWS(s, j+1)
			if j < len(s) && s[j] == '"' {
				end = scanQuoted(s, j)
				if end < 0 {
					return j, errorAt(j, "unterminated quoted parameter value")
				}
			} else {
				end = scanGenValue(s, j)
				if end == j {
					return j, errorAt(j, "empty parameter value")
				}
			}
			i = end
		}
	}
}

// scanGenValue scans a gen-value that is a token or a host, including an
// IPv6 reference or, as RFC 5118 §4.5 allows in Via received, a bare IPv6
// address.
func scanGenValue(s string, i int) int {
	for i < len(s) && (isToken(s[i]) || s[i] == ':' || s[i] == '[' || s[i] == ']') {
		i++
	}
	return i
}
