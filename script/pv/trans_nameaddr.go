package pv

import (
	"errors"
	"strconv"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// The {nameaddr.*} class reads a To/From/Contact-style value:
// ["display"] <uri> *(;param) or a bare URI with parameters. Like OpenSIPS
// 3.x, the value may be a comma-separated list and an index before the
// name picks one body ({nameaddr.1.uri}, {nameaddr.-1.param,tag}); the
// default is the first. The sip package's name-addr parser is unexported,
// so this file splits the value itself; it does not validate the URI,
// as OpenSIPS's parse_to does not.

type nameAddr struct {
	text, display, uri, params string
	list                       []listParam
}

func init() {
	parts := map[string]func(n *nameAddr) engine.Value{
		"name":   func(n *nameAddr) engine.Value { return trStrOrNull(n.display) },
		"uri":    func(n *nameAddr) engine.Value { return trStrOrNull(n.uri) },
		"len":    func(n *nameAddr) engine.Value { return trInt(len(n.text)) },
		"params": func(n *nameAddr) engine.Value { return trStrOrNull(n.params) },
	}
	for name, part := range parts {
		trRegister("nameaddr."+name, nameaddrMaker(false, 0, func(_ *engine.Context, n *nameAddr, _ []trStr) (engine.Value, error) {
			return part(n), nil
		}))
		trRegister("nameaddr.#."+name, nameaddrMaker(true, 0, func(_ *engine.Context, n *nameAddr, _ []trStr) (engine.Value, error) {
			return part(n), nil
		}))
	}
	param := func(ctx *engine.Context, n *nameAddr, args []trStr) (engine.Value, error) {
		name, err := args[0].get(ctx)
		if err != nil {
			return engine.Null, err
		}
		for _, p := range n.list {
			// OpenSIPS compares with case; header parameter names are
			// case-insensitive (RFC 3261 §7.3.1), so ;Tag= is found here.
			if sip.EqualFold(p.name, name) {
				return trStrOrNull(p.value), nil
			}
		}
		return engine.Null, nil
	}
	trRegister("nameaddr.param", nameaddrMaker(false, 1, param))
	trRegister("nameaddr.#.param", nameaddrMaker(true, 1, param))
}

// nameaddrIndex splits "idx.name" (the text after "nameaddr.") into the
// internal key "nameaddr.#.name" and the index argument.
func (p *Parser) nameaddrIndex(rest, key string) (string, *TransformArg, error) {
	dot := strings.IndexByte(rest, '.')
	if dot < 0 {
		return key, nil, nil
	}
	var index TransformArg
	rest = strings.TrimLeft(rest, " \t")
	if strings.HasPrefix(rest, "$") {
		spec, n, err := p.ParsePV(rest)
		if err != nil {
			return "", nil, errors.New("transformation {" + key + "}: index: " + err.Error())
		}
		if n >= len(rest) || rest[n] != '.' {
			return "", nil, errors.New("transformation {" + key + "}: expected '.' after the index")
		}
		index, dot = TransformArg{Text: rest[:n], Var: spec}, n
	} else {
		text := strings.TrimSpace(rest[:dot])
		if _, err := strconv.Atoi(strings.TrimPrefix(text, "+")); err != nil {
			return key, nil, nil // not an index: let the lookup report the name
		}
		index = TransformArg{Text: text}
	}
	return "nameaddr.#." + strings.ToLower(strings.TrimSpace(rest[dot+1:])), &index, nil
}

func nameaddrMaker(indexed bool, nargs int, get func(*engine.Context, *nameAddr, []trStr) (engine.Value, error)) transformMaker {
	return func(args []TransformArg) (Transformation, error) {
		var index trNum
		if indexed {
			var err error
			if index, err = parseTrNum(args[0], "index"); err != nil {
				return nil, err
			}
			args = args[1:]
		}
		if err := trWantArgs(args, nargs, nargs); err != nil {
			return nil, err
		}
		strs := make([]trStr, len(args))
		for i, a := range args {
			var err error
			if strs[i], err = parseTrStr(a, "parameter name"); err != nil {
				return nil, err
			}
		}
		return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
			list, err := parseNameAddrs(in)
			if err != nil {
				return engine.Null, err
			}
			i := 0
			if indexed {
				if i, err = index.get(ctx); err != nil {
					return engine.Null, err
				}
				if i < 0 {
					i += len(list)
				}
				if i < 0 || i >= len(list) {
					return engine.Null, nil // OpenSIPS: out of bounds is null, not an error
				}
			}
			return get(ctx, &list[i], strs)
		}, nil
	}
}

func parseNameAddrs(in engine.Value) ([]nameAddr, error) {
	s, err := trText(in, "nameaddr")
	if err != nil {
		return nil, err
	}
	var list []nameAddr
	for {
		n, rest, err := parseOneNameAddr(s)
		if err != nil {
			return nil, err
		}
		list = append(list, n)
		if rest == "" {
			return list, nil
		}
		s = rest[1:] // after the ','
	}
}

// parseOneNameAddr reads one value and returns the rest from the ',' that
// ends it, or "".
func parseOneNameAddr(s string) (nameAddr, string, error) {
	var n nameAddr
	start := len(s) - len(strings.TrimLeft(s, " \t\r\n"))
	i := start
	if i == len(s) {
		return n, "", errors.New("nameaddr: empty value")
	}
	if s[i] == '"' {
		end := quotedEnd(s, i)
		if end < 0 {
			return n, "", errors.New("nameaddr: unterminated display name")
		}
		n.display, i = s[i:end], end
		for i < len(s) && isViaSpace(s[i]) {
			i++
		}
		if i == len(s) || s[i] != '<' {
			return n, "", errors.New("nameaddr: expected '<' after the display name")
		}
	} else if lt := strings.IndexByte(s[i:], '<'); lt >= 0 && !strings.ContainsAny(s[i:i+lt], ";,") {
		n.display, i = strings.TrimSpace(s[i:i+lt]), i+lt
	}
	if i < len(s) && s[i] == '<' {
		gt := strings.IndexByte(s[i:], '>')
		if gt < 0 {
			return n, "", errors.New("nameaddr: no '>' after '<'")
		}
		n.uri, i = s[i+1:i+gt], i+gt+1
	} else {
		end := i
		for end < len(s) && !isViaSpace(s[end]) && s[end] != ';' && s[end] != ',' {
			end++
		}
		n.uri, i = s[i:end], end
	}
	if n.uri == "" {
		return n, "", errors.New("nameaddr: empty URI")
	}
	first, last := -1, 0
	for {
		for i < len(s) && isViaSpace(s[i]) {
			i++
		}
		if i == len(s) || s[i] == ',' {
			n.text = strings.TrimSpace(s[start:i])
			if first >= 0 {
				n.params = s[first:last]
			}
			return n, s[i:], nil
		}
		if s[i] != ';' {
			return n, "", errors.New("nameaddr: unexpected " + strconv.Quote(s[i:]))
		}
		i++
		nameStart := i
		for i < len(s) && !isViaSpace(s[i]) && !strings.ContainsRune(";,=", rune(s[i])) {
			i++
		}
		p := listParam{name: s[nameStart:i]}
		if p.name == "" {
			return n, "", errors.New("nameaddr: empty parameter name")
		}
		if first < 0 {
			first = nameStart
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
			vstart := j
			if j < len(s) && s[j] == '"' {
				if j = quotedEnd(s, j); j < 0 {
					return n, "", errors.New("nameaddr: unterminated quoted value")
				}
			} else {
				for j < len(s) && !isViaSpace(s[j]) && s[j] != ';' && s[j] != ',' {
					j++
				}
			}
			p.value, i, last = s[vstart:j], j, j
		}
		n.list = append(n.list, p)
	}
}

// quotedEnd returns the index after the quoted string that starts at
// s[i], or -1.
func quotedEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}
