package script

import (
	"switchboard/script/ast"
)

// parseBlock parses `{ statements }`; the cursor is on '{'.
func (p *parser) parseBlock() *ast.Block {
	p.enter()
	defer p.leave()
	open := p.advance()
	b := &ast.Block{Pos: open.Pos, Stmts: p.parseStmtList(false)}
	if p.tok().Is("}") {
		p.advance()
	} else {
		p.errorf(open.Pos, "unbalanced braces: '{' is never closed (found %s at %s)", p.tok().describe(), p.tok().Pos)
	}
	return b
}

// parseStmtList parses statements up to a '}', a case/default label, the
// end of file or a top-level item (which means a '}' is missing).
func (p *parser) parseStmtList(stopAtCase bool) []ast.Stmt {
	var list []ast.Stmt
	for {
		t := p.tok()
		if t.Kind == EOF || t.Is("}") || p.atDeclStart() {
			return list
		}
		if stopAtCase && (t.Is("case") || t.Is("default")) {
			return list
		}
		start := p.i
		if s := p.parseStmt(); s != nil {
			list = append(list, s)
		}
		if p.i == start {
			p.advance()
		}
	}
}

// parseStmt parses one statement. It returns nil for an empty statement
// or after an error.
func (p *parser) parseStmt() ast.Stmt {
	t := p.tok()
	switch t.Kind {
	case Punct:
		switch t.Text {
		case ";":
			p.advance()
			return nil
		case "{":
			return p.parseBlock()
		}
	case PV:
		return p.parseAssign()
	case Ident:
		switch t.Text {
		case "if":
			return p.parseIf()
		case "else":
			p.errorf(t.Pos, "'else' without 'if' (a ';' or '}' too many before it?)")
			p.advance()
			p.parseBody()
			return nil
		case "elif", "elsif", "elseif":
			p.errorf(t.Pos, "'%s' is not an OpenSIPS keyword: write 'else if'", t.Text)
			p.parseIf()
			return nil
		case "switch":
			return p.parseSwitch()
		case "while":
			return p.parseWhile()
		case "for":
			return p.parseFor()
		case "break":
			p.advance()
			if p.breakable == 0 {
				p.errorf(t.Pos, "break outside switch, while or for")
			}
			p.expectSemi("break")
			return &ast.BreakStmt{Pos: t.Pos}
		case "exit", "drop":
			p.advance()
			if p.tok().Is("(") {
				p.advance()
				p.expect(")", "after "+t.Text+"(")
			}
			p.expectSemi(t.Text)
			if t.Text == "exit" {
				return &ast.ExitStmt{Pos: t.Pos}
			}
			return &ast.DropStmt{Pos: t.Pos}
		case "return":
			return p.parseReturn()
		case "include_file", "import_file":
			if inc := p.parseInclude(); inc != nil {
				return inc
			}
			p.syncStmt()
			return nil
		case "case", "default":
			p.errorf(t.Pos, "'%s' outside a switch", t.Text)
			p.syncStmt()
			return nil
		}
		if p.peek(1).Is("(") {
			x := p.parseCallLike()
			p.expectSemi(t.Text + "(...)")
			return &ast.ExprStmt{Pos: t.Pos, X: x}
		}
		p.errorf(t.Pos, "%s", bareWordMessage(t.Text))
		p.syncStmt()
		return nil
	}
	p.errorf(t.Pos, "unexpected %s: expected a statement", t.describe())
	p.syncStmt()
	return nil
}

var assignOps = map[string]bool{
	"=": true, ":=": true, "+=": true, "-=": true, "*=": true, "/=": true,
	"%=": true, "&=": true, "|=": true, "^=": true,
}

func (p *parser) parseAssign() ast.Stmt {
	pv := p.advance()
	op := p.tok()
	if op.Kind != Punct || !assignOps[op.Text] {
		p.errorf(op.Pos, "expected an assignment operator (=, :=, +=, -=, *=, /=, %%=, &=, |=, ^=) after %s, found %s", pv.Text, op.describe())
		p.syncStmt()
		return nil
	}
	p.advance()
	right := p.parseExpr()
	p.expectSemi("assignment")
	return &ast.AssignStmt{Pos: pv.Pos, Left: &ast.PVar{Pos: pv.Pos, Raw: pv.Text}, Op: ast.Op(op.Text), Right: right}
}

// parseCond parses the parenthesised condition of if/while/switch.
func (p *parser) parseCond(keyword string) ast.Expr {
	if _, ok := p.expect("(", "after "+keyword); !ok {
		// Read the condition anyway so the body is not mistaken for it.
		x := p.parseExpr()
		if p.tok().Is(")") {
			p.advance()
		}
		return x
	}
	x := p.parseExpr()
	if t := p.tok(); !t.Is(")") {
		if t.Is("=") {
			p.errorf(t.Pos, "found '=' in the %s condition: use '==' to compare", keyword)
		} else {
			p.errorf(t.Pos, "expected ')' to close the %s condition, found %s", keyword, t.describe())
		}
		p.skipParen()
		return x
	}
	p.advance()
	return x
}

// skipParen skips to just after the ')' closing the current parenthesis,
// stopping early at ';', '{' or '}' which belong to the statement.
func (p *parser) skipParen() {
	depth := 0
	for t := p.tok(); t.Kind != EOF; t = p.tok() {
		switch {
		case t.Is(";") || t.Is("{") || t.Is("}"):
			return
		case t.Is("("):
			depth++
		case t.Is(")"):
			if depth == 0 {
				p.advance()
				return
			}
			depth--
		}
		p.advance()
	}
}

// parseBody parses the statement after if/else/while/for: a block or a
// single statement. An empty statement becomes an empty block.
func (p *parser) parseBody() ast.Stmt {
	t := p.tok()
	if t.Is("{") {
		return p.parseBlock()
	}
	p.enter()
	defer p.leave()
	if t.Kind == EOF || t.Is("}") {
		p.errorf(t.Pos, "expected a statement or a block, found %s", t.describe())
		return &ast.Block{Pos: t.Pos}
	}
	s := p.parseStmt()
	if s == nil {
		return &ast.Block{Pos: t.Pos}
	}
	return s
}

func (p *parser) parseIf() ast.Stmt {
	kw := p.advance()
	s := &ast.IfStmt{Pos: kw.Pos, Cond: p.parseCond("if")}
	s.Then = p.parseBody()
	if p.tok().Is("else") {
		p.advance()
		s.Else = p.parseBody()
	}
	return s
}

func (p *parser) parseWhile() ast.Stmt {
	kw := p.advance()
	s := &ast.WhileStmt{Pos: kw.Pos, Cond: p.parseCond("while")}
	p.breakable++
	s.Body = p.parseBody()
	p.breakable--
	return s
}

func (p *parser) parseFor() ast.Stmt {
	kw := p.advance()
	s := &ast.ForEachStmt{Pos: kw.Pos}
	ok := true
	pv := func(what string) *ast.PVar {
		t := p.tok()
		if !ok {
			return &ast.PVar{Pos: t.Pos}
		}
		if t.Kind != PV {
			p.errorf(t.Pos, "for: expected %s pseudo-variable, found %s (syntax: for ($var(x) in $(avp(y)[*])))", what, t.describe())
			ok = false
			return &ast.PVar{Pos: t.Pos}
		}
		p.advance()
		return &ast.PVar{Pos: t.Pos, Raw: t.Text}
	}
	if _, ok = p.expect("(", "after for"); ok {
		s.Var = pv("the iterator")
		if ok && !p.tok().Is("in") {
			p.errorf(p.tok().Pos, "for: expected 'in', found %s", p.tok().describe())
			ok = false
		} else if ok {
			p.advance()
		}
		s.List = pv("the list")
		if ok {
			_, ok = p.expect(")", "to close for (...)")
		}
	}
	if !ok {
		if s.Var == nil {
			s.Var = &ast.PVar{Pos: kw.Pos}
		}
		if s.List == nil {
			s.List = &ast.PVar{Pos: kw.Pos}
		}
		p.skipParen()
	}
	p.breakable++
	s.Body = p.parseBody()
	p.breakable--
	return s
}

func (p *parser) parseSwitch() ast.Stmt {
	kw := p.advance()
	s := &ast.SwitchStmt{Pos: kw.Pos, Subject: p.parseCond("switch")}
	open, ok := p.expect("{", "to open the switch body")
	if !ok {
		p.syncStmt()
		return s
	}
	p.enter()
	defer p.leave()
	p.breakable++
	defer func() { p.breakable-- }()
	seenDefault := false
	for {
		t := p.tok()
		switch {
		case t.Is("}"):
			p.advance()
			return s
		case t.Kind == EOF || p.atDeclStart():
			p.errorf(open.Pos, "unbalanced braces: switch body '{' is never closed (found %s at %s)", t.describe(), t.Pos)
			return s
		case t.Is("case"):
			p.advance()
			if seenDefault {
				p.errorf(t.Pos, "'case' after 'default': default must be the last arm of a switch")
			}
			c := &ast.CaseClause{Pos: t.Pos, Value: p.parseUnary()}
			switch c.Value.(type) {
			case *ast.NumberLit, *ast.StringLit:
			default:
				p.errorf(c.Value.Position(), "case value must be a number or a string")
			}
			p.expect(":", "after the case value")
			c.Body = p.parseStmtList(true)
			s.Cases = append(s.Cases, c)
		case t.Is("default"):
			p.advance()
			if seenDefault {
				p.errorf(t.Pos, "more than one 'default' in switch")
			}
			seenDefault = true
			p.expect(":", "after default")
			c := &ast.CaseClause{Pos: t.Pos, Default: true}
			c.Body = p.parseStmtList(true)
			s.Cases = append(s.Cases, c)
		default:
			p.errorf(t.Pos, "expected 'case', 'default' or '}' in switch, found %s", t.describe())
			start := p.i
			p.syncStmt()
			if p.i == start {
				p.advance()
			}
		}
	}
}

// parseReturn parses `return`, `return(...)`, `return n` and `return $pv`.
func (p *parser) parseReturn() ast.Stmt {
	kw := p.advance()
	s := &ast.ReturnStmt{Pos: kw.Pos}
	switch t := p.tok(); {
	case t.Is("("):
		p.advance()
		s.Values = p.parseArgs("return")
	case t.Is(";") || t.Is("}") || t.Kind == EOF:
	default:
		s.Values = []ast.Expr{p.parseUnary()}
	}
	p.expectSemi("return")
	return s
}
