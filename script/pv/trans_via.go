package pv

import (
	"errors"
	"strconv"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// The {via.*} class reads the first via-parm of a Via header value,
// "SIP/2.0/UDP host:port;branch=z9hG4bK1;rport (comment)". The sip
// package's Via parser is unexported and works on whole messages, so this
// file has its own small splitter for one value; it is lenient where
// OpenSIPS is (white space around '/' and ':'), and anything it cannot
// split is an error. Missing parts are null, as in OpenSIPS.

type viaValue struct {
	name, version, transport, host string
	port                           int
	portText                       string
	params                         string // without the leading ';'
	list                           []listParam
	comment                        string
}

func init() {
	parts := map[string]func(v *viaValue) engine.Value{
		"name":      func(v *viaValue) engine.Value { return trStrOrNull(v.name) },
		"version":   func(v *viaValue) engine.Value { return trStrOrNull(v.version) },
		"transport": func(v *viaValue) engine.Value { return trStrOrNull(v.transport) },
		"host":      func(v *viaValue) engine.Value { return trStrOrNull(v.host) },
		"port": func(v *viaValue) engine.Value {
			if v.portText == "" {
				return engine.Null
			}
			return engine.StrInt(v.portText, v.port)
		},
		"params":   func(v *viaValue) engine.Value { return trStrOrNull(v.params) },
		"comment":  func(v *viaValue) engine.Value { return trStrOrNull(v.comment) },
		"branch":   func(v *viaValue) engine.Value { return trStrOrNull(v.param("branch")) },
		"received": func(v *viaValue) engine.Value { return trStrOrNull(v.param("received")) },
		"rport":    func(v *viaValue) engine.Value { return trStrOrNull(v.param("rport")) },
	}
	parts["domain"] = parts["host"] // OpenSIPS's alias
	for name, part := range parts {
		trRegister("via."+name, trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
			v, err := parseTrVia(in)
			if err != nil {
				return engine.Null, err
			}
			return part(&v), nil
		}))
	}
	trRegister("via.param", withParamName(func(in engine.Value, name string) (engine.Value, error) {
		v, err := parseTrVia(in)
		if err != nil {
			return engine.Null, err
		}
		for _, p := range v.list {
			if sip.EqualFold(p.name, name) {
				return engine.Str(p.value), nil
			}
		}
		return engine.Null, nil
	}))
}

// param returns the value of the named parameter, "" when absent.
func (v *viaValue) param(name string) string {
	for _, p := range v.list {
		if sip.EqualFold(p.name, name) {
			return p.value
		}
	}
	return ""
}

func parseTrVia(in engine.Value) (viaValue, error) {
	s, err := trText(in, "via")
	if err != nil {
		return viaValue{}, err
	}
	var v viaValue
	var rest string
	if v.name, rest, err = viaToken(s, "protocol name", '/'); err != nil {
		return v, err
	}
	if v.version, rest, err = viaToken(rest[1:], "protocol version", '/'); err != nil {
		return v, err
	}
	if v.transport, rest, err = viaToken(rest[1:], "transport", ' '); err != nil {
		return v, err
	}
	if rest, err = v.parseSentBy(strings.TrimLeft(rest, " \t\r\n")); err != nil {
		return v, err
	}
	return v, v.parseParams(rest)
}

// viaToken returns the token at the start of s (after white space) and
// the rest of s from its delimiter; ' ' as delimiter means any white space.
func viaToken(s, what string, delim byte) (string, string, error) {
	s = strings.TrimLeft(s, " \t\r\n")
	end := 0
	for end < len(s) && !isViaSpace(s[end]) && s[end] != '/' && s[end] != ';' && s[end] != ',' {
		end++
	}
	tok := s[:end]
	rest := strings.TrimLeft(s[end:], " \t\r\n")
	if tok == "" {
		return "", "", errors.New("via: missing " + what)
	}
	if delim == ' ' {
		if end == len(s) || !isViaSpace(s[end]) {
			return "", "", errors.New("via: no white space before sent-by")
		}
		return tok, rest, nil
	}
	if rest == "" || rest[0] != delim {
		return "", "", errors.New("via: expected '" + string(delim) + "' after " + what)
	}
	return tok, rest, nil
}

func isViaSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// parseSentBy reads host [":" port] and returns the rest.
func (v *viaValue) parseSentBy(s string) (string, error) {
	end := 0
	if strings.HasPrefix(s, "[") {
		if end = strings.IndexByte(s, ']') + 1; end == 0 {
			return "", errors.New("via: IPv6 reference without ']'")
		}
	} else {
		for end < len(s) && !isViaSpace(s[end]) && !strings.ContainsRune(":;,(", rune(s[end])) {
			end++
		}
	}
	if end == 0 {
		return "", errors.New("via: missing sent-by host")
	}
	v.host = s[:end]
	rest := strings.TrimLeft(s[end:], " \t\r\n")
	if !strings.HasPrefix(rest, ":") {
		return rest, nil
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	digits := 0
	for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
		digits++
	}
	port, err := strconv.Atoi(rest[:digits])
	if err != nil || port > 65535 {
		return "", errors.New("via: invalid sent-by port")
	}
	v.port, v.portText = port, rest[:digits]
	return rest[digits:], nil
}

// parseParams reads *(";" name ["=" value]) [comment] up to the end or
// the ',' before the next via-parm. params keeps the text from the first
// name to the end of the last parameter, as OpenSIPS returns it.
func (v *viaValue) parseParams(s string) error {
	first, last := -1, 0
	i := 0
	for {
		for i < len(s) && isViaSpace(s[i]) {
			i++
		}
		if i == len(s) || s[i] == ',' {
			break
		}
		switch s[i] {
		case '(':
			end := strings.IndexByte(s[i:], ')')
			if end < 0 {
				return errors.New("via: unterminated comment")
			}
			v.comment = s[i+1 : i+end]
			i += end + 1
			continue
		case ';':
		default:
			return errors.New("via: unexpected " + strconv.Quote(s[i:]))
		}
		i++
		for i < len(s) && isViaSpace(s[i]) {
			i++
		}
		start := i
		for i < len(s) && !isViaSpace(s[i]) && !strings.ContainsRune(";,=()", rune(s[i])) {
			i++
		}
		p := listParam{name: s[start:i]}
		if p.name == "" {
			return errors.New("via: empty parameter name")
		}
		if first < 0 {
			first = start
		}
		last = i
		j := i
		for j < len(s) && isViaSpace(s[j]) {
			j++
		}
		if j < len(s) && s[j] == '=' {
			j++
			for j < len(s) && isViaSpace(s[j]) {
				j++
			}
			if j < len(s) && s[j] == '"' {
				end := strings.IndexByte(s[j+1:], '"')
				if end < 0 {
					return errors.New("via: unterminated quoted value")
				}
				p.value = s[j+1 : j+1+end]
				i = j + end + 2
			} else {
				vstart := j
				for j < len(s) && !isViaSpace(s[j]) && !strings.ContainsRune(";,()", rune(s[j])) {
					j++
				}
				p.value, i = s[vstart:j], j
			}
			last = i
		}
		v.list = append(v.list, p)
	}
	if first >= 0 {
		v.params = s[first:last]
	}
	return nil
}
