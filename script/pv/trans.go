package pv

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"switchboard/engine"
)

// rawLastArg names the transformations whose n-th argument (1-based) is the
// rest of the body taken as written, commas included: the separator of
// s.select may itself be ',' ({s.select,1,,}), and a re.subst expression
// carries its own delimiters and may hold any character.
var rawLastArg = map[string]int{
	"s.select": 2,
	"re.subst": 1,
}

// parseTransformation compiles the text between '{' and '}' of one
// transformation, e.g. "s.substr,1,$var(n)", "uri.param,transport" or
// "re.subst,/a/b/g". Class and name are case-insensitive, as in OpenSIPS.
// The transformation it returns passes a null input through unchanged:
// every OpenSIPS class does so ($(avp(missing){s.len}) is null, not 0).
func (p *Parser) parseTransformation(body string) (Transformation, error) {
	nameEnd := strings.IndexByte(body, ',')
	if nameEnd < 0 {
		nameEnd = len(body)
	}
	key := strings.ToLower(strings.TrimSpace(body[:nameEnd]))
	class, name, ok := strings.Cut(key, ".")
	if !ok || class == "" || name == "" {
		return nil, fmt.Errorf("invalid transformation {%s}: expected {class.name[,args]}", body)
	}
	var index *TransformArg
	if class == "nameaddr" {
		// OpenSIPS 3.x selects one body of a list with an index before the
		// name: {nameaddr.1.uri}, {nameaddr.$var(i).param,tag}.
		var err error
		if key, index, err = p.nameaddrIndex(body[len("nameaddr."):nameEnd], key); err != nil {
			return nil, err
		}
	}
	maker, ok := transformations[key]
	if !ok {
		return nil, unknownTransformation(key)
	}
	if key == "re.subst" {
		// Its replacement may hold variables, which only p can compile.
		maker = p.makeReSubst
	}
	var args []TransformArg
	if index != nil {
		args = append(args, *index)
	}
	if nameEnd < len(body) {
		more, err := p.splitTransformArgs(body[nameEnd+1:], rawLastArg[key])
		if err != nil {
			return nil, fmt.Errorf("transformation {%s}: %w", key, err)
		}
		args = append(args, more...)
	}
	t, err := maker(args)
	if err != nil {
		return nil, fmt.Errorf("transformation {%s}: %w", key, err)
	}
	return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
		if in.IsNull() {
			return in, nil
		}
		return t(ctx, in)
	}, nil
}

// unknownTransformation reports key with the closest registered name.
func unknownTransformation(key string) error {
	names := make([]string, 0, len(transformations))
	for name := range transformations {
		if !strings.Contains(name, "#") { // internal indexed nameaddr keys
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if hint := engine.Suggest(key, names); hint != "" {
		return fmt.Errorf("unknown transformation {%s} (did you mean {%s}?)", key, hint)
	}
	return fmt.Errorf("unknown transformation {%s}", key)
}

// splitTransformArgs splits the comma-separated arguments that follow the
// name. An argument starting with '$' is a PV, compiled by ParsePV; any
// other is a constant that ends at a ',' not escaped by '\'. OpenSIPS
// keeps the backslash of "\," in the value, which no script wants, so it
// is dropped here (as is the one of "\}"); other backslashes stay. White
// space around an argument is not part of it. Argument number raw (1-based;
// 0 for none) is the rest of the text, as rawLastArg explains.
func (p *Parser) splitTransformArgs(s string, raw int) ([]TransformArg, error) {
	var args []TransformArg
	for {
		if len(args)+1 == raw && !strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "$") {
			return append(args, TransformArg{Text: s}), nil
		}
		s = strings.TrimLeft(s, " \t\r\n")
		if strings.HasPrefix(s, "$") {
			if p == nil {
				return nil, errors.New("variable arguments need a parser")
			}
			spec, n, err := p.ParsePV(s)
			if err != nil {
				return nil, fmt.Errorf("argument %d: %w", len(args)+1, err)
			}
			if spec == nil || n <= 0 || n > len(s) {
				return nil, fmt.Errorf("argument %d: invalid variable %q", len(args)+1, s)
			}
			args = append(args, TransformArg{Text: s[:n], Var: spec})
			s = strings.TrimLeft(s[n:], " \t\r\n")
			if s == "" {
				return args, nil
			}
			if s[0] != ',' {
				return nil, fmt.Errorf("argument %d: unexpected %q after %s", len(args), s, spec.Text)
			}
			s = s[1:]
			continue
		}
		end := constantEnd(s)
		args = append(args, TransformArg{Text: unescapeArg(strings.TrimRight(s[:end], " \t\r\n"))})
		if end == len(s) {
			return args, nil
		}
		s = s[end+1:]
	}
}

// constantEnd returns the index of the ',' that ends the constant at the
// start of s, or len(s).
func constantEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			return i
		}
	}
	return len(s)
}

func unescapeArg(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return strings.NewReplacer(`\,`, ",", `\}`, "}", `\{`, "{").Replace(s)
}

// register adds a transformation maker from a class file's init(). A
// duplicate is a programmer error.
func trRegister(name string, m transformMaker) {
	if _, dup := transformations[name]; dup {
		panic("pv: transformation " + name + " registered twice")
	}
	transformations[name] = m
}

// trNoArgs makes the maker of a transformation that takes no argument.
func trNoArgs(t Transformation) transformMaker {
	return func(args []TransformArg) (Transformation, error) {
		if len(args) != 0 {
			return nil, fmt.Errorf("takes no arguments, got %d", len(args))
		}
		return t, nil
	}
}

// trWantArgs checks the argument count.
func trWantArgs(args []TransformArg, min, max int) error {
	if len(args) >= min && len(args) <= max {
		return nil
	}
	switch {
	case min == max:
		return fmt.Errorf("takes %d argument(s), got %d", min, len(args))
	default:
		return fmt.Errorf("takes %d to %d arguments, got %d", min, max, len(args))
	}
}

// trNum is an integer argument: a constant checked at load time, or a
// variable read when the transformation runs.
type trNum struct {
	n    int
	spec *Spec
	text string
}

// parseTrNum compiles an integer argument; a constant must be a decimal
// number with an optional sign.
func parseTrNum(a TransformArg, what string) (trNum, error) {
	if a.Var != nil {
		return trNum{spec: a.Var, text: a.Text}, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(a.Text, "+"))
	if err != nil || a.Text == "" {
		return trNum{}, fmt.Errorf("%s must be an integer, not %q", what, a.Text)
	}
	return trNum{n: n, text: a.Text}, nil
}

// get returns the argument's value. OpenSIPS requires the variable to hold
// an integer; a string holding a decimal number is taken too.
func (a trNum) get(ctx *engine.Context) (int, error) {
	if a.spec == nil {
		return a.n, nil
	}
	n, ok := a.spec.Get(ctx).AsInt()
	if !ok {
		return 0, fmt.Errorf("%s is not an integer", a.text)
	}
	return n, nil
}

// trStr is a string argument: a constant or a variable.
type trStr struct {
	s    string
	spec *Spec
	text string
}

func parseTrStr(a TransformArg, what string) (trStr, error) {
	if a.Var == nil && a.Text == "" {
		return trStr{}, fmt.Errorf("empty %s", what)
	}
	return trStr{s: a.Text, spec: a.Var, text: a.Text}, nil
}

// get returns the argument's value; like OpenSIPS, a variable must hold a
// non-empty string.
func (a trStr) get(ctx *engine.Context) (string, error) {
	if a.spec == nil {
		return a.s, nil
	}
	v := a.spec.Get(ctx)
	if v.IsNull() || v.String() == "" {
		return "", fmt.Errorf("%s is null or empty", a.text)
	}
	return v.String(), nil
}

// trInt is an integer result, which OpenSIPS gives in both forms.
func trInt(n int) engine.Value { return engine.StrInt(strconv.Itoa(n), n) }

// trBool is the 0/1 integer of the is*/exist transformations.
func trBool(b bool) engine.Value {
	if b {
		return trInt(1)
	}
	return trInt(0)
}

// trStrOrNull is a string result that OpenSIPS turns to null when empty
// (a URI without user, a Via without port...).
func trStrOrNull(s string) engine.Value {
	if s == "" {
		return engine.Null
	}
	return engine.Str(s)
}

// trText returns the string a parsing class (uri, via, param, nameaddr,
// csv, ip, re) works on: OpenSIPS refuses an integer-only or empty value.
func trText(in engine.Value, class string) (string, error) {
	if !in.IsStr() || in.Str == "" {
		return "", fmt.Errorf("%s: input is not a non-empty string", class)
	}
	return in.Str, nil
}

// withParamName builds a transformation that takes one argument, a
// parameter name (constant or variable): {uri.param,name},
// {via.param,name}, {param.value,name}. lookup gets the input and the
// evaluated name.
func withParamName(lookup func(in engine.Value, name string) (engine.Value, error)) transformMaker {
	return func(args []TransformArg) (Transformation, error) {
		if err := trWantArgs(args, 1, 1); err != nil {
			return nil, err
		}
		name, err := parseTrStr(args[0], "parameter name")
		if err != nil {
			return nil, err
		}
		return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
			n, err := name.get(ctx)
			if err != nil {
				return engine.Null, err
			}
			return lookup(in, n)
		}, nil
	}
}
