package script

import (
	"strings"

	"switchboard/script/ast"
)

var routeKeywordList = "route, branch_route, failure_route, onreply_route, error_route, local_route, startup_route, timer_route or event_route"

// parseDecl parses one top-level item. It returns nil after an error.
func (p *parser) parseDecl() ast.Decl {
	t := p.tok()
	switch {
	case t.Kind == Ident:
		switch t.Text {
		case "loadmodule":
			return p.parseLoadModule()
		case "modparam":
			return p.parseModParam()
		case "include_file", "import_file":
			return p.parseInclude()
		}
		if kind, ok := ast.RouteKindByKeyword(t.Text); ok {
			return p.parseRoute(kind)
		}
		if p.peek(1).Is("=") {
			return p.parseGlobalParam()
		}
		if n := p.peek(1); n.Is("[") || n.Is("{") {
			p.errorf(t.Pos, "unknown route type '%s': expected %s", t.Text, routeKeywordList)
			p.syncTop()
			return nil
		}
		p.errorf(t.Pos, "unexpected %s at top level: expected a global parameter (name = value), loadmodule, modparam or a route block", t.describe())
	case t.Is("}"):
		p.errorf(t.Pos, "unbalanced braces: '}' closes no block")
		p.advance()
		return nil
	case t.Is(";"):
		p.errorf(t.Pos, "unexpected ';' at top level: global parameters, loadmodule and modparam take no ';'")
		p.advance()
		return nil
	default:
		p.errorf(t.Pos, "unexpected %s at top level: expected a global parameter (name = value), loadmodule, modparam or a route block", t.describe())
	}
	p.syncTop()
	return nil
}

// parseGlobalParam parses `name = value`. The value runs until the next
// top-level item: OpenSIPS has no terminator here, its grammar knows each
// parameter's shape, while we keep the words for the parameter registry.
func (p *parser) parseGlobalParam() ast.Decl {
	name := p.advance()
	p.advance() // '='
	g := &ast.GlobalParam{Pos: name.Pos, Name: name.Text}
	depth := 0
	var last Token
	wordOff, wordEnd := -1, -1 // source span of the current unquoted word
	closeWord := func() {
		if wordOff >= 0 {
			g.Value[len(g.Value)-1].Text = string(p.src[wordOff:wordEnd])
			wordOff = -1
		}
	}
	for {
		t := p.tok()
		if t.Kind == EOF || (depth == 0 && t.Kind == Ident && p.endsValue()) {
			break
		}
		if t.Is(";") {
			p.errorf(t.Pos, "unexpected ';' after global parameter %s: global parameters take no ';'", name.Text)
			p.advance()
			break
		}
		if t.Kind == Illegal {
			p.errorf(t.Pos, "unexpected character %q in the value of %s", t.Text, name.Text)
		}
		if t.Is("{") {
			depth++
		} else if t.Is("}") {
			if depth == 0 {
				break
			}
			depth--
		}
		p.advance()
		joins := len(g.Value) > 0 && t.Off == last.End && t.Kind != String && last.Kind != String
		if joins {
			// Re-slicing per token would be quadratic on a long word; the
			// text is cut once the word ends.
			wordEnd = t.End
		} else if t.Kind == String {
			closeWord()
			g.Value = append(g.Value, ast.Word{Pos: t.Pos, Text: t.Text, Quoted: true})
		} else {
			closeWord()
			wordOff, wordEnd = t.Off, t.End
			g.Value = append(g.Value, ast.Word{Pos: t.Pos})
		}
		last = t
	}
	closeWord()
	if len(g.Value) == 0 {
		p.errorf(p.tok().Pos, "missing value for global parameter %s (found %s)", name.Text, p.tok().describe())
	}
	return g
}

// endsValue reports whether the identifier at the cursor starts the next
// top-level item rather than continuing a global parameter value.
func (p *parser) endsValue() bool {
	t := p.tok()
	if topKeywords[t.Text] || p.peek(1).Is("=") {
		return true
	}
	if _, ok := ast.RouteKindByKeyword(t.Text); ok {
		n := p.peek(1)
		return n.Is("{") || n.Is("[")
	}
	return false
}

func (p *parser) parseLoadModule() ast.Decl {
	kw := p.advance()
	t := p.tok()
	if t.Kind != String {
		p.errorf(t.Pos, "loadmodule: expected a quoted module name or path, found %s", t.describe())
		p.syncTop()
		return nil
	}
	p.advance()
	return &ast.LoadModule{Pos: kw.Pos, Path: t.Text}
}

func (p *parser) parseModParam() ast.Decl {
	kw := p.advance()
	mp := &ast.ModParam{Pos: kw.Pos}
	ok := true
	want := func(s, ctx string) {
		if ok {
			_, ok = p.expect(s, ctx)
		}
	}
	str := func(what string) string {
		if !ok {
			return ""
		}
		t := p.tok()
		if t.Kind != String {
			p.errorf(t.Pos, "modparam: expected the %s as a quoted string, found %s", what, t.describe())
			ok = false
			return ""
		}
		p.advance()
		return t.Text
	}
	want("(", "after modparam")
	mp.Module = str("module name")
	want(",", "after the modparam module name")
	mp.Param = str("parameter name")
	want(",", "after the modparam parameter name")
	if ok {
		t := p.tok()
		switch {
		case t.Kind == String:
			mp.Value = p.parseStrings()
		case t.Kind == Number || t.Is("-") || t.Is("+") || (t.Kind == Ident && boolWords[t.Text] != ""):
			mp.Value = p.parseUnary()
		default:
			p.errorf(t.Pos, "modparam: expected a string or a number as value, found %s", t.describe())
			ok = false
		}
	}
	want(")", "to close modparam")
	if !ok {
		p.syncTop()
		return nil
	}
	return mp
}

func (p *parser) parseInclude() *ast.Include {
	kw := p.advance()
	t := p.tok()
	if t.Kind != String {
		p.errorf(t.Pos, "%s: expected a quoted file name, found %s", kw.Text, t.describe())
		return nil
	}
	p.advance()
	return &ast.Include{Pos: kw.Pos, Keyword: kw.Text, Path: t.Text}
}

// parseRoute parses a route block of any kind.
func (p *parser) parseRoute(kind ast.RouteKind) ast.Decl {
	kw := p.advance()
	rb := &ast.RouteBlock{Pos: kw.Pos, Kind: kind}
	if p.tok().Is("[") {
		p.advance()
		t := p.tok()
		switch t.Kind {
		case Ident, Number, String:
			p.advance()
			rb.Name, rb.HasName = t.Text, true
		default:
			p.errorf(t.Pos, "expected a route name after '%s[', found %s", kw.Text, t.describe())
			p.syncTop()
			return nil
		}
		if kind == ast.TimerRoute {
			if _, ok := p.expect(",", "after the timer_route name (timer_route[name, seconds])"); !ok {
				p.syncTop()
				return nil
			}
			n := p.tok()
			if n.Kind != Number {
				p.errorf(n.Pos, "expected the timer_route interval in seconds, found %s", n.describe())
				p.syncTop()
				return nil
			}
			p.advance()
			rb.Interval = p.numberValue(n, n.Text)
		}
		if kind == ast.EventRoute && p.tok().Is(",") {
			p.advance()
			m := p.tok()
			if m.Text != "sync" && m.Text != "async" {
				p.errorf(m.Pos, "expected sync or async in event_route[name, mode], found %s", m.describe())
				p.syncTop()
				return nil
			}
			p.advance()
			rb.Mode = m.Text
		}
		if _, ok := p.expect("]", "to close the route name"); !ok {
			p.syncTop()
			return nil
		}
	}
	switch kind {
	case ast.BranchRoute, ast.FailureRoute, ast.TimerRoute, ast.EventRoute:
		if !rb.HasName {
			p.errorf(kw.Pos, "%s needs a name: %s[name] { ... }", kw.Text, kw.Text)
		}
	case ast.ErrorRoute, ast.LocalRoute, ast.StartupRoute:
		if rb.HasName {
			p.errorf(kw.Pos, "%s takes no name: %s { ... }", kw.Text, kw.Text)
		}
	}
	if !p.tok().Is("{") {
		p.errorf(p.tok().Pos, "expected '{' to open the %s block, found %s", kw.Text, p.tok().describe())
		p.syncTop()
		return nil
	}
	rb.Body = p.parseBlock()
	return rb
}

// parseStrings folds adjacent string tokens into one literal ("a" "b"),
// as OpenSIPS does for xlog and modparam values.
func (p *parser) parseStrings() *ast.StringLit {
	first := p.advance()
	if p.tok().Kind != String {
		return &ast.StringLit{Pos: first.Pos, Value: first.Text}
	}
	var b strings.Builder
	b.WriteString(first.Text)
	for p.tok().Kind == String {
		b.WriteString(p.advance().Text)
	}
	return &ast.StringLit{Pos: first.Pos, Value: b.String()}
}
