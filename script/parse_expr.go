package script

import (
	"strconv"
	"strings"

	"switchboard/script/ast"
)

// Expression precedence follows OpenSIPS's cfg.y, lowest first:
//
//	&& || and or   one level, left-associative: a || b && c is (a || b) && c
//	! not          prefix, binds a whole comparison: !$x == 1 is !($x == 1)
//	== != > < >= <= =~ !~   non-associative
//	| & ^ << >>    one level, left-associative
//	+ - * / %      one level, left-associative: 1 + 2 * 3 is (1 + 2) * 3
//	~ and a sign on a number
//
// OpenSIPS accepts fewer shapes in conditions (the left side of a
// comparison must be a pseudo-variable, arithmetic only inside [...] or an
// assignment); the parser accepts the general form and leaves shape rules
// to the checker.
func (p *parser) parseExpr() ast.Expr {
	p.enter()
	defer p.leave()
	x := p.parseNot()
	for t := p.tok(); t.Is("&&") || t.Is("||"); t = p.tok() {
		p.advance()
		y := p.parseNot()
		x = &ast.BinaryExpr{Pos: x.Position(), OpPos: t.Pos, Op: ast.Op(t.Text), X: x, Y: y}
	}
	return x
}

func (p *parser) parseNot() ast.Expr {
	if t := p.tok(); t.Is("!") {
		p.advance()
		p.enter()
		defer p.leave()
		return &ast.UnaryExpr{Pos: t.Pos, Op: ast.OpNot, X: p.parseNot()}
	}
	return p.parseComparison()
}

var comparisonOps = map[string]bool{
	"==": true, "!=": true, ">": true, "<": true, ">=": true, "<=": true, "=~": true, "!~": true,
}

func (p *parser) parseComparison() ast.Expr {
	x := p.parseBitwise()
	chained := false
	for t := p.tok(); t.Kind == Punct && comparisonOps[t.Text]; t = p.tok() {
		if chained {
			p.errorf(t.Pos, "comparisons cannot be chained: join them with && or ||")
		}
		chained = true
		p.advance()
		y := p.parseBitwise()
		x = &ast.BinaryExpr{Pos: x.Position(), OpPos: t.Pos, Op: ast.Op(t.Text), X: x, Y: y}
	}
	return x
}

var bitwiseOps = map[string]bool{"|": true, "&": true, "^": true, "<<": true, ">>": true}
var arithOps = map[string]bool{"+": true, "-": true, "*": true, "/": true, "%": true}

func (p *parser) parseBitwise() ast.Expr {
	x := p.parseArith()
	for t := p.tok(); t.Kind == Punct && bitwiseOps[t.Text]; t = p.tok() {
		p.advance()
		y := p.parseArith()
		x = &ast.BinaryExpr{Pos: x.Position(), OpPos: t.Pos, Op: ast.Op(t.Text), X: x, Y: y}
	}
	return x
}

func (p *parser) parseArith() ast.Expr {
	x := p.parseUnary()
	for t := p.tok(); t.Kind == Punct && arithOps[t.Text]; t = p.tok() {
		p.advance()
		y := p.parseUnary()
		x = &ast.BinaryExpr{Pos: x.Position(), OpPos: t.Pos, Op: ast.Op(t.Text), X: x, Y: y}
	}
	return x
}

// parseUnary parses `~x`, a signed number or a primary.
func (p *parser) parseUnary() ast.Expr {
	t := p.tok()
	switch {
	case t.Is("~"):
		p.advance()
		p.enter()
		defer p.leave()
		return &ast.UnaryExpr{Pos: t.Pos, Op: ast.OpBnot, X: p.parseUnary()}
	case (t.Is("-") || t.Is("+")) && p.peek(1).Kind == Number:
		p.advance()
		n := p.advance()
		text := n.Text
		v := p.numberValue(n, text)
		if t.Text == "-" {
			text, v = "-"+text, -v
		}
		return &ast.NumberLit{Pos: t.Pos, Text: text, Value: v}
	}
	return p.parsePrimary()
}

// boolWords are the words OpenSIPS's lexer turns into the numbers 1 and 0.
var boolWords = map[string]string{
	"yes": "1", "true": "1", "on": "1", "enable": "1",
	"no": "0", "false": "0", "off": "0", "disable": "0",
}

func (p *parser) parsePrimary() ast.Expr {
	t := p.tok()
	switch t.Kind {
	case PV:
		p.advance()
		return &ast.PVar{Pos: t.Pos, Raw: t.Text}
	case String:
		return p.parseStrings()
	case Number:
		p.advance()
		return &ast.NumberLit{Pos: t.Pos, Text: t.Text, Value: p.numberValue(t, t.Text)}
	case IPv4, IPv6, IPNet:
		p.advance()
		return &ast.IPLit{Pos: t.Pos, Text: t.Text}
	case Ident:
		if t.Text == "NULL" || t.Text == "null" {
			p.advance()
			return &ast.NullLit{Pos: t.Pos}
		}
		if v, ok := boolWords[t.Text]; ok {
			p.advance()
			n, _ := strconv.ParseInt(v, 10, 64)
			return &ast.NumberLit{Pos: t.Pos, Text: t.Text, Value: n}
		}
		if p.peek(1).Is("(") {
			return p.parseCallLike()
		}
		p.errorf(t.Pos, "%s", bareWordMessage(t.Text))
		p.advance()
		return &ast.Ident{Pos: t.Pos, Name: t.Text}
	case Punct:
		switch t.Text {
		case "(", "[":
			closing := ")"
			if t.Text == "[" {
				closing = "]"
			}
			p.advance()
			x := p.parseExpr()
			if !p.tok().Is(closing) {
				p.errorf(p.tok().Pos, "expected '%s' to close the '%s' at %s, found %s", closing, t.Text, t.Pos, p.tok().describe())
			} else {
				p.advance()
			}
			if closing == "]" {
				return &ast.BracketExpr{Pos: t.Pos, X: x}
			}
			return &ast.ParenExpr{Pos: t.Pos, X: x}
		}
	}
	p.errorf(t.Pos, "expected an expression, found %s", t.describe())
	if t.Kind != EOF && !t.Is(")") && !t.Is(";") && !t.Is("}") && !t.Is("{") && !t.Is(",") {
		p.advance()
	}
	return &ast.EmptyArg{Pos: t.Pos}
}

// numberValue converts a number token: 0x hex, 0-prefixed octal, decimal.
func (p *parser) numberValue(t Token, text string) int64 {
	var v int64
	var err error
	switch {
	case strings.HasPrefix(text, "0x") || strings.HasPrefix(text, "0X"):
		v, err = strconv.ParseInt(text[2:], 16, 64)
	case len(text) > 1 && text[0] == '0':
		v, err = strconv.ParseInt(text[1:], 8, 64)
	default:
		v, err = strconv.ParseInt(text, 10, 64)
	}
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			p.errorf(t.Pos, "number %s out of range", text)
		} else {
			p.errorf(t.Pos, "invalid number %s", text)
		}
	}
	return v
}

// parseCallLike parses `name(args)`; the cursor is on name, followed by
// '('. route(), async() and launch() get their own nodes.
func (p *parser) parseCallLike() ast.Expr {
	p.enter()
	defer p.leave()
	name := p.advance()
	p.advance() // '('
	switch name.Text {
	case "route":
		return p.parseRouteCall(name)
	case "async", "launch":
		return p.parseAsync(name)
	}
	return &ast.CallExpr{Pos: name.Pos, Name: name.Text, Args: p.parseArgs(name.Text)}
}

// parseArgs parses a comma-separated argument list after '(' through ')'.
// An argument may be left out: f(, "x") and f("x", ).
func (p *parser) parseArgs(fn string) []ast.Expr {
	var args []ast.Expr
	if p.tok().Is(")") {
		p.advance()
		return nil
	}
	for {
		t := p.tok()
		if t.Is(",") || t.Is(")") {
			args = append(args, &ast.EmptyArg{Pos: t.Pos})
		} else {
			args = append(args, p.parseArg())
		}
		t = p.tok()
		if t.Is(",") {
			p.advance()
			continue
		}
		if t.Is(")") {
			p.advance()
			return args
		}
		p.errorf(t.Pos, "expected ',' or ')' in the arguments of %s(), found %s", fn, t.describe())
		p.skipParen()
		return args
	}
}

// parseArg parses one argument. A lone bare word is kept as an identifier
// (a route or flag name); anywhere else a bare word is an error.
func (p *parser) parseArg() ast.Expr {
	t := p.tok()
	if t.Kind == Ident && (p.peek(1).Is(",") || p.peek(1).Is(")")) {
		if _, isBool := boolWords[t.Text]; !isBool && t.Text != "NULL" && t.Text != "null" {
			p.advance()
			return &ast.Ident{Pos: t.Pos, Name: t.Text}
		}
	}
	return p.parseExpr()
}

// parseRouteName parses the name in route(name), async(..., name) and
// launch(..., name): an identifier, a number, a string or (route() only)
// a pseudo-variable.
func (p *parser) parseRouteName(context string, allowPV bool) ast.Expr {
	t := p.tok()
	switch {
	case t.Kind == Ident:
		p.advance()
		return &ast.Ident{Pos: t.Pos, Name: t.Text}
	case t.Kind == Number:
		p.advance()
		return &ast.NumberLit{Pos: t.Pos, Text: t.Text, Value: p.numberValue(t, t.Text)}
	case t.Kind == String:
		return p.parseStrings()
	case t.Kind == PV && allowPV:
		p.advance()
		return &ast.PVar{Pos: t.Pos, Raw: t.Text}
	}
	p.errorf(t.Pos, "%s: expected a route name, found %s", context, t.describe())
	return &ast.EmptyArg{Pos: t.Pos}
}

func (p *parser) parseRouteCall(name Token) ast.Expr {
	rc := &ast.RouteCall{Pos: name.Pos}
	rc.Target = p.parseRouteName("route()", true)
	if _, bad := rc.Target.(*ast.EmptyArg); bad {
		p.skipParen()
		return rc
	}
	switch t := p.tok(); {
	case t.Is(","):
		p.advance()
		rc.Args = p.parseArgs("route")
	case t.Is(")"):
		p.advance()
	default:
		p.errorf(t.Pos, "expected ',' or ')' after the route name, found %s", t.describe())
		p.skipParen()
	}
	return rc
}

// parseAsync parses async(func(args), resume_route[, timeout]) and
// launch(func(args)[, report_route[, "id"]]).
func (p *parser) parseAsync(name Token) ast.Expr {
	ac := &ast.AsyncCall{Pos: name.Pos, Launch: name.Text == "launch"}
	t := p.tok()
	if t.Kind != Ident || !p.peek(1).Is("(") {
		p.errorf(t.Pos, "%s: expected a function call as first argument, found %s", name.Text, t.describe())
		p.skipParen()
		ac.Call = &ast.CallExpr{Pos: t.Pos}
		return ac
	}
	call, ok := p.parseCallLike().(*ast.CallExpr)
	if !ok {
		p.errorf(t.Pos, "%s: %s() cannot run asynchronously", name.Text, t.Text)
		call = &ast.CallExpr{Pos: t.Pos, Name: t.Text}
	}
	ac.Call = call
	if p.tok().Is(",") {
		p.advance()
		ac.Route = p.parseRouteName(name.Text+"()", false)
		if p.tok().Is(",") {
			p.advance()
			ac.Extra = p.parseUnary()
		}
	} else if !ac.Launch {
		p.errorf(p.tok().Pos, "async() needs a resume route: async(%s(...), route_name), found %s", call.Name, p.tok().describe())
	}
	if _, ok := p.expect(")", "to close "+name.Text+"(...)"); !ok {
		p.skipParen()
	}
	return ac
}

// oldKeywords are OpenSIPS 1.x condition keywords removed in 2.x/3.x, with
// what to write instead.
var oldKeywords = map[string]string{
	"method":   "$rm",
	"uri":      "$ru",
	"from_uri": "$fu",
	"to_uri":   "$tu",
	"src_ip":   "$si",
	"src_port": "$sp",
	"dst_ip":   "$socket_in(ip)",
	"dst_port": "$socket_in(port)",
	"proto":    "$socket_in(proto)",
	"af":       "$socket_in(af)",
	"myself":   "is_myself()",
	"status":   "$rs",
	"msg":      "$ml (for msg:len)",
}

// bareWordMessage is OpenSIPS's message for a word used without '()', with
// the replacement for the 1.x keywords people still paste from old guides.
func bareWordMessage(word string) string {
	msg := "bare word <" + word + "> found, command calls need '()'"
	if repl, ok := oldKeywords[word]; ok {
		msg += "; '" + word + "' is an OpenSIPS 1.x keyword, use " + repl
	}
	return msg
}
