package blacklist

import (
	"errors"
	"fmt"
	"strings"
)

// Word is one piece of a dst_blacklist value as the script parser keeps
// it: unquoted text split at white space, or a quoted string.
type Word struct {
	Text   string
	Quoted bool
}

// Definition is one dst_blacklist line: a list's name, its flags and its
// rules.
type Definition struct {
	Name  string
	Flags Flags
	Rules []Rule
}

// ParseDefinition reads the value of a dst_blacklist line:
//
//	name[/flag[,flag...]][: { rule, rule ... }]
//
// where a flag is readonly, expire or default (no flags: readonly) and a
// rule is [!](ip[/mask]), [!](ip[/mask], port), [!](proto, ip[/mask]),
// [!](proto, ip[/mask], port) or [!](proto, ip[/mask], port, "pattern");
// proto and port may be "any".
func ParseDefinition(words []Word) (Definition, error) {
	var d Definition
	toks, err := tokenize(words)
	if err != nil {
		return d, err
	}
	// The header is the atoms before '{'.
	i := 0
	var header strings.Builder
	for ; i < len(toks) && toks[i].text != "{"; i++ {
		if toks[i].quoted {
			return d, fmt.Errorf("unexpected string %q in the list's name", toks[i].text)
		}
		header.WriteString(toks[i].text)
	}
	head := header.String()
	hasBody := i < len(toks)
	if hasBody {
		if !strings.HasSuffix(head, ":") {
			return d, errors.New(`expected "name:" before "{"`)
		}
	}
	head = strings.TrimSuffix(head, ":")
	name, flagText, hasFlags := strings.Cut(head, "/")
	if !validName(name) {
		return d, fmt.Errorf("bad blacklist name %q", name)
	}
	d.Name = name
	d.Flags = ReadOnly
	if hasFlags {
		if d.Flags, err = parseFlags(flagText); err != nil {
			return d, err
		}
	}
	if !hasBody {
		return d, nil
	}
	d.Rules, err = parseRules(toks[i+1:])
	return d, err
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func parseFlags(s string) (Flags, error) {
	var f Flags
	for _, name := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "readonly":
			f |= ReadOnly
		case "expire":
			f |= Expire
		case "default":
			f |= ByDefault
		default:
			return 0, fmt.Errorf("unknown blacklist flag %q (readonly, expire, default)", name)
		}
	}
	if f&ReadOnly != 0 && f&Expire != 0 {
		return 0, errors.New("a readonly blacklist cannot have expiring rules")
	}
	return f, nil
}

type token struct {
	text   string
	quoted bool
}

// tokenize splits unquoted words at the punctuation of the grammar.
func tokenize(words []Word) ([]token, error) {
	var toks []token
	for _, w := range words {
		if w.Quoted {
			toks = append(toks, token{w.Text, true})
			continue
		}
		start := 0
		for i := 0; i < len(w.Text); i++ {
			switch w.Text[i] {
			case '{', '}', '(', ')', ',', '!':
				if i > start {
					toks = append(toks, token{text: w.Text[start:i]})
				}
				toks = append(toks, token{text: w.Text[i : i+1]})
				start = i + 1
			}
		}
		if start < len(w.Text) {
			toks = append(toks, token{text: w.Text[start:]})
		}
	}
	// A separator: adjacent atoms of one field are joined ("10.0.0.0 /
	// 8" is one network), so fields are told apart only by punctuation.
	return toks, nil
}

func isPunct(t token) bool {
	return !t.quoted && len(t.text) == 1 && strings.ContainsAny(t.text, "{}(),!")
}

// parseRules reads `rule, rule ... }`.
func parseRules(toks []token) ([]Rule, error) {
	var rules []Rule
	i := 0
	expectRule := true
	for {
		if i >= len(toks) {
			return nil, errors.New(`blacklist: missing "}"`)
		}
		t := toks[i]
		switch {
		case !t.quoted && t.text == "}":
			if i+1 != len(toks) {
				return nil, fmt.Errorf("blacklist: unexpected %q after \"}\"", toks[i+1].text)
			}
			if expectRule && len(rules) > 0 {
				return nil, errors.New(`blacklist: rule expected after ","`)
			}
			return rules, nil
		case !expectRule:
			if t.quoted || t.text != "," {
				return nil, fmt.Errorf(`blacklist: expected "," or "}", found %q`, t.text)
			}
			expectRule = true
			i++
		default:
			r, n, err := parseElement(toks[i:])
			if err != nil {
				return nil, err
			}
			rules = append(rules, r)
			i += n
			expectRule = false
		}
	}
}

// parseElement reads `[!]( field, ... )` and returns the rule and the
// tokens it used.
func parseElement(toks []token) (Rule, int, error) {
	var r Rule
	i := 0
	if i < len(toks) && !toks[i].quoted && toks[i].text == "!" {
		r.Negate = true
		i++
	}
	if i >= len(toks) || toks[i].quoted || toks[i].text != "(" {
		return r, 0, errors.New(`blacklist: expected "(" to start a rule`)
	}
	i++
	var fields []token
	var cur strings.Builder
	curQuoted, curSet := false, false
	for {
		if i >= len(toks) {
			return r, 0, errors.New(`blacklist: missing ")"`)
		}
		t := toks[i]
		i++
		if isPunct(t) && (t.text == "," || t.text == ")") {
			if !curSet {
				return r, 0, errors.New("blacklist: empty field in a rule")
			}
			fields = append(fields, token{cur.String(), curQuoted})
			cur.Reset()
			curQuoted, curSet = false, false
			if t.text == ")" {
				break
			}
			continue
		}
		if isPunct(t) || (curSet && (t.quoted || curQuoted)) {
			return r, 0, fmt.Errorf("blacklist: unexpected %q in a rule", t.text)
		}
		cur.WriteString(t.text)
		curQuoted, curSet = t.quoted, true
	}
	if err := fillRule(&r, fields); err != nil {
		return r, 0, err
	}
	return r, i, nil
}

func fillRule(r *Rule, f []token) error {
	for k, t := range f {
		if t.quoted && k != 3 {
			return fmt.Errorf("blacklist: unexpected string %q in a rule", t.text)
		}
	}
	var protoText, netText, portText string
	switch len(f) {
	case 1:
		netText = f[0].text
	case 2:
		if _, err := ParseProto(f[0].text); err == nil {
			protoText, netText = f[0].text, f[1].text
		} else {
			netText, portText = f[0].text, f[1].text
		}
	case 3, 4:
		protoText, netText, portText = f[0].text, f[1].text, f[2].text
		if len(f) == 4 {
			if !f[3].quoted {
				return fmt.Errorf("blacklist: the pattern %q must be a quoted string", f[3].text)
			}
			r.Pattern = f[3].text
		}
	default:
		return fmt.Errorf("blacklist: a rule has 1 to 4 fields, not %d", len(f))
	}
	var err error
	if r.Proto, err = ParseProto(protoText); err != nil {
		return fmt.Errorf("blacklist: %w", err)
	}
	if r.IP, r.Mask, err = ParseNet(netText); err != nil {
		return fmt.Errorf("blacklist: %w", err)
	}
	if portText != "" && !strings.EqualFold(portText, "any") {
		if r.Port, err = ParsePort(portText); err != nil {
			return fmt.Errorf("blacklist: %w", err)
		}
	}
	return nil
}
