package script

import (
	"fmt"
	"log/slog"
	"path"
	"strconv"
	"strings"

	"switchboard/engine"
	"switchboard/script/ast"
	"switchboard/script/pv"
	"switchboard/script/surface"
)

// Options tells the compiler what the binary provides.
type Options struct {
	// Registry holds the compiled-in modules; its "core" module (core
	// functions and pseudo-variables) is always loaded.
	Registry *engine.Registry
	// CoreParams are the global parameters the core implements, each
	// given the parameter as written. A parameter OpenSIPS knows but that
	// is not here is reported as not supported.
	CoreParams map[string]func(p *ast.GlobalParam) error
	// MaxWhileLoops bounds every while loop (OpenSIPS max_while_loops).
	MaxWhileLoops int
	// Logger receives runtime errors of the compiled script.
	Logger *slog.Logger
	// KeepModParams checks modparams without setting them: a reload
	// changes routes only, the modules keep the values they started with.
	KeepModParams bool
}

// DefaultMaxWhileLoops is OpenSIPS's default max_while_loops.
const DefaultMaxWhileLoops = 10000

// Compile checks s against the registry and compiles it. It reports every
// error it finds, each at its file:line:col, as an ErrorList: unknown or
// not supported modules, parameters and functions (with a "did you mean"
// for near misses), wrong arguments, undefined routes, functions used in
// route types that forbid them, misplaced break.
func Compile(s *ast.Script, opts Options) (*Program, error) {
	if opts.MaxWhileLoops <= 0 {
		opts.MaxWhileLoops = DefaultMaxWhileLoops
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	c := &compiler{
		opts:         opts,
		pv:           &pv.Parser{Registry: opts.Registry},
		loaded:       map[string]*engine.Module{},
		scriptEvents: map[string]bool{},
		prog: &Program{
			Routes:        map[ast.RouteKind]map[string]*Route{},
			maxWhileLoops: opts.MaxWhileLoops,
			log:           opts.Logger,
		},
	}
	if actions != nil {
		c.prog.counted = new(int)
	}
	if core, ok := opts.Registry.Module("core"); ok {
		c.loaded["core"] = core
		c.prog.Modules = append(c.prog.Modules, core)
	}
	for _, p := range s.Params {
		c.globalParam(p)
	}
	for _, m := range s.Modules {
		c.loadModule(m)
	}
	c.checkDeps(s.Modules)
	for _, mp := range s.ModParams {
		c.modParam(mp)
	}
	for _, inc := range s.Includes {
		c.errorf(inc.Pos, "%s %q was not loaded: read the script with Load", inc.Keyword, inc.Path)
	}
	c.declareRoutes(s.Routes)
	for _, r := range s.Routes {
		c.compileRoute(r)
	}
	c.checkRouteTypes()
	c.checkEventRoutes()
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return c.prog, nil
}

// compiler holds the state of one compilation.
type compiler struct {
	opts   Options
	pv     *pv.Parser
	prog   *Program
	errs   ErrorList
	loaded map[string]*engine.Module
	// failedModules are modules whose loadmodule failed: their modparams
	// and functions are not reported again.
	failedModules map[string]bool

	// route is the route being compiled; depth counts the loops and
	// switches around the statement being compiled, for break.
	route      *Route
	breakDepth int
	// codeValues is set while the right side of an assignment compiles:
	// there a function or route call is worth its return code, as in
	// OpenSIPS's assignexp ($var(rc) = f(); gives -1), where a condition
	// reads it as true or false.
	codeValues bool

	// calls and uses record, per route, the routes it calls and the
	// functions it uses, for the route type check after compilation.
	calls []routeCallSite
	uses  []functionUse
	// scriptEvents are the events the script raises or subscribes to by
	// name (raise_event("E_MY")): an event_route may name them.
	scriptEvents map[string]bool
}

func (c *compiler) errorf(pos ast.Pos, format string, args ...any) {
	c.errs = append(c.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// didYouMean formats a suggestion for name among candidates.
func didYouMean(name string, candidates []string) string {
	if s := engine.Suggest(name, candidates); s != "" {
		return " (did you mean " + s + "?)"
	}
	return ""
}

func (c *compiler) globalParam(p *ast.GlobalParam) {
	if p.Name == "max_while_loops" {
		// A setting of the language itself, so the compiler owns it.
		n, err := strconv.Atoi(p.ValueText())
		if err != nil || n < 1 {
			c.errorf(p.Pos, "max_while_loops expects a positive number, got %q", p.ValueText())
			return
		}
		c.prog.maxWhileLoops = n
		return
	}
	if set, ok := c.opts.CoreParams[p.Name]; ok {
		if err := set(p); err != nil {
			c.errorf(p.Pos, "%s: %v", p.Name, err)
		}
		return
	}
	if surface.IsCoreParam(p.Name) {
		c.errorf(p.Pos, "not supported: global parameter %s", p.Name)
		return
	}
	c.errorf(p.Pos, "unknown global parameter %s%s", p.Name, didYouMean(p.Name, surface.CoreParams()))
}

// moduleName turns a loadmodule argument ("tm.so", "/usr/lib/.../tm.so")
// into the module name.
func moduleName(arg string) string {
	return strings.TrimSuffix(path.Base(arg), ".so")
}

func (c *compiler) loadModule(m *ast.LoadModule) {
	name := moduleName(m.Path)
	if _, dup := c.loaded[name]; dup {
		c.errorf(m.Pos, "module %s loaded twice", name)
		return
	}
	mod, ok := c.opts.Registry.Module(name)
	if ok {
		c.loaded[name] = mod
		c.prog.Modules = append(c.prog.Modules, mod)
		return
	}
	if c.failedModules == nil {
		c.failedModules = map[string]bool{}
	}
	c.failedModules[name] = true
	if surface.IsModule(name) {
		c.errorf(m.Pos, "not supported: module %s", name)
		return
	}
	c.errorf(m.Pos, "unknown module %s%s", name, didYouMean(name, surface.Modules()))
}

// checkDeps reports a loaded module whose dependencies are not loaded
// (OpenSIPS's module dependency check).
func (c *compiler) checkDeps(mods []*ast.LoadModule) {
	for _, lm := range mods {
		mod, ok := c.loaded[moduleName(lm.Path)]
		if !ok {
			continue
		}
		for _, dep := range mod.Deps {
			if _, ok := c.loaded[dep]; !ok && !c.failedModules[dep] {
				c.errorf(lm.Pos, "module %s needs module %s: add loadmodule \"%s.so\"", mod.Name, dep, dep)
			}
		}
	}
}

func (c *compiler) modParam(mp *ast.ModParam) {
	value, ok := c.constant(mp.Value)
	if !ok {
		c.errorf(mp.Value.Position(), "modparam value must be a string or a number")
		return
	}
	for _, name := range strings.Split(mp.Module, "|") {
		if c.failedModules[name] {
			continue
		}
		mod, ok := c.loaded[name]
		if !ok {
			c.errorf(mp.Pos, "modparam for module %s, which is not loaded (add loadmodule \"%s.so\" before it)", name, name)
			continue
		}
		c.setModParam(mp, mod, value)
	}
}

func (c *compiler) setModParam(mp *ast.ModParam, mod *engine.Module, value engine.Value) {
	for i := range mod.Params {
		p := &mod.Params[i]
		if p.Name != mp.Param {
			continue
		}
		v := value
		if p.Kind == engine.ParamInt && !v.IsInt() {
			n, ok := v.AsInt()
			if !ok {
				c.errorf(mp.Value.Position(), "modparam %s of module %s takes a number, not %q", mp.Param, mod.Name, v.String())
				return
			}
			v = engine.Int(n)
		}
		if p.Kind == engine.ParamStr && !v.IsStr() {
			v = engine.Str(v.String())
		}
		if c.opts.KeepModParams {
			return
		}
		if err := p.Set(v); err != nil {
			c.errorf(mp.Value.Position(), "modparam %s of module %s: %v", mp.Param, mod.Name, err)
		}
		return
	}
	if surface.IsModParam(mod.Name, mp.Param) {
		c.errorf(mp.Pos, "not supported: modparam %s (module %s)", mp.Param, mod.Name)
		return
	}
	names := make([]string, len(mod.Params))
	for i := range mod.Params {
		names[i] = mod.Params[i].Name
	}
	c.errorf(mp.Pos, "module %s has no parameter %s%s", mod.Name, mp.Param, didYouMean(mp.Param, names))
}

// constant returns the value of a literal expression.
func (c *compiler) constant(e ast.Expr) (engine.Value, bool) {
	switch e := e.(type) {
	case *ast.StringLit:
		return engine.Str(e.Value), true
	case *ast.NumberLit:
		return engine.Int(int(e.Value)), true
	case *ast.UnaryExpr:
		if n, ok := e.X.(*ast.NumberLit); ok && e.Op == ast.OpSub {
			return engine.Int(-int(n.Value)), true
		}
	case *ast.ParenExpr:
		return c.constant(e.X)
	}
	return engine.Null, false
}
