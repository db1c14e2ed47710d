package script

import (
	"switchboard/engine"
	"switchboard/script/ast"
)

// block compiles a statement list into one action.
func (c *compiler) block(stmts []ast.Stmt) action {
	actions := make([]action, 0, len(stmts))
	for _, s := range stmts {
		if a := c.stmt(s); a != nil {
			actions = append(actions, a)
		}
	}
	switch len(actions) {
	case 0:
		return func(*engine.Context) flow { return flowNext }
	case 1:
		return actions[0]
	}
	return func(ctx *engine.Context) flow {
		for _, a := range actions {
			if f := a(ctx); f != flowNext {
				return f
			}
		}
		return flowNext
	}
}

// actions, when set by a test before Compile, makes the program count the
// statements it runs (Program.counted), so benchmarks can report the time
// per executed action. Programs compiled without it pay nothing.
var actions *int

func (c *compiler) stmt(s ast.Stmt) action {
	a := c.statement(s)
	if a == nil || c.prog.counted == nil {
		return a
	}
	counted := c.prog.counted
	return func(ctx *engine.Context) flow {
		*counted++
		return a(ctx)
	}
}

func (c *compiler) statement(s ast.Stmt) action {
	switch s := s.(type) {
	case *ast.Block:
		return c.block(s.Stmts)
	case *ast.ExprStmt:
		return c.exprStmt(s)
	case *ast.AssignStmt:
		return c.assign(s)
	case *ast.IfStmt:
		return c.ifStmt(s)
	case *ast.SwitchStmt:
		return c.switchStmt(s)
	case *ast.WhileStmt:
		return c.whileStmt(s)
	case *ast.ForEachStmt:
		return c.forEach(s)
	case *ast.ReturnStmt:
		return c.returnStmt(s)
	case *ast.BreakStmt:
		if c.breakDepth == 0 {
			c.errorf(s.Pos, "break outside switch, while or for")
		}
		return func(*engine.Context) flow { return flowBreak }
	case *ast.ExitStmt:
		return func(ctx *engine.Context) flow { ctx.Exit = true; return flowReturn }
	case *ast.DropStmt:
		return func(ctx *engine.Context) flow {
			ctx.Dropped, ctx.Exit = true, true
			return flowReturn
		}
	case *ast.Include:
		c.errorf(s.Pos, "%s %q was not loaded: read the script with Load", s.Keyword, s.Path)
		return nil
	}
	c.errorf(s.Position(), "statement not supported here")
	return nil
}

// exprStmt compiles a call used as a statement: its code goes to $rc, and
// a code of 0 stops the script.
func (c *compiler) exprStmt(s *ast.ExprStmt) action {
	switch s.X.(type) {
	case *ast.CallExpr, *ast.RouteCall, *ast.AsyncCall:
	default:
		c.errorf(s.Pos, "expression used as a statement: only calls and assignments are statements")
		return nil
	}
	e := c.expr(s.X)
	if e == nil {
		return nil
	}
	return func(ctx *engine.Context) flow {
		e(ctx)
		if ctx.Exit {
			return flowReturn
		}
		return flowNext
	}
}

// cond compiles a condition; the action reports flowReturn when evaluating
// it stopped the script.
func (c *compiler) cond(e ast.Expr) func(ctx *engine.Context) bool {
	x := c.expr(e)
	if x == nil {
		return func(*engine.Context) bool { return false }
	}
	return func(ctx *engine.Context) bool { return x(ctx).Truth() }
}

func (c *compiler) ifStmt(s *ast.IfStmt) action {
	cond := c.cond(s.Cond)
	then := c.stmt(s.Then)
	if then == nil {
		then = func(*engine.Context) flow { return flowNext }
	}
	var els action
	if s.Else != nil {
		els = c.stmt(s.Else)
	}
	return func(ctx *engine.Context) flow {
		ok := cond(ctx)
		if ctx.Exit {
			return flowReturn
		}
		if ok {
			return then(ctx)
		}
		if els != nil {
			return els(ctx)
		}
		return flowNext
	}
}

// switchStmt: the first case equal to the subject runs, and the ones after
// it until a break (OpenSIPS cases fall through, as in C); default runs
// when none matches.
func (c *compiler) switchStmt(s *ast.SwitchStmt) action {
	subject := c.expr(s.Subject)
	if subject == nil {
		return nil
	}
	c.breakDepth++
	defer func() { c.breakDepth-- }()
	values := make([]engine.Value, len(s.Cases))
	bodies := make([]action, len(s.Cases))
	def := -1
	for i, cs := range s.Cases {
		if cs.Default {
			if def >= 0 {
				c.errorf(cs.Pos, "switch has two default cases")
			}
			def = i
		} else if v, ok := c.constant(cs.Value); ok {
			values[i] = v
		} else {
			c.errorf(cs.Pos, "case value must be a number or a string")
		}
		bodies[i] = c.block(cs.Body)
	}
	return func(ctx *engine.Context) flow {
		v := subject(ctx)
		start := def
		for i := range values {
			if i != def && caseMatches(v, values[i]) {
				start = i
				break
			}
		}
		if start < 0 {
			return flowNext
		}
		for _, body := range bodies[start:] {
			switch body(ctx) {
			case flowBreak:
				return flowNext
			case flowReturn:
				return flowReturn
			}
		}
		return flowNext
	}
}

func caseMatches(v, want engine.Value) bool {
	if want.IsInt() {
		n, ok := v.AsInt()
		return ok && n == want.Int
	}
	return !v.IsNull() && v.String() == want.Str
}

func (c *compiler) whileStmt(s *ast.WhileStmt) action {
	cond := c.cond(s.Cond)
	c.breakDepth++
	body := c.stmt(s.Body)
	c.breakDepth--
	if body == nil {
		body = func(*engine.Context) flow { return flowNext }
	}
	max, log, pos := c.prog.maxWhileLoops, c.prog.log, s.Pos
	return func(ctx *engine.Context) flow {
		for n := 0; ; n++ {
			ok := cond(ctx)
			if ctx.Exit {
				return flowReturn
			}
			if !ok {
				return flowNext
			}
			if n >= max {
				log.Error("script: while loop stopped at max_while_loops", "pos", pos.String(), "loops", max)
				return flowNext
			}
			switch body(ctx) {
			case flowBreak:
				return flowNext
			case flowReturn:
				return flowReturn
			}
		}
	}
}

func (c *compiler) forEach(s *ast.ForEachStmt) action {
	v := c.lvalue(s.Var)
	list := c.pvSpec(s.List)
	c.breakDepth++
	body := c.stmt(s.Body)
	c.breakDepth--
	if v == nil || list == nil || body == nil {
		return nil
	}
	if !list.Key.AllIndexes {
		c.errorf(s.List.Pos, "for each needs a list: write %s with [*]", s.List.Raw)
	}
	return func(ctx *engine.Context) flow {
		for _, item := range list.All(ctx) {
			v.Set(ctx, item, false)
			switch body(ctx) {
			case flowBreak:
				return flowNext
			case flowReturn:
				return flowReturn
			}
		}
		return flowNext
	}
}

// returnStmt: return(n) leaves the route with code n (1 without a value);
// return(0) stops the script like exit; further values are $return(1)...
func (c *compiler) returnStmt(s *ast.ReturnStmt) action {
	if len(s.Values) == 0 {
		return func(ctx *engine.Context) flow { ctx.RetCode = 1; return flowReturn }
	}
	code := c.expr(s.Values[0])
	extra := make([]expr, 0, len(s.Values)-1)
	for _, v := range s.Values[1:] {
		if e := c.expr(v); e != nil {
			extra = append(extra, e)
		}
	}
	if code == nil {
		return nil
	}
	return func(ctx *engine.Context) flow {
		n, _ := code(ctx).AsInt()
		if len(extra) > 0 {
			returns := make([]engine.Value, len(extra))
			for i, e := range extra {
				returns[i] = e(ctx)
			}
			ctx.Returns = returns
		}
		ctx.RetCode = n
		if n == 0 {
			ctx.Exit = true
		}
		return flowReturn
	}
}
