package pv

import (
	"errors"
	"fmt"
	"strings"

	"switchboard/engine"
)

// IndexAppend is the PVKey.Index of the [append] index ($(avp(x)[append])
// = v adds v at the bottom of the list). Only writable indexed classes
// accept it; reading through it gives null.
const IndexAppend = -1 << 62

// markerClass is the class of "$$": a literal dollar sign.
var markerClass = &engine.PVClass{
	Name: "$",
	Get:  func(*engine.Context, *engine.PVKey) engine.Value { return engine.StrInt("$", '$') },
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
}

// ParsePV compiles the pseudo-variable at the start of text, which starts
// with '$', and returns it with the number of bytes it takes.
//
// The forms are OpenSIPS's (pv_parse_spec): $name, $name(key),
// $(name(key)[index]{tr}...), plus $name(key)[index] without the outer
// parentheses. A name is the longest run of letters, digits, '_' and '.',
// looked up as a whole, as OpenSIPS does: $ruri.user is one name and $rus
// is an unknown one, not $ru followed by "s". One leniency: trailing dots
// that make the name unknown end the reference ("R-URI is $ru." reads $ru
// then a full stop), where OpenSIPS refuses the script.
func (p *Parser) ParsePV(text string) (*Spec, int, error) {
	if len(text) < 2 || text[0] != '$' {
		return nil, 0, errors.New("a pseudo-variable starts with '$' and a name")
	}
	i := 1
	wrapped := text[1] == '('
	if wrapped {
		i = 2
	}
	if i < len(text) && text[i] == '$' { // $$ or $($)
		i++
		if wrapped {
			if i >= len(text) || text[i] != ')' {
				return nil, 0, errors.New("missing ')' after $($")
			}
			i++
		}
		return &Spec{Text: text[:i], Class: markerClass}, i, nil
	}
	if wrapped && i < len(text) && text[i] == '<' {
		return nil, 0, fmt.Errorf("pseudo-variable contexts such as %s are not supported", contextText(text))
	}
	start := i
	for i < len(text) && isNameChar(text[i]) {
		i++
	}
	if i == start {
		return nil, 0, errors.New("'$' must be followed by a pseudo-variable name (write $$ for a literal '$')")
	}
	class, end, err := p.lookupClass(text[start:i], !wrapped && (i >= len(text) || text[i] != '('))
	if err != nil {
		return nil, 0, err
	}
	i = start + end
	s := &Spec{Class: class}
	display := "$" + class.Name

	if i < len(text) && text[i] == '(' {
		if i, err = p.parseKey(s, text, i, display); err != nil {
			return nil, 0, err
		}
	} else if class.Key == engine.KeyRequired {
		return nil, 0, fmt.Errorf("%s needs a name in parentheses: %s(name)", display, display)
	}

	if !wrapped {
		if s.Key.Name != "" && i < len(text) && text[i] == '[' {
			// OpenSIPS takes an index only inside $( ): here a bracket
			// that holds no index is left as text ("$avp(x)[see]").
			if body, end, ok := bracketBody(text, i); ok && looksLikeIndex(body) {
				if err := p.parseIndex(s, body, display); err != nil {
					return nil, 0, err
				}
				i = end
			}
		}
		s.Text = text[:i]
		return s, i, nil
	}

	if i < len(text) && text[i] == '[' {
		body, end, ok := bracketBody(text, i)
		if !ok {
			return nil, 0, fmt.Errorf("missing ']' after the index of %s", display)
		}
		if err := p.parseIndex(s, body, display); err != nil {
			return nil, 0, err
		}
		i = end
	}
	for i < len(text) && text[i] == '{' {
		body, end, ok := braceBody(text, i)
		if !ok {
			return nil, 0, fmt.Errorf("missing '}' after a transformation of %s", display)
		}
		tr, err := p.parseTransformation(body)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: transformation {%s}: %w", display, body, err)
		}
		s.Trans = append(s.Trans, tr)
		i = end
		for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
			i++
		}
	}
	if i >= len(text) || text[i] != ')' {
		if i < len(text) {
			return nil, 0, fmt.Errorf("unexpected %q in %s: expected ')'", text[i], display)
		}
		return nil, 0, fmt.Errorf("missing ')' at the end of %s", display)
	}
	i++
	s.Text = text[:i]
	return s, i, nil
}

// lookupClass finds the class called name and returns how much of name it
// uses. trimDots allows the trailing-dot leniency.
func (p *Parser) lookupClass(name string, trimDots bool) (*engine.PVClass, int, error) {
	if c, ok := p.Registry.PV(name); ok {
		return c, len(name), nil
	}
	if trimDots {
		if short := strings.TrimRight(name, "."); short != "" && short != name {
			if c, ok := p.Registry.PV(short); ok {
				return c, len(short), nil
			}
		}
	}
	return nil, 0, &UnknownError{Name: name, Suggestion: engine.Suggest(name, p.Registry.PVNames())}
}

// UnknownError is a reference to a pseudo-variable class the registry does
// not have. The checker tells an OpenSIPS name whose module is not built
// (not supported) from a typo (Suggestion).
type UnknownError struct {
	Name       string
	Suggestion string
}

func (e *UnknownError) Error() string {
	msg := "unknown pseudo-variable $" + e.Name
	if e.Suggestion != "" {
		msg += " (did you mean $" + e.Suggestion + "?)"
	}
	return msg
}

// parseKey reads "(key)" at text[i] and returns the index after ')'.
// Parentheses nest, as in OpenSIPS: $time(%H:%M), $hdr($var(h)).
func (p *Parser) parseKey(s *Spec, text string, i int, display string) (int, error) {
	depth, j := 0, i
	for ; j < len(text); j++ {
		if text[j] == '(' {
			depth++
		} else if text[j] == ')' {
			depth--
			if depth == 0 {
				break
			}
		}
	}
	if j >= len(text) {
		return 0, fmt.Errorf("missing ')' after the name of %s", display)
	}
	key := text[i+1 : j]
	switch {
	case s.Class.Key == engine.KeyNone:
		return 0, fmt.Errorf("%s takes no name in parentheses", display)
	case key == "":
		return 0, fmt.Errorf("%s() has an empty name", display)
	}
	s.Key.Name = key
	if key[0] == '$' && len(key) > 1 && key[1] != '$' {
		if kv, n, err := p.ParsePV(key); err == nil && n == len(key) {
			s.KeyVar = kv
			return j + 1, nil
		} else if err != nil {
			return 0, fmt.Errorf("%s(%s): %w", display, key, err)
		}
	}
	if s.Class.ParseKey != nil {
		data, err := s.Class.ParseKey(key)
		if err != nil {
			return 0, fmt.Errorf("%s(%s): %w", display, key, err)
		}
		s.Key.Data = data
	}
	return j + 1, nil
}

// parseIndex compiles the text between '[' and ']'.
func (p *Parser) parseIndex(s *Spec, body, display string) error {
	if !s.Class.Indexed {
		return fmt.Errorf("%s takes no index", display)
	}
	s.Key.HasIndex = true
	switch {
	case body == "*":
		s.Key.AllIndexes = true
		return nil
	case strings.EqualFold(body, "append"):
		if s.Class.Set == nil {
			return fmt.Errorf("%s is read-only: [append] is for writing", display)
		}
		s.Key.Index = IndexAppend
		return nil
	case body != "" && body[0] == '$':
		iv, n, err := p.ParsePV(body)
		if err != nil {
			return fmt.Errorf("%s index: %w", display, err)
		}
		if n != len(body) {
			return fmt.Errorf("%s: invalid index [%s]", display, body)
		}
		s.IndexVar = iv
		return nil
	}
	n, ok := parseIndexNumber(body)
	if !ok {
		return fmt.Errorf("%s: invalid index [%s]: want a number, -n, * or a variable", display, body)
	}
	s.Key.Index = n
	return nil
}

// parseIndexNumber reads an optional '-' and decimal digits, bounded so
// that no index overflows.
func parseIndexNumber(s string) (int, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func looksLikeIndex(body string) bool {
	if body == "*" || strings.EqualFold(body, "append") || strings.HasPrefix(body, "$") {
		return true
	}
	_, ok := parseIndexNumber(body)
	return ok
}

// bracketBody returns the text between text[i] == '[' and its ']' and
// the index after the ']'; brackets nest as in OpenSIPS.
func bracketBody(text string, i int) (string, int, bool) {
	return delimited(text, i, '[', ']')
}

// braceBody does the same for a {transformation}.
func braceBody(text string, i int) (string, int, bool) {
	return delimited(text, i, '{', '}')
}

func delimited(text string, i int, open, close byte) (string, int, bool) {
	depth := 0
	for j := i; j < len(text); j++ {
		switch text[j] {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return text[i+1 : j], j + 1, true
			}
		}
	}
	return "", 0, false
}

// contextText returns the "$(<ctx>" prefix for an error message.
func contextText(text string) string {
	if end := strings.IndexByte(text, '>'); end > 0 {
		return text[:end+1] + "...)"
	}
	return "$(<...>)"
}
