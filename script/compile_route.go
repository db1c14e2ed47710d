package script

import (
	"sort"

	"switchboard/engine"
	"switchboard/script/ast"
	"switchboard/script/surface"
)

// routeTypes maps each kind of route block to the route type it runs as. A
// named request route (route[x]) runs as whatever calls it.
var routeTypes = map[ast.RouteKind]engine.RouteType{
	ast.RequestRoute: engine.RequestRoute,
	ast.BranchRoute:  engine.BranchRoute,
	ast.FailureRoute: engine.FailureRoute,
	ast.OnReplyRoute: engine.OnReplyRoute,
	ast.ErrorRoute:   engine.ErrorRoute,
	ast.LocalRoute:   engine.LocalRoute,
	ast.StartupRoute: engine.StartupRoute,
	ast.TimerRoute:   engine.TimerRoute,
	ast.EventRoute:   engine.EventRoute,
}

// isMain reports whether a request route block is the main route:
// route{...} or route[0]{...}.
func isMain(r *ast.RouteBlock) bool {
	return r.Kind == ast.RequestRoute && (r.Name == "" || r.Name == "0")
}

// declareRoutes creates every route before any body is compiled, so that
// calls and t_on_failure-style references may come before the definition.
func (c *compiler) declareRoutes(blocks []*ast.RouteBlock) {
	for _, b := range blocks {
		name := b.Name
		if isMain(b) {
			name = ""
		}
		byName := c.prog.Routes[b.Kind]
		if byName == nil {
			byName = map[string]*Route{}
			c.prog.Routes[b.Kind] = byName
		}
		if prev, dup := byName[name]; dup {
			c.errorf(b.Pos, "%s defined twice (first at %s)", describeRoute(b.Kind, name), prev.Pos)
			continue
		}
		r := &Route{Kind: b.Kind, name: name, Pos: b.Pos, Interval: b.Interval, Mode: b.Mode, prog: c.prog}
		if b.Kind != ast.RequestRoute || name == "" {
			r.Type = routeTypes[b.Kind]
		}
		byName[name] = r
		if b.Kind == ast.RequestRoute && name == "" {
			c.prog.Main = r
		}
	}
}

func describeRoute(k ast.RouteKind, name string) string {
	if name == "" {
		if k == ast.RequestRoute {
			return "main route"
		}
		return k.String()
	}
	return k.String() + "[" + name + "]"
}

func (c *compiler) compileRoute(b *ast.RouteBlock) {
	name := b.Name
	if isMain(b) {
		name = ""
	}
	r := c.prog.Routes[b.Kind][name]
	if r == nil || r.Pos != b.Pos {
		return // a duplicate, already reported
	}
	c.route = r
	r.body = c.block(b.Body.Stmts)
	c.route = nil
}

// routeCallSite is a route(...) call, for the route type check.
type routeCallSite struct {
	from, to *Route
}

// functionUse is a function called in a route, for the route type check.
type functionUse struct {
	route   *Route
	name    string
	allowed engine.RouteType
	pos     ast.Pos
}

// checkRouteTypes gives each named request route the route types it is
// reached from, through route(...) calls, then reports functions used where
// their module does not allow them (OpenSIPS checks the same at start-up).
func (c *compiler) checkRouteTypes() {
	for changed := true; changed; {
		changed = false
		for _, call := range c.calls {
			if add := call.from.Type &^ call.to.Type; add != 0 && call.to.Kind == ast.RequestRoute && call.to.name != "" {
				call.to.Type |= add
				changed = true
			}
		}
	}
	sort.SliceStable(c.uses, func(i, j int) bool { return c.uses[i].pos.Line < c.uses[j].pos.Line })
	for _, u := range c.uses {
		if bad := u.route.Type &^ u.allowed; bad != 0 {
			via := ""
			if u.route.Kind == ast.RequestRoute && u.route.name != "" {
				via = " (route[" + u.route.name + "] is called from " + bad.String() + ")"
			}
			c.errorf(u.pos, "function %s cannot be used in %s%s", u.name, bad.String(), via)
		}
	}
}

// checkEventRoutes checks each event_route's event. One that a loaded
// module (or the core) declares, or that the script raises or subscribes
// to by name, is fine. An OpenSIPS event whose module is not loaded, or
// that switchboard does not raise, is an error. Any other name is the
// script's own event, which OpenSIPS publishes for the route (an
// application raises it with MI raise_event) — unless it is a near miss of
// an event that exists, which is taken for a typo.
func (c *compiler) checkEventRoutes() {
	routes := c.prog.Routes[ast.EventRoute]
	if len(routes) == 0 {
		return
	}
	declared := map[string]string{}
	for _, m := range c.prog.Modules {
		for _, ev := range m.Events {
			declared[ev.Name] = m.Name
		}
	}
	names := make([]string, 0, len(routes))
	for name := range routes {
		names = append(names, name)
	}
	sort.Strings(names)
	known := make([]string, 0, len(declared)+len(c.scriptEvents))
	for ev := range declared {
		known = append(known, ev)
	}
	for ev := range c.scriptEvents {
		known = append(known, ev)
	}
	for _, name := range names {
		r := routes[name]
		if _, ok := declared[name]; ok || c.scriptEvents[name] {
			continue
		}
		if mod, ok := surface.EventModule(name); ok {
			if _, compiled := c.opts.Registry.Module(mod); compiled && mod != "core" && c.loaded[mod] == nil {
				c.errorf(r.Pos, "event_route[%s]: event %s is raised by module %s: add loadmodule \"%s.so\"", name, name, mod, mod)
				continue
			}
			c.errorf(r.Pos, "not supported: event %s (module %s)", name, mod)
			continue
		}
		if hint := didYouMean(name, append(known, surface.EventNames()...)); hint != "" {
			c.errorf(r.Pos, "event_route[%s]: no loaded module publishes event %s%s", name, name, hint)
		}
	}
}
