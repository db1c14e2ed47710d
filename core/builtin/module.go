// Package builtin holds the OpenSIPS core script functions that need no
// transport: flags, Request-URI rewriting, message branches, pv_printf,
// logging, the cache_* functions and a few helpers (OpenSIPS core_cmds.c,
// documented in Script-CoreFunctions). The core registers Module() as the
// "core" module; the core pseudo-variables are registered by the core.
package builtin

import "switchboard/engine"

// Module returns the "core" module's functions. Every one of them is
// allowed in every route type, as OpenSIPS's core_cmds declare them
// (ALL_ROUTES).
func Module() *engine.Module {
	var fns []engine.Function
	for _, group := range [][]engine.Function{
		flagFunctions(), ruriFunctions(), branchFunctions(),
		miscFunctions(), logFunctions(), cacheFunctions(), eventFunctions(),
		sendFunctions(), statusFunctions(), blacklistFunctions(),
	} {
		fns = append(fns, group...)
	}
	for i := range fns {
		fns[i].Routes = engine.AnyRoute
	}
	fns = append(fns, forwardFunctions()...)
	return &engine.Module{Name: "core", Functions: fns, Events: CoreEvents}
}

// Unimplemented lists the core functions of OpenSIPS 3.6 (surface c.4)
// that need tm's serial forking or script tracing, which
// switchboard does not have yet. The checker reports a call
// to one of them as "not supported: <name> (module core)" instead of an
// unknown function.
var Unimplemented = []string{
	// serial forking (needs tm's failure handling)
	"serialize_branches", "next_branches",
	// script tracing, debugging helpers
	"script_trace", "avp_print",
	// raw queries have no meaning for the local cache
	"cache_raw_query",
}
