package ast

import (
	"fmt"
	"io"
	"strings"
)

// Fprint writes n back as cfg text. Comments and original layout are not
// kept; parsing the output gives the same tree (positions aside).
func Fprint(w io.Writer, n Node) error {
	p := &printer{}
	p.node(n)
	_, err := io.WriteString(w, p.b.String())
	return err
}

// Format returns the cfg text of n.
func Format(n Node) string {
	p := &printer{}
	p.node(n)
	return p.b.String()
}

func (s *Script) String() string { return Format(s) }

type printer struct {
	b      strings.Builder
	indent int
}

func (p *printer) line(format string, args ...any) {
	p.b.WriteString(strings.Repeat("\t", p.indent))
	fmt.Fprintf(&p.b, format, args...)
	p.b.WriteByte('\n')
}

func (p *printer) node(n Node) {
	switch n := n.(type) {
	case *Script:
		for _, d := range n.Items {
			p.node(d)
		}
	case Decl:
		p.decl(n)
	case Stmt:
		p.stmt(n)
	case Expr:
		p.b.WriteString(ExprString(n))
	case *CaseClause:
		p.caseClause(n)
	}
}

func (p *printer) decl(d Decl) {
	switch d := d.(type) {
	case *GlobalParam:
		words := make([]string, len(d.Value))
		for i, w := range d.Value {
			if w.Quoted {
				words[i] = Quote(w.Text)
			} else {
				words[i] = w.Text
			}
		}
		p.line("%s = %s", d.Name, strings.Join(words, " "))
	case *LoadModule:
		p.line("loadmodule %s", Quote(d.Path))
	case *ModParam:
		p.line("modparam(%s, %s, %s)", Quote(d.Module), Quote(d.Param), ExprString(d.Value))
	case *Include:
		p.line("%s %s", d.Keyword, Quote(d.Path))
	case *RouteBlock:
		head := d.Kind.String()
		switch {
		case d.Kind == TimerRoute:
			head += fmt.Sprintf("[%s, %d]", routeName(d.Name), d.Interval)
		case d.Kind == EventRoute && d.Mode != "":
			head += fmt.Sprintf("[%s, %s]", routeName(d.Name), d.Mode)
		case d.HasName:
			head += "[" + routeName(d.Name) + "]"
		}
		p.line("%s {", head)
		p.indent++
		if d.Body != nil {
			p.stmts(d.Body.Stmts)
		}
		p.indent--
		p.line("}")
		p.b.WriteByte('\n')
	}
}

// routeName prints a route name bare when it lexes back as one identifier
// or number, quoted otherwise.
func routeName(name string) string {
	if isWord(name) || isDigits(name) {
		return name
	}
	return Quote(name)
}

func isWord(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) && s[i] != '_' {
			return false
		}
	}
	return !reservedRouteWord(s)
}

// reservedRouteWord reports words that the lexer turns into something other
// than an identifier, so they must be quoted when used as a name.
func reservedRouteWord(s string) bool {
	switch s {
	case "yes", "true", "on", "enable", "no", "false", "off", "disable",
		"null", "NULL", "and", "or", "not":
		return true
	}
	return false
}

func isDigits(s string) bool {
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func (p *printer) stmts(list []Stmt) {
	for _, s := range list {
		p.stmt(s)
	}
}

// openBody prints the head of an if/else/while/for and its body: a block
// opens a brace that closeBody closes, a single statement goes on its own
// indented line.
func (p *printer) openBody(head string, s Stmt) {
	if b, ok := s.(*Block); ok {
		p.line("%s {", head)
		p.indent++
		p.stmts(b.Stmts)
		p.indent--
		return
	}
	p.line("%s", head)
	p.indent++
	p.stmt(s)
	p.indent--
}

func (p *printer) closeBody(s Stmt) {
	if _, ok := s.(*Block); ok {
		p.line("}")
	}
}

func (p *printer) stmt(s Stmt) {
	switch s := s.(type) {
	case *Block:
		p.line("{")
		p.indent++
		p.stmts(s.Stmts)
		p.indent--
		p.line("}")
	case *IfStmt:
		p.ifStmt(s, "")
	case *SwitchStmt:
		p.line("switch (%s) {", ExprString(s.Subject))
		for _, c := range s.Cases {
			p.caseClause(c)
		}
		p.line("}")
	case *WhileStmt:
		p.openBody(fmt.Sprintf("while (%s)", ExprString(s.Cond)), s.Body)
		p.closeBody(s.Body)
	case *ForEachStmt:
		p.openBody(fmt.Sprintf("for (%s in %s)", s.Var.Raw, s.List.Raw), s.Body)
		p.closeBody(s.Body)
	case *BreakStmt:
		p.line("break;")
	case *ExitStmt:
		p.line("exit;")
	case *DropStmt:
		p.line("drop;")
	case *ReturnStmt:
		if len(s.Values) == 0 {
			p.line("return;")
		} else {
			p.line("return(%s);", exprList(s.Values))
		}
	case *AssignStmt:
		p.line("%s %s %s;", s.Left.Raw, s.Op, ExprString(s.Right))
	case *ExprStmt:
		p.line("%s;", ExprString(s.X))
	case *Include:
		p.line("%s %s", s.Keyword, Quote(s.Path))
	}
}

func (p *printer) ifStmt(s *IfStmt, lead string) {
	head := lead + "if (" + ExprString(s.Cond) + ")"
	_, thenBlock := s.Then.(*Block)
	p.openBody(head, s.Then)
	if s.Else == nil {
		p.closeBody(s.Then)
		return
	}
	closing := ""
	if thenBlock {
		closing = "} "
	}
	switch e := s.Else.(type) {
	case *IfStmt:
		p.ifStmt(e, closing+"else ")
	default:
		p.openBody(closing+"else", e)
		p.closeBody(e)
	}
}

func (p *printer) caseClause(c *CaseClause) {
	if c.Default {
		p.line("default:")
	} else {
		p.line("case %s:", ExprString(c.Value))
	}
	p.indent++
	p.stmts(c.Body)
	p.indent--
}

func exprList(list []Expr) string {
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = ExprString(e)
	}
	return strings.Join(parts, ", ")
}

// ExprString returns the cfg text of an expression.
func ExprString(e Expr) string {
	switch e := e.(type) {
	case *PVar:
		return e.Raw
	case *StringLit:
		return Quote(e.Value)
	case *NumberLit:
		return e.Text
	case *NullLit:
		return "NULL"
	case *IPLit:
		return e.Text
	case *Ident:
		return e.Name
	case *EmptyArg:
		return ""
	case *CallExpr:
		return e.Name + "(" + exprList(e.Args) + ")"
	case *RouteCall:
		target := ExprString(e.Target)
		if len(e.Args) == 0 {
			return "route(" + target + ")"
		}
		return "route(" + target + ", " + exprList(e.Args) + ")"
	case *AsyncCall:
		name := "async"
		if e.Launch {
			name = "launch"
		}
		s := name + "(" + ExprString(e.Call)
		if e.Route != nil {
			s += ", " + ExprString(e.Route)
		}
		if e.Extra != nil {
			s += ", " + ExprString(e.Extra)
		}
		return s + ")"
	case *UnaryExpr:
		x := ExprString(e.X)
		// "!" before "~" or "=" would lex as "!~" / "!=".
		if strings.HasPrefix(x, "~") || strings.HasPrefix(x, "=") {
			return string(e.Op) + " " + x
		}
		return string(e.Op) + x
	case *BinaryExpr:
		return ExprString(e.X) + " " + string(e.Op) + " " + ExprString(e.Y)
	case *ParenExpr:
		return "(" + ExprString(e.X) + ")"
	case *BracketExpr:
		return "[" + ExprString(e.X) + " ]"
	}
	return ""
}

// Quote writes s as a double-quoted cfg string that the lexer reads back as
// s. Control bytes use three-digit octal escapes because \x takes one or two
// hex digits and would swallow a following hex character.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\%03o`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
