package script

import (
	"fmt"

	"switchboard/script/ast"
)

// Limits against hostile input: nesting is capped so recursion cannot
// overflow the stack, and error collection stops after maxErrors so a
// garbage file does not produce a garbage-sized report.
const (
	maxDepth  = 200
	maxErrors = 100
)

// parser is a recursive-descent parser over the token slice. It keeps
// going after an error by skipping to a synchronisation point (';', '}',
// or the start of the next top-level item).
type parser struct {
	file      string
	src       []byte
	toks      []Token
	i         int
	errs      ErrorList
	depth     int
	breakable int // >0 inside switch/while/for, where break is allowed
}

// bailout aborts parsing when a hard limit is hit.
type bailout struct{}

// Parse parses one cfg file. It returns the script built so far even when
// there are errors; the error is an ErrorList with every problem found.
// include_file directives are kept as nodes; Load resolves them.
func Parse(file string, src []byte) (*ast.Script, error) {
	p := newParser(file, src)
	s := &ast.Script{Pos: ast.Pos{File: file, Line: 1, Col: 1}}
	p.run(func() {
		for p.tok().Kind != EOF {
			start := p.i
			if d := p.parseDecl(); d != nil {
				s.Add(d)
			}
			if p.i == start {
				p.advance()
			}
		}
	})
	return s, p.errs.Err()
}

// ParseStatements parses a file holding route statements only, as included
// with include_file from inside a route block.
func ParseStatements(file string, src []byte) ([]ast.Stmt, error) {
	p := newParser(file, src)
	var stmts []ast.Stmt
	p.run(func() {
		for p.tok().Kind != EOF {
			stmts = append(stmts, p.parseStmtList(false)...)
			if t := p.tok(); t.Kind != EOF {
				p.errorf(t.Pos, "unexpected %s in included statements", t.describe())
				p.advance()
			}
		}
	})
	return stmts, p.errs.Err()
}

func newParser(file string, src []byte) *parser {
	toks, errs := Lex(file, src)
	return &parser{file: file, src: src, toks: toks, errs: errs}
}

func (p *parser) run(f func()) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
		}
		p.errs.sortByPos()
	}()
	f()
}

func (p *parser) tok() Token { return p.toks[p.i] }

func (p *parser) peek(n int) Token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) advance() Token {
	t := p.toks[p.i]
	if t.Kind != EOF {
		p.i++
	}
	return t
}

func (p *parser) prevEnd() ast.Pos {
	if p.i == 0 {
		return p.tok().Pos
	}
	return p.toks[p.i-1].EndPos
}

func (p *parser) errorf(pos ast.Pos, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		p.errs = append(p.errs, &Error{Pos: pos, Msg: "too many errors, giving up"})
		panic(bailout{})
	}
	p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// enter counts one level of nesting; past maxDepth parsing stops.
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.errorf(p.tok().Pos, "nesting too deep: more than %d levels of blocks or parentheses", maxDepth)
		panic(bailout{})
	}
}

func (p *parser) leave() { p.depth-- }

// expect consumes the punctuation s or reports what was found instead.
func (p *parser) expect(s, context string) (Token, bool) {
	t := p.tok()
	if t.Is(s) {
		return p.advance(), true
	}
	p.errorf(t.Pos, "expected '%s' %s, found %s", s, context, t.describe())
	return t, false
}

// expectSemi requires the ';' that ends a simple statement. A missing one
// is reported just after the previous token and not consumed, so parsing
// continues as if it were there.
func (p *parser) expectSemi(what string) {
	if p.tok().Is(";") {
		p.advance()
		return
	}
	p.errorf(p.prevEnd(), "missing ';' after %s (found %s)", what, p.tok().describe())
}

var topKeywords = map[string]bool{
	"loadmodule": true, "modparam": true, "include_file": true, "import_file": true,
}

// atDeclStart reports whether the current token starts a top-level item
// that cannot appear inside a route: a route definition, loadmodule or
// modparam. Inside a block it means a '}' is missing.
func (p *parser) atDeclStart() bool {
	t := p.tok()
	if t.Kind != Ident {
		return false
	}
	if t.Text == "loadmodule" || t.Text == "modparam" {
		return true
	}
	if _, ok := ast.RouteKindByKeyword(t.Text); ok {
		n := p.peek(1)
		return n.Is("{") || n.Is("[")
	}
	return false
}

func (p *parser) startsGlobalParam() bool {
	return p.tok().Kind == Ident && p.peek(1).Is("=")
}

// syncTop skips to the next token that can start a top-level item.
func (p *parser) syncTop() {
	p.advance()
	depth := 0
	for t := p.tok(); t.Kind != EOF; t = p.tok() {
		if depth == 0 && t.Kind == Ident {
			if _, ok := ast.RouteKindByKeyword(t.Text); ok || topKeywords[t.Text] || p.startsGlobalParam() {
				return
			}
		}
		if t.Is("{") {
			depth++
		} else if t.Is("}") && depth > 0 {
			depth--
		}
		p.advance()
	}
}

// syncStmt skips the rest of a broken statement: through the next ';', or
// through a whole {...} block, or up to a '}' that closes the enclosing
// block.
func (p *parser) syncStmt() {
	depth := 0
	for t := p.tok(); t.Kind != EOF; t = p.tok() {
		switch {
		case t.Is(";") && depth == 0:
			p.advance()
			return
		case t.Is("{"):
			depth++
		case t.Is("}"):
			if depth == 0 {
				return
			}
			depth--
			if depth == 0 {
				p.advance()
				return
			}
		case depth == 0 && p.atDeclStart():
			return
		}
		p.advance()
	}
}
