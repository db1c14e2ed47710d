// Package core is the heart of switchboard: the module registry, the core
// parameters, loading and compiling the script, and (with the proxy work)
// the receive -> route -> forward pipeline. It never imports a module:
// modules register themselves here from init().
package core

import (
	"switchboard/core/builtin"
	"switchboard/engine"
	"switchboard/script/pv"
)

// Modules is the registry of compiled-in modules. The "core" module holds
// the core script functions and pseudo-variables and is always loaded.
var Modules = engine.NewRegistry()

func init() {
	m := builtin.Module()
	m.PVs = append(m.PVs, pv.CorePVs()...)
	Modules.Register(m)
}

// Register adds a module to the registry. Modules call it from init(); a
// duplicate name panics, as it is a bug in the binary.
func Register(m *engine.Module) { Modules.Register(m) }
