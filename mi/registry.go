// Package mi is the management interface: the registry of MI commands
// and the JSON-RPC 2.0 handling OpenSIPS's MI speaks. Transports
// (modules mi_fifo, mi_datagram, mi_http) hand it the bytes of a request
// and send back the bytes it returns; they never look inside.
package mi

import (
	"fmt"

	"switchboard/engine"
)

// Command is a registered command with the module that exports it (what
// `help` calls "Exported by").
type Command struct {
	engine.MICommand
	Module string
}

// Registry holds the MI commands a running program exports. A duplicate
// name is a bug in the binary and panics, as engine.Registry does for
// script functions. A registry is built before the transports serve and
// never changes after, so lookups need no lock.
type Registry struct {
	byName map[string]*Command
	order  []*Command
}

// NewRegistry makes an empty registry.
func NewRegistry() *Registry { return &Registry{byName: map[string]*Command{}} }

// Register adds the commands of module.
func (r *Registry) Register(module string, cmds ...engine.MICommand) {
	for _, c := range cmds {
		if c.Name == "" || c.Run == nil {
			panic(fmt.Sprintf("mi: command %q of module %q has no name or no Run", c.Name, module))
		}
		if prev, dup := r.byName[c.Name]; dup {
			panic(fmt.Sprintf("mi: command %q of module %q already exported by %q", c.Name, module, prev.Module))
		}
		cmd := &Command{MICommand: c, Module: module}
		r.byName[c.Name] = cmd
		r.order = append(r.order, cmd)
	}
}

// Lookup returns the command called name.
func (r *Registry) Lookup(name string) (*Command, bool) {
	c, ok := r.byName[name]
	return c, ok
}

// Commands returns the commands in registration order (core first, then
// the modules in loadmodule order), the order OpenSIPS's `which` lists.
func (r *Registry) Commands() []*Command { return r.order }

// recipes returns the accepted parameter sets, nil Params meaning the
// single call without parameters.
func (c *Command) recipes() [][]string {
	if c.Params == nil {
		return [][]string{nil}
	}
	return c.Params
}
