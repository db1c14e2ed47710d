package core

import (
	"sync"
	"sync/atomic"

	"switchboard/engine"
	"switchboard/mi"
	"switchboard/stats"
)

// The MI transports (modules mi_fifo, mi_datagram) start from their Init
// hook, before the server listens, and serve until their Shutdown hook.
// They reach the commands through MIRegistry, which follows the server
// that runs: Start installs it, Stop removes it.

// miState is the running server and the MI commands of its program.
type miState struct {
	server   *Server
	registry *mi.Registry
}

var (
	miCurrent atomic.Pointer[miState]
	// miCoreOnly answers while no server runs (between the transports'
	// Init and Start, or in a test): the core commands alone.
	miCoreOnly = sync.OnceValue(func() *mi.Registry { return newMIRegistry(nil, nil) })
)

// MIRegistry returns the MI commands to serve now: the core's and those
// of the modules the running script loads, in loadmodule order.
func MIRegistry() *mi.Registry {
	if st := miCurrent.Load(); st != nil {
		return st.registry
	}
	return miCoreOnly()
}

// newMIRegistry builds the registry of a program. A command name
// exported twice panics there, at start-up: a bug in the binary.
func newMIRegistry(s *Server, modules []*engine.Module) *mi.Registry {
	reg := mi.NewRegistry()
	reg.Register("core", coreMICommands(s, reg)...)
	reg.Register("core", statsMICommands(stats.Default)...)
	reg.Register("core", eventMICommands()...)
	reg.Register("core", blacklistMICommands(s)...)
	for _, m := range modules {
		reg.Register(m.Name, m.MI...)
	}
	return reg
}

// setMIServer makes s the server the MI talks to (nil: none). Modules
// cannot change on reload, so the registry is built once per server.
func setMIServer(s *Server) {
	if s == nil {
		miCurrent.Store(nil)
		return
	}
	modules := s.script.Current().Program.Modules
	publishModuleStats(stats.Default, modules)
	miCurrent.Store(&miState{server: s, registry: newMIRegistry(s, modules)})
}

// clearMIServer forgets s, unless another server took its place.
func clearMIServer(s *Server) {
	if st := miCurrent.Load(); st != nil && st.server == s {
		miCurrent.CompareAndSwap(st, nil)
	}
}
