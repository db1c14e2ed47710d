package pv

import (
	"errors"
	"regexp"
	"strings"
	"sync"

	"switchboard/engine"
)

// {re.subst,/re/repl/flags} is a sed-like substitution. The first
// character of the expression is its delimiter. In the replacement, \0 to
// \9 are the match and its groups, \n \r \t \\ \$ the characters, \u the
// Request-URI, and $pv a variable read when it runs; the flags are g (all
// matches), i (ignore case) and s (let '.' match a newline). The regexp
// is Go's RE2, not POSIX: the syntax of common expressions is the same,
// backreferences inside the pattern are not supported.

func init() {
	trRegister("re.subst", func(args []TransformArg) (Transformation, error) {
		return (*Parser)(nil).makeReSubst(args)
	})
}

type substExpr struct {
	re     *regexp.Regexp
	repl   []replPart
	global bool
}

// replPart is one piece of a replacement: literal text, a group, the
// Request-URI or a variable.
type replPart struct {
	text  string
	group int // -1 when not a group
	ruri  bool
	spec  *Spec
}

func (p *Parser) makeReSubst(args []TransformArg) (Transformation, error) {
	if err := trWantArgs(args, 1, 1); err != nil {
		return nil, err
	}
	if args[0].Var == nil {
		e, err := p.compileSubst(strings.TrimSpace(args[0].Text))
		if err != nil {
			return nil, err
		}
		return e.apply, nil
	}
	// The expression comes from a variable: compile it when it runs and
	// keep the last one, as scripts use the same few expressions.
	var (
		mu       sync.Mutex
		lastText string
		last     *substExpr
	)
	spec := args[0].Var
	return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
		text := spec.Get(ctx).String()
		mu.Lock()
		e := last
		if e == nil || text != lastText {
			var err error
			if e, err = p.compileSubst(text); err != nil {
				mu.Unlock()
				return engine.Null, err
			}
			last, lastText = e, text
		}
		mu.Unlock()
		return e.apply(ctx, in)
	}, nil
}

func (p *Parser) compileSubst(expr string) (*substExpr, error) {
	// OpenSIPS lets "\{" and "\}" stand for braces inside a transformation.
	expr = strings.NewReplacer(`\{`, "{", `\}`, "}").Replace(expr)
	if len(expr) < 3 {
		return nil, errors.New("re.subst: expected /regexp/replacement/flags")
	}
	delim := expr[0]
	if delim == '\\' || delim == ' ' || isAlnumByte(delim) {
		return nil, errors.New("re.subst: invalid delimiter " + string(delim))
	}
	pattern, rest, ok := splitAtDelim(expr[1:], delim)
	if !ok {
		return nil, errors.New("re.subst: missing delimiter after the regexp")
	}
	e := &substExpr{}
	rest, err := e.parseReplacement(p, rest, delim)
	if err != nil {
		return nil, err
	}
	prefix := "(?m)" // OpenSIPS compiles with REG_NEWLINE
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case 'g':
			e.global = true
		case 'i':
			prefix += "(?i)"
		case 's':
			prefix = strings.Replace(prefix, "(?m)", "(?s)", 1)
		default:
			return nil, errors.New("re.subst: unknown flag " + string(rest[i]))
		}
	}
	if e.re, err = regexp.Compile(prefix + pattern); err != nil {
		return nil, errors.New("re.subst: " + err.Error())
	}
	return e, nil
}

// splitAtDelim returns s up to the first delim not escaped by '\' (an
// escaped delimiter loses its backslash) and the rest after it.
func splitAtDelim(s string, delim byte) (string, string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == delim:
			b.WriteString(regexp.QuoteMeta(string(delim)))
			i++
		case s[i] == '\\' && i+1 < len(s):
			b.WriteString(s[i : i+2])
			i++
		case s[i] == delim:
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", false
}

// parseReplacement reads the replacement up to its closing delimiter and
// returns what follows (the flags).
func (e *substExpr) parseReplacement(p *Parser, s string, delim byte) (string, error) {
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			e.repl = append(e.repl, replPart{text: lit.String(), group: -1})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch d := s[i]; {
			case d >= '0' && d <= '9':
				flush()
				e.repl = append(e.repl, replPart{group: int(d - '0')})
			case d == 'u':
				flush()
				e.repl = append(e.repl, replPart{group: -1, ruri: true})
			case d == 'n':
				lit.WriteByte('\n')
			case d == 'r':
				lit.WriteByte('\r')
			case d == 't':
				lit.WriteByte('\t')
			default:
				lit.WriteByte(d)
			}
		case c == '$':
			if p == nil {
				return "", errors.New("re.subst: variables in the replacement need a parser")
			}
			spec, n, err := p.ParsePV(s[i:])
			if err != nil {
				return "", errors.New("re.subst: replacement: " + err.Error())
			}
			if spec == nil || n <= 0 {
				return "", errors.New("re.subst: replacement: invalid variable")
			}
			flush()
			e.repl = append(e.repl, replPart{group: -1, spec: spec})
			i += n - 1
		case c == delim:
			flush()
			return s[i+1:], nil
		default:
			lit.WriteByte(c)
		}
	}
	return "", errors.New("re.subst: missing delimiter after the replacement")
}

// apply substitutes the first (or, with g, every) match; without a match
// the value is returned unchanged, as in OpenSIPS.
func (e *substExpr) apply(ctx *engine.Context, in engine.Value) (engine.Value, error) {
	s, err := trText(in, "re")
	if err != nil {
		return engine.Null, err
	}
	n := 1
	if e.global {
		n = -1
	}
	matches := e.re.FindAllStringSubmatchIndex(s, n)
	if len(matches) == 0 {
		return in, nil
	}
	var b strings.Builder
	prev := 0
	for _, m := range matches {
		b.WriteString(s[prev:m[0]])
		for _, part := range e.repl {
			switch {
			case part.group >= 0:
				if 2*part.group+1 < len(m) && m[2*part.group] >= 0 {
					b.WriteString(s[m[2*part.group]:m[2*part.group+1]])
				}
			case part.ruri:
				if ctx != nil && ctx.Msg != nil {
					b.WriteString(ctx.Msg.NewRequestURI())
				}
			case part.spec != nil:
				b.WriteString(part.spec.Get(ctx).String())
			default:
				b.WriteString(part.text)
			}
		}
		prev = m[1]
	}
	b.WriteString(s[prev:])
	return engine.Str(b.String()), nil
}

func isAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
