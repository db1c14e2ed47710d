package script

import (
	"strconv"

	"switchboard/engine"
	"switchboard/script/ast"
	"switchboard/script/surface"
)

// argEval fills one argument slot when a function runs.
type argEval func(ctx *engine.Context, a *engine.Arg)

// callExpr compiles a module or core function call. Its value is true
// (1) for a positive code and false (0) for a negative one, or the code
// itself on the right of an assignment; the code goes to $rc, and a code
// of 0 stops the script.
func (c *compiler) callExpr(e *ast.CallExpr) expr {
	run := c.call(e)
	if run == nil {
		return nil
	}
	if c.codeValues {
		return func(ctx *engine.Context) engine.Value {
			code := run(ctx)
			ctx.RetCode = code
			if code == 0 {
				ctx.Exit = true
			}
			return engine.Int(code)
		}
	}
	return func(ctx *engine.Context) engine.Value {
		code := run(ctx)
		ctx.RetCode = code
		if code == 0 {
			ctx.Exit = true
		}
		return boolValue(code > 0)
	}
}

// call resolves and checks a function call and compiles its arguments.
func (c *compiler) call(e *ast.CallExpr) func(ctx *engine.Context) int {
	ref, ok := c.opts.Registry.Function(e.Name)
	if !ok || c.loaded[ref.Module.Name] == nil {
		c.unresolvedCall(e, ref, ok)
		return nil
	}
	fn := ref.Function
	c.uses = append(c.uses, functionUse{route: c.route, name: e.Name, allowed: fn.Routes, pos: e.Pos})
	args := e.Args
	if len(args) == 1 {
		if _, empty := args[0].(*ast.EmptyArg); empty {
			args = nil // f() parses as one empty argument in some forms
		}
	}
	required := 0
	for _, spec := range fn.Args {
		if !spec.Optional {
			required++
		}
	}
	if len(args) < required || len(args) > len(fn.Args) {
		c.errorf(e.Pos, "%s takes %s, not %d", e.Name, argCount(required, len(fn.Args)), len(args))
		return nil
	}
	evals := make([]argEval, len(args))
	failed := false
	for i, a := range args {
		evals[i] = c.argument(e.Name, i, fn.Args[i], a)
		failed = failed || evals[i] == nil
	}
	if failed {
		return nil
	}
	n := len(fn.Args)
	run := fn.Run
	return func(ctx *engine.Context) int {
		slots := ctx.PushArgs(n)
		for i, eval := range evals {
			eval(ctx, &slots[i])
		}
		code := run(ctx, slots)
		ctx.PopArgs(n)
		return code
	}
}

func argCount(required, max int) string {
	switch {
	case required == max && max == 1:
		return "1 argument"
	case required == max:
		return strconv.Itoa(max) + " arguments"
	}
	return strconv.Itoa(required) + " to " + strconv.Itoa(max) + " arguments"
}

// unresolvedCall reports a call to a function the binary does not have, or
// whose module the script does not load.
func (c *compiler) unresolvedCall(e *ast.CallExpr, ref engine.FunctionRef, known bool) {
	if known {
		c.errorf(e.Pos, "function %s needs module %s: add loadmodule \"%s.so\"", e.Name, ref.Module.Name, ref.Module.Name)
		return
	}
	if mod, ok := surface.FunctionModule(e.Name); ok {
		c.errorf(e.Pos, "not supported: %s (module %s)", e.Name, mod)
		return
	}
	c.errorf(e.Pos, "unknown function %s%s", e.Name, didYouMean(e.Name, c.opts.Registry.FunctionNames()))
}

// argument compiles argument i of a call per its spec. Constants are
// evaluated (and fixed up) now; variables and format strings when the
// function runs.
func (c *compiler) argument(fname string, i int, spec engine.ArgSpec, a ast.Expr) argEval {
	if _, empty := a.(*ast.EmptyArg); empty {
		if !spec.Optional {
			c.errorf(a.Position(), "%s: argument %d is required", fname, i+1)
			return nil
		}
		return func(*engine.Context, *engine.Arg) {}
	}
	where := func() string { return fname + ": argument " + strconv.Itoa(i+1) }
	text, isConst := constText(a)
	switch spec.Kind {
	case engine.ArgStatic, engine.ArgRoute:
		if !isConst {
			c.errorf(a.Position(), "%s must be a constant", where())
			return nil
		}
		fixed, ok := c.fixedArg(spec, text, a.Position(), where)
		if !ok {
			return nil
		}
		arg := engine.Arg{Str: text, Fixed: fixed, Set: true}
		return func(_ *engine.Context, slot *engine.Arg) { *slot = arg }
	case engine.ArgVar:
		p, ok := a.(*ast.PVar)
		if !ok {
			c.errorf(a.Position(), "%s must be a variable to store into", where())
			return nil
		}
		spec := c.lvalue(p)
		if spec == nil {
			return nil
		}
		return func(_ *engine.Context, slot *engine.Arg) { *slot = engine.Arg{Var: spec, Set: true} }
	}
	if isConst {
		arg := engine.Arg{Str: text, Set: true}
		if spec.Kind == engine.ArgInt {
			n, err := strconv.Atoi(text)
			if err != nil {
				c.errorf(a.Position(), "%s must be a number, not %q", where(), text)
				return nil
			}
			arg.Int = n
		}
		if _, lit := a.(*ast.StringLit); lit && spec.Kind == engine.ArgStr {
			return c.formatArg(a.(*ast.StringLit), spec, where)
		}
		fixed, ok := c.fixedArg(spec, text, a.Position(), where)
		if !ok {
			return nil
		}
		arg.Fixed = fixed
		return func(_ *engine.Context, slot *engine.Arg) { *slot = arg }
	}
	value := c.expr(a)
	if value == nil {
		return nil
	}
	return c.runtimeArg(spec, value)
}

// constText returns the text of a literal argument. Bare words are
// constants too: route names and flags are often written without quotes
// (t_on_failure(missed), setflag(NAT)).
func constText(a ast.Expr) (string, bool) {
	switch a := a.(type) {
	case *ast.StringLit:
		return a.Value, true
	case *ast.NumberLit:
		return strconv.FormatInt(a.Value, 10), true
	case *ast.Ident:
		return a.Name, true
	case *ast.UnaryExpr:
		if n, ok := a.X.(*ast.NumberLit); ok && a.Op == ast.OpSub {
			return "-" + strconv.FormatInt(n.Value, 10), true
		}
	}
	return "", false
}

// fixedArg runs what load time can do for a constant argument: the
// module's fixup, compiling a regular expression, resolving a route name.
func (c *compiler) fixedArg(spec engine.ArgSpec, text string, pos ast.Pos, where func() string) (any, bool) {
	switch spec.Kind {
	case engine.ArgRoute:
		return c.routeArg(spec, text, pos, where)
	case engine.ArgRegex:
		re, err := compileScriptRegex(text)
		if err != nil {
			c.errorf(pos, "%s: bad regular expression: %v", where(), err)
			return nil, false
		}
		return re, true
	}
	if spec.Fixup == nil {
		if spec.Kind == engine.ArgStatic {
			return text, true
		}
		return nil, true
	}
	fixed, err := spec.Fixup(text)
	if err != nil {
		c.errorf(pos, "%s: %v", where(), err)
		return nil, false
	}
	if ref, ok := fixed.(engine.EventRef); ok {
		c.scriptEvents[ref.EventName()] = true
	}
	return fixed, true
}

// routeArg resolves a route named by a function argument
// (t_on_failure("missed_call") names failure_route[missed_call]).
func (c *compiler) routeArg(spec engine.ArgSpec, name string, pos ast.Pos, where func() string) (any, bool) {
	for kind, t := range routeTypes {
		if t != spec.Route {
			continue
		}
		if r, ok := c.prog.Routes[kind][name]; ok {
			return r, true
		}
		var names []string
		for n := range c.prog.Routes[kind] {
			names = append(names, n)
		}
		c.errorf(pos, "%s: no %s[%s]%s", where(), kind, name, didYouMean(name, names))
		return nil, false
	}
	c.errorf(pos, "%s: route argument of an unknown route type", where())
	return nil, false
}

// formatArg compiles a string literal argument as a format string.
func (c *compiler) formatArg(lit *ast.StringLit, spec engine.ArgSpec, where func() string) argEval {
	f, err := c.pv.ParseFormat(lit.Value)
	if err != nil {
		c.pvError(lit.Pos, where(), err)
		return nil
	}
	if text, ok := f.Constant(); ok {
		fixed, good := c.fixedArg(spec, text, lit.Pos, where)
		if !good {
			return nil
		}
		arg := engine.Arg{Str: text, Fixed: fixed, Set: true}
		return func(_ *engine.Context, slot *engine.Arg) { *slot = arg }
	}
	return func(ctx *engine.Context, slot *engine.Arg) {
		*slot = engine.Arg{Str: f.String(ctx), Set: true}
	}
}

// runtimeArg evaluates a variable argument when the function runs.
func (c *compiler) runtimeArg(spec engine.ArgSpec, value expr) argEval {
	switch spec.Kind {
	case engine.ArgInt:
		return func(ctx *engine.Context, slot *engine.Arg) {
			v := value(ctx)
			n, ok := v.AsInt()
			*slot = engine.Arg{Str: v.String(), Int: n, Set: ok}
		}
	case engine.ArgRegex:
		return func(ctx *engine.Context, slot *engine.Arg) {
			s := value(ctx).String()
			re, err := compileScriptRegex(s)
			if err != nil {
				*slot = engine.Arg{Str: s}
				return
			}
			*slot = engine.Arg{Str: s, Fixed: re, Set: true}
		}
	}
	return func(ctx *engine.Context, slot *engine.Arg) {
		v := value(ctx)
		*slot = engine.Arg{Str: v.String(), Int: v.Int, Set: !v.IsNull()}
	}
}
