package script

import (
	"switchboard/engine"
	"switchboard/script/ast"
)

// maxRouteDepth bounds route(...) recursion, as a script that calls itself
// forever must not take the worker's stack with it.
const maxRouteDepth = 100

// routeCall compiles route(name, params...): the route runs with the
// values as $param(1)...; its code is the value of the call and $rc.
func (c *compiler) routeCall(e *ast.RouteCall) expr {
	name, ok := constText(e.Target)
	if !ok {
		c.errorf(e.Pos, "not supported: route name from a variable")
		return nil
	}
	target, ok := c.prog.Routes[ast.RequestRoute][name]
	if !ok || name == "" {
		var names []string
		for n := range c.prog.Routes[ast.RequestRoute] {
			if n != "" {
				names = append(names, n)
			}
		}
		c.errorf(e.Target.Position(), "route %s is not defined%s", name, didYouMean(name, names))
		return nil
	}
	c.calls = append(c.calls, routeCallSite{from: c.route, to: target})
	params := make([]expr, 0, len(e.Args))
	for _, a := range e.Args {
		if x := c.expr(a); x != nil {
			params = append(params, x)
		}
	}
	log, pos, code := c.prog.log, e.Pos, c.codeValues
	return func(ctx *engine.Context) engine.Value {
		if ctx.Depth >= maxRouteDepth {
			log.Error("script: route calls nested too deep", "pos", pos.String(), "route", name)
			ctx.Exit = true
			return engine.Int(0)
		}
		saved := ctx.Params
		if len(params) > 0 {
			values := make([]engine.Value, len(params))
			for i, p := range params {
				values[i] = p(ctx)
			}
			ctx.Params = values
		} else {
			ctx.Params = nil
		}
		ctx.Depth++
		ctx.RetCode = 1
		target.body(ctx)
		ctx.Depth--
		ctx.Params = saved
		if ctx.Exit {
			return engine.Int(0)
		}
		if code {
			return engine.Int(ctx.RetCode)
		}
		return boolValue(ctx.RetCode > 0)
	}
}

// asyncCall compiles async(f(...), resume_route) and launch(f(...),
// route). switchboard has no asynchronous engine yet, so both run the
// function synchronously and then the route, as OpenSIPS does for a
// function without async support; async then ends the current route.
func (c *compiler) asyncCall(e *ast.AsyncCall) expr {
	run := c.callExpr(e.Call)
	var resume expr
	if e.Route != nil {
		resume = c.routeCall(&ast.RouteCall{Pos: e.Route.Position(), Target: e.Route})
	}
	if run == nil || e.Route != nil && resume == nil {
		return nil
	}
	launch := e.Launch
	return func(ctx *engine.Context) engine.Value {
		code := run(ctx)
		if ctx.Exit {
			return code
		}
		if resume != nil {
			code = resume(ctx)
		}
		if !launch {
			ctx.Exit = true // the rest of the route after async() never runs
		}
		return code
	}
}
