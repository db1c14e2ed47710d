package textops

import (
	"fmt"
	"regexp"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// substExpr is a compiled sed-like '/re/replacement/flags' expression.
type substExpr struct {
	re  *regexp.Regexp
	all bool // flag g
	// repl is the replacement split into literal text and references.
	repl []replPart
}

// replPart is literal text, a match group (\0 to \9) or the Request-URI
// (\u).
type replPart struct {
	text  string
	group int // -1 for text
	uri   bool
}

// fixupSubst compiles a constant subst expression at load time, so a bad
// one is a positioned start-up error.
func fixupSubst(s string) (any, error) { return parseSubst(s) }

// parseSubst reads /re/repl/flags; the first character is the separator.
// Flags: i (ignore case), g (every match), s (let '.' match line ends and
// '^' '$' anchor the whole text, OpenSIPS's clearing of REG_NEWLINE).
func parseSubst(s string) (*substExpr, error) {
	if len(s) < 3 {
		return nil, fmt.Errorf("subst expression %q is too short", s)
	}
	sep := s[0]
	if sep == '\\' {
		return nil, fmt.Errorf("subst expression %q: '\\' cannot be the separator", s)
	}
	reEnd := -1
	for i := 1; i < len(s); i++ {
		if s[i] == sep && s[i-1] != '\\' {
			reEnd = i
			break
		}
	}
	if reEnd < 0 {
		return nil, fmt.Errorf("subst expression %q: no separator after the regular expression", s)
	}
	se := &substExpr{}
	i, err := se.parseReplacement(s, reEnd+1, sep)
	if err != nil {
		return nil, err
	}
	flags := "(?m)"
	for _, f := range s[i+1:] {
		switch f {
		case 'i':
			flags += "(?i)"
		case 'g':
			se.all = true
		case 's':
			flags += "(?s)"
			flags = strings.Replace(flags, "(?m)", "", 1)
		default:
			return nil, fmt.Errorf("subst expression %q: unknown flag %q", s, f)
		}
	}
	re, err := regexp.Compile(flags + s[1:reEnd])
	if err != nil {
		return nil, fmt.Errorf("subst expression %q: bad regular expression: %v", s, err)
	}
	re.Longest() // POSIX regexec semantics
	se.re = re
	return se, nil
}

// parseReplacement reads the replacement from s[i] to the next unescaped
// separator and returns the separator's index.
func (se *substExpr) parseReplacement(s string, i int, sep byte) (int, error) {
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			se.repl = append(se.repl, replPart{text: lit.String(), group: -1})
			lit.Reset()
		}
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c == sep {
			flush()
			return i, nil
		}
		if c == '$' && i+1 < len(s) && s[i+1] != sep {
			// OpenSIPS expands pseudo-variables here at run time; a
			// constant replacement cannot, so refuse rather than send
			// the variable's name.
			return 0, fmt.Errorf("subst expression %q: pseudo-variables in the replacement are not supported (write \\$ for a literal '$')", s)
		}
		if c != '\\' || i+1 == len(s) {
			lit.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; {
		case e >= '0' && e <= '9':
			flush()
			se.repl = append(se.repl, replPart{group: int(e - '0')})
		case e == 'u':
			flush()
			se.repl = append(se.repl, replPart{group: -1, uri: true})
		case e == 'n':
			lit.WriteByte('\n')
		case e == 'r':
			lit.WriteByte('\r')
		case e == 't':
			lit.WriteByte('\t')
		case e == '$':
			lit.WriteByte('$')
		default: // \\, \$, the escaped separator and anything else: the character
			lit.WriteByte(e)
		}
	}
	return 0, fmt.Errorf("subst expression %q: no separator after the replacement", s)
}

// expand builds the replacement for one match; loc holds the group
// offsets in src, as FindAllStringSubmatchIndex returns them.
func (se *substExpr) expand(dst *strings.Builder, src string, loc []int, m *sip.Msg) {
	for _, p := range se.repl {
		switch {
		case p.uri:
			if m != nil && m.IsRequest() {
				dst.WriteString(m.NewRequestURI())
			}
		case p.group >= 0:
			if 2*p.group+1 < len(loc) && loc[2*p.group] >= 0 {
				dst.WriteString(src[loc[2*p.group]:loc[2*p.group+1]])
			}
		default:
			dst.WriteString(p.text)
		}
	}
}

// substArg returns the expression compiled at load time.
func substArg(a *engine.Arg) *substExpr {
	se, _ := a.Fixed.(*substExpr)
	return se
}

// substString applies se to s and reports whether anything matched.
func substString(se *substExpr, s string, m *sip.Msg) (string, bool) {
	n := 1
	if se.all {
		n = -1
	}
	locs := se.re.FindAllStringSubmatchIndex(s, n)
	if locs == nil {
		return s, false
	}
	var b strings.Builder
	last := 0
	for _, loc := range locs {
		b.WriteString(s[last:loc[0]])
		se.expand(&b, s, loc, m)
		last = loc[1]
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// substRange applies se to the received text [from,end) as lumps: each
// match becomes one edit at its received offsets.
func substRange(m *sip.Msg, se *substExpr, from, end int) int {
	src := m.Raw()[from:end]
	n := 1
	if se.all {
		n = -1
	}
	locs := se.re.FindAllStringSubmatchIndex(src, n)
	if locs == nil {
		return -1
	}
	var b strings.Builder
	for _, loc := range locs {
		b.Reset()
		se.expand(&b, src, loc, m)
		m.Lumps.Replace(from+loc[0], from+loc[1], b.String())
	}
	return 1
}

// substMsg is subst('/re/repl/flags') on the headers and body.
func substMsg(ctx *engine.Context, a []engine.Arg) int {
	se := substArg(&a[0])
	if ctx.Msg == nil || se == nil {
		return -1
	}
	return substRange(ctx.Msg, se, headersStart(ctx.Msg), len(ctx.Msg.Raw()))
}

// substBody is subst_body('/re/repl/flags').
func substBody(ctx *engine.Context, a []engine.Arg) int {
	m := ctx.Msg
	se := substArg(&a[0])
	if m == nil || se == nil || m.Body() == "" {
		return -1
	}
	return substRange(m, se, m.BodyOffset(), m.BodyOffset()+len(m.Body()))
}

// substURI is subst_uri('/re/repl/flags') on the current Request-URI. A
// result that is not a URI is refused (false), so a script cannot make
// the proxy send a Request-URI it could not parse itself.
func substURI(ctx *engine.Context, a []engine.Arg) int {
	m := ctx.Msg
	se := substArg(&a[0])
	if m == nil || !m.IsRequest() || se == nil {
		return -1
	}
	uri, ok := substString(se, m.NewRequestURI(), m)
	if !ok {
		return -1
	}
	if _, err := sip.ParseURI(uri); err != nil {
		return -1
	}
	m.SetRequestURI(uri)
	return 1
}

// substUser is subst_user('/re/repl/flags') on the user part of the
// current Request-URI; an empty result removes the user part.
func substUser(ctx *engine.Context, a []engine.Arg) int {
	m := ctx.Msg
	se := substArg(&a[0])
	if m == nil || !m.IsRequest() || se == nil {
		return -1
	}
	cur := m.NewRequestURI()
	u, err := sip.ParseURI(cur)
	if err != nil || !u.IsSIP() {
		return -1
	}
	user, ok := substString(se, u.User, m)
	if !ok {
		return -1
	}
	uri := withUser(cur, len(u.Scheme)+1, u.User, u.Password, user)
	if _, err := sip.ParseURI(uri); err != nil {
		return -1
	}
	m.SetRequestURI(uri)
	return 1
}

// withUser rewrites the user of a sip URI whose userinfo starts at
// offset at; the password goes with the user when the user is removed.
func withUser(uri string, at int, oldUser, password, newUser string) string {
	rest := uri[at:]
	if oldUser != "" {
		rest = rest[len(oldUser):] // ":password@host..." or "@host..."
	}
	switch {
	case oldUser == "" && newUser != "":
		return uri[:at] + newUser + "@" + rest
	case oldUser != "" && newUser == "":
		if password != "" {
			rest = rest[1+len(password):]
		}
		return uri[:at] + rest[1:]
	}
	return uri[:at] + newUser + rest
}
