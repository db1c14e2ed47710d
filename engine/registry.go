package engine

import (
	"fmt"
	"sort"
)

// Registry holds the modules compiled into the binary, their functions and
// pseudo-variables. Module packages register into core's registry from
// init(); a duplicate name is a programmer error and panics.
type Registry struct {
	modules   map[string]*Module
	functions map[string]FunctionRef
	pvs       map[string]*PVClass
}

// FunctionRef is a function with the module that exports it.
type FunctionRef struct {
	*Function
	Module *Module
}

// NewRegistry makes an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		modules:   map[string]*Module{},
		functions: map[string]FunctionRef{},
		pvs:       map[string]*PVClass{},
	}
}

// Register adds m. It panics on a duplicate module, function or
// pseudo-variable name: that is a bug in the binary, not in a script.
func (r *Registry) Register(m *Module) {
	if _, dup := r.modules[m.Name]; dup {
		panic(fmt.Sprintf("engine: module %q registered twice", m.Name))
	}
	for i := range m.Functions {
		f := &m.Functions[i]
		if prev, dup := r.functions[f.Name]; dup {
			panic(fmt.Sprintf("engine: function %q of module %q already exported by %q", f.Name, m.Name, prev.Module.Name))
		}
		if f.Routes == 0 || f.Run == nil {
			panic(fmt.Sprintf("engine: function %q of module %q has no route types or no Run", f.Name, m.Name))
		}
		r.functions[f.Name] = FunctionRef{Function: f, Module: m}
	}
	for i := range m.PVs {
		pv := &m.PVs[i]
		if _, dup := r.pvs[pv.Name]; dup {
			panic(fmt.Sprintf("engine: pseudo-variable $%s of module %q registered twice", pv.Name, m.Name))
		}
		r.pvs[pv.Name] = pv
	}
	r.modules[m.Name] = m
}

// Module returns the module called name.
func (r *Registry) Module(name string) (*Module, bool) {
	m, ok := r.modules[name]
	return m, ok
}

// Function returns the function called name and its module.
func (r *Registry) Function(name string) (FunctionRef, bool) {
	f, ok := r.functions[name]
	return f, ok
}

// PV returns the pseudo-variable class called name.
func (r *Registry) PV(name string) (*PVClass, bool) {
	pv, ok := r.pvs[name]
	return pv, ok
}

// ModuleNames returns the registered module names, sorted.
func (r *Registry) ModuleNames() []string { return sortedKeys(r.modules) }

// FunctionNames returns the registered function names, sorted.
func (r *Registry) FunctionNames() []string { return sortedKeys(r.functions) }

// PVNames returns the registered pseudo-variable names, sorted.
func (r *Registry) PVNames() []string { return sortedKeys(r.pvs) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
