package script

import (
	"log/slog"

	"switchboard/engine"
	"switchboard/script/ast"
)

// Program is a compiled script: every route turned into closures with its
// arguments fixed up. It is immutable once built, so workers share it and a
// reload swaps in a new one while messages in flight finish on the old.
type Program struct {
	// Main is the request route (route{} or route[0]{}); nil when the
	// script has none.
	Main *Route
	// Routes holds every route by type and name; unnamed routes ("" name)
	// are the global onreply_route, error_route, local_route and
	// startup_route.
	Routes map[ast.RouteKind]map[string]*Route
	// Modules are the modules the script loads, in loadmodule order, the
	// core first.
	Modules []*engine.Module

	maxWhileLoops int
	log           *slog.Logger
	counted       *int // statements run, when compiled for a count (tests)
}

// Route is one compiled route block. It implements engine.Route, so a
// module can keep it and run it later (t_on_failure).
type Route struct {
	Kind     ast.RouteKind
	name     string
	Pos      ast.Pos
	Interval int64  // timer_route seconds
	Mode     string // event_route sync/async
	Type     engine.RouteType

	prog *Program
	body action
}

var _ engine.Route = (*Route)(nil)

// Name returns the route's name as written ("" for unnamed routes).
func (r *Route) Name() string { return r.name }

// Route returns the route of kind k named name.
func (p *Program) Route(k ast.RouteKind, name string) (*Route, bool) {
	r, ok := p.Routes[k][name]
	return r, ok
}

// Run runs the route on ctx and returns its code: the value of its return
// statement, 1 when it ends without one, 0 when the script stopped (exit,
// drop, return(0), or a function returning 0). A request route that ends
// without forwarding has done nothing: the element does not reply (OpenSIPS
// drops it).
func (r *Route) Run(ctx *engine.Context) int {
	ctx.Exit = false
	prevRoute := ctx.Route
	ctx.Route = r.Type
	ctx.Modules = r.prog.Modules
	ctx.RetCode = 1
	r.body(ctx)
	ctx.Route = prevRoute
	if ctx.Exit {
		ctx.Exit = false
		return 0
	}
	return ctx.RetCode
}

// flow says how a statement ended: normally, by break, or by leaving the
// route (return, exit, drop — ctx.Exit tells the last two apart).
type flow uint8

const (
	flowNext flow = iota
	flowBreak
	flowReturn
)

// action is a compiled statement.
type action func(ctx *engine.Context) flow

// expr is a compiled expression.
type expr func(ctx *engine.Context) engine.Value
