package script

import (
	"errors"
	"regexp"
	"strings"

	"switchboard/engine"
	"switchboard/script/ast"
	"switchboard/script/pv"
	"switchboard/script/surface"
)

func constExpr(v engine.Value) expr { return func(*engine.Context) engine.Value { return v } }

func boolValue(b bool) engine.Value {
	if b {
		return engine.Int(1)
	}
	return engine.Int(0)
}

// expr compiles an expression; nil means an error was reported.
func (c *compiler) expr(e ast.Expr) expr {
	switch e := e.(type) {
	case *ast.NumberLit:
		return constExpr(engine.Int(int(e.Value)))
	case *ast.StringLit:
		// Strings in expressions are literal; only function arguments are
		// format strings (OpenSIPS Script-Operators).
		return constExpr(engine.Str(e.Value))
	case *ast.NullLit:
		return constExpr(engine.Null)
	case *ast.IPLit:
		return constExpr(engine.Str(e.Text))
	case *ast.ParenExpr:
		return c.expr(e.X)
	case *ast.BracketExpr:
		return c.expr(e.X)
	case *ast.PVar:
		return c.pvRead(e)
	case *ast.CallExpr:
		return c.callExpr(e)
	case *ast.RouteCall:
		return c.routeCall(e)
	case *ast.AsyncCall:
		return c.asyncCall(e)
	case *ast.UnaryExpr:
		return c.unary(e)
	case *ast.BinaryExpr:
		return c.binary(e)
	case *ast.Ident:
		c.errorf(e.Pos, "unknown name %s in an expression (strings need quotes, variables a $)", e.Name)
		return nil
	}
	c.errorf(e.Position(), "expression not supported here")
	return nil
}

// pvRead compiles a pseudo-variable read. $cfg_line and $cfg_file are the
// position of the reference, known now.
func (c *compiler) pvRead(p *ast.PVar) expr {
	switch p.Raw {
	case "$cfg_line":
		return constExpr(engine.Int(p.Pos.Line))
	case "$cfg_file":
		return constExpr(engine.Str(p.Pos.File))
	}
	spec := c.pvSpec(p)
	if spec == nil {
		return nil
	}
	return spec.Get
}

// pvSpec parses a pseudo-variable reference, which must be whole.
func (c *compiler) pvSpec(p *ast.PVar) *pv.Spec {
	spec, n, err := c.pv.ParsePV(p.Raw)
	if err != nil {
		c.pvError(p.Pos, "", err)
		return nil
	}
	if n != len(p.Raw) {
		c.errorf(p.Pos, "unexpected %q after %s", p.Raw[n:], p.Raw[:n])
		return nil
	}
	return spec
}

// lvalue parses a pseudo-variable that is assigned to.
func (c *compiler) lvalue(p *ast.PVar) *pv.Spec {
	spec := c.pvSpec(p)
	if spec != nil && !spec.Writable() {
		c.errorf(p.Pos, "%s is read-only", p.Raw)
		return nil
	}
	return spec
}

func (c *compiler) unary(e *ast.UnaryExpr) expr {
	x := c.expr(e.X)
	if x == nil {
		return nil
	}
	switch e.Op {
	case ast.OpNot:
		return func(ctx *engine.Context) engine.Value { return boolValue(!x(ctx).Truth()) }
	case ast.OpSub:
		return func(ctx *engine.Context) engine.Value {
			n, ok := x(ctx).AsInt()
			if !ok {
				return engine.Null
			}
			return engine.Int(-n)
		}
	case ast.OpBnot:
		return func(ctx *engine.Context) engine.Value {
			n, ok := x(ctx).AsInt()
			if !ok {
				return engine.Null
			}
			return engine.Int(^n)
		}
	}
	c.errorf(e.Pos, "unary %s not supported", e.Op)
	return nil
}

func (c *compiler) binary(e *ast.BinaryExpr) expr {
	if e.Op == ast.OpMatch || e.Op == ast.OpNoMat {
		return c.match(e)
	}
	x, y := c.expr(e.X), c.expr(e.Y)
	if x == nil || y == nil {
		return nil
	}
	switch e.Op {
	case ast.OpAnd:
		return func(ctx *engine.Context) engine.Value {
			if !x(ctx).Truth() || ctx.Exit {
				return boolValue(false)
			}
			return boolValue(y(ctx).Truth())
		}
	case ast.OpOr:
		return func(ctx *engine.Context) engine.Value {
			if x(ctx).Truth() || ctx.Exit {
				return boolValue(!ctx.Exit)
			}
			return boolValue(y(ctx).Truth())
		}
	case ast.OpEq, ast.OpNe, ast.OpGt, ast.OpLt, ast.OpGe, ast.OpLe:
		op := e.Op
		return func(ctx *engine.Context) engine.Value { return boolValue(compare(x(ctx), y(ctx), op)) }
	case ast.OpAdd:
		return func(ctx *engine.Context) engine.Value { return add(x(ctx), y(ctx)) }
	case ast.OpSub, ast.OpMul, ast.OpDiv, ast.OpMod, ast.OpBand, ast.OpBor, ast.OpBxor, ast.OpShl, ast.OpShr:
		op, log, pos := e.Op, c.prog.log, e.OpPos
		return func(ctx *engine.Context) engine.Value {
			v, err := arith(x(ctx), y(ctx), op)
			if err != "" {
				log.Error("script: "+err, "pos", pos.String())
			}
			return v
		}
	}
	c.errorf(e.OpPos, "operator %s not supported", e.Op)
	return nil
}

// compare implements OpenSIPS comparison: null equals only null; two
// values with integer forms, or a string against an integer, compare as
// numbers (a string that is not a number is unequal); otherwise as strings.
func compare(a, b engine.Value, op ast.Op) bool {
	if a.IsNull() || b.IsNull() {
		both := a.IsNull() && b.IsNull()
		switch op {
		case ast.OpEq:
			return both
		case ast.OpNe:
			return !both
		}
		return false
	}
	if a.IsInt() || b.IsInt() {
		x, okX := a.AsInt()
		y, okY := b.AsInt()
		if okX && okY {
			return compareOrdered(x, y, op)
		}
		if !a.IsStr() || !b.IsStr() {
			return op == ast.OpNe
		}
	}
	return compareOrdered(a.String(), b.String(), op)
}

func compareOrdered[T int | string](x, y T, op ast.Op) bool {
	switch op {
	case ast.OpEq:
		return x == y
	case ast.OpNe:
		return x != y
	case ast.OpGt:
		return x > y
	case ast.OpLt:
		return x < y
	case ast.OpGe:
		return x >= y
	}
	return x <= y
}

// add adds numbers and concatenates anything else (OpenSIPS 3 '+').
func add(a, b engine.Value) engine.Value {
	if a.IsInt() && b.IsInt() && !(a.IsStr() && b.IsStr()) {
		return engine.Int(a.Int + b.Int)
	}
	if a.IsNull() {
		return b
	}
	if b.IsNull() {
		return a
	}
	return engine.Str(a.String() + b.String())
}

func arith(a, b engine.Value, op ast.Op) (engine.Value, string) {
	x, okX := a.AsInt()
	y, okY := b.AsInt()
	if !okX || !okY {
		return engine.Null, "operator " + string(op) + " needs numbers"
	}
	switch op {
	case ast.OpSub:
		return engine.Int(x - y), ""
	case ast.OpMul:
		return engine.Int(x * y), ""
	case ast.OpDiv, ast.OpMod:
		if y == 0 {
			return engine.Null, "division by zero"
		}
		if op == ast.OpDiv {
			return engine.Int(x / y), ""
		}
		return engine.Int(x % y), ""
	case ast.OpBand:
		return engine.Int(x & y), ""
	case ast.OpBor:
		return engine.Int(x | y), ""
	case ast.OpBxor:
		return engine.Int(x ^ y), ""
	case ast.OpShl:
		return engine.Int(x << uint(y&63)), ""
	}
	return engine.Int(x >> uint(y&63)), ""
}

// match compiles =~ and !~: POSIX extended regular expressions in
// OpenSIPS, matched case-insensitively as it does (REG_ICASE). A constant
// pattern is compiled once.
func (c *compiler) match(e *ast.BinaryExpr) expr {
	x := c.expr(e.X)
	if x == nil {
		return nil
	}
	negate := e.Op == ast.OpNoMat
	if lit, ok := e.Y.(*ast.StringLit); ok {
		re, err := compileScriptRegex(lit.Value)
		if err != nil {
			c.errorf(lit.Pos, "bad regular expression: %v", err)
			return nil
		}
		return func(ctx *engine.Context) engine.Value {
			v := x(ctx)
			return boolValue(!v.IsNull() && re.MatchString(v.String()) != negate)
		}
	}
	y := c.expr(e.Y)
	if y == nil {
		return nil
	}
	log, pos := c.prog.log, e.OpPos
	return func(ctx *engine.Context) engine.Value {
		v := x(ctx)
		re, err := compileScriptRegex(y(ctx).String())
		if err != nil {
			log.Error("script: bad regular expression", "pos", pos.String(), "err", err)
			return boolValue(false)
		}
		return boolValue(!v.IsNull() && re.MatchString(v.String()) != negate)
	}
}

func compileScriptRegex(s string) (*regexp.Regexp, error) {
	if !strings.HasPrefix(s, "(?") {
		s = "(?i)" + s
	}
	return regexp.Compile(s)
}

// assign compiles `$x op expr`: '=' sets (adds for lists), ':=' replaces,
// the compound forms compute from the current value; '= NULL' unsets.
func (c *compiler) assign(s *ast.AssignStmt) action {
	left := c.lvalue(s.Left)
	c.codeValues = true
	right := c.expr(s.Right)
	c.codeValues = false
	if left == nil || right == nil {
		return nil
	}
	log, pos := c.prog.log, s.Pos
	set := func(ctx *engine.Context, v engine.Value, replace bool) flow {
		if err := left.Set(ctx, v, replace); err != nil {
			log.Error("script: assignment failed", "pos", pos.String(), "var", s.Left.Raw, "err", err)
		}
		if ctx.Exit {
			return flowReturn
		}
		return flowNext
	}
	switch s.Op {
	case ast.OpAssign:
		return func(ctx *engine.Context) flow { return set(ctx, right(ctx), false) }
	case ast.OpColonEq:
		return func(ctx *engine.Context) flow { return set(ctx, right(ctx), true) }
	case ast.OpAddAssign:
		return func(ctx *engine.Context) flow { return set(ctx, add(left.Get(ctx), right(ctx)), true) }
	}
	ops := map[ast.Op]ast.Op{ast.OpSubAssign: ast.OpSub, ast.OpMulAssign: ast.OpMul, ast.OpDivAssign: ast.OpDiv,
		ast.OpModAssign: ast.OpMod, ast.OpAndAssign: ast.OpBand, ast.OpOrAssign: ast.OpBor, ast.OpXorAssign: ast.OpBxor}
	op, ok := ops[s.Op]
	if !ok {
		c.errorf(s.Pos, "assignment %s not supported", s.Op)
		return nil
	}
	return func(ctx *engine.Context) flow {
		v, err := arith(left.Get(ctx), right(ctx), op)
		if err != "" {
			log.Error("script: "+err, "pos", pos.String())
		}
		return set(ctx, v, true)
	}
}

// pvError reports a pseudo-variable error at pos, prefixed by where (a
// function argument). A PV OpenSIPS has but this binary does not is not
// supported rather than unknown.
func (c *compiler) pvError(pos ast.Pos, where string, err error) {
	if where != "" {
		where += ": "
	}
	var unknown *pv.UnknownError
	if errors.As(err, &unknown) {
		if mod, ok := surface.PVModule(unknown.Name); ok {
			c.errorf(pos, "%snot supported: $%s (module %s)", where, unknown.Name, mod)
			return
		}
	}
	c.errorf(pos, "%s%v", where, err)
}
