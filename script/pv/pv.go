// Package pv compiles pseudo-variable references ($ru, $hdr(Via)[1],
// $(avp(x)[*]{s.len})), format strings ("$rU@$si") and transformations
// ({s.len}, {uri.user}...) once, at load, into values the runtime reads
// without parsing again. The PV classes themselves come from the engine
// registry: the core ones from this package, the others from modules.
package pv

import "switchboard/engine"

// Parser compiles PV references and format strings against the PV classes
// of a registry.
type Parser struct {
	Registry *engine.Registry
}

// Spec is a compiled pseudo-variable reference. It implements engine.Var.
type Spec struct {
	Text  string // as written in the script
	Class *engine.PVClass
	Key   engine.PVKey
	// KeyVar is set when the name is itself a variable: $avp($var(n)).
	KeyVar *Spec
	// IndexVar is set when the index is itself a variable:
	// $(avp(x)[$var(i)]).
	IndexVar *Spec
	// Trans are the transformations applied, in order, when reading.
	Trans []Transformation
}

var _ engine.Var = (*Spec)(nil)

// Format is a compiled format string: literal text and PV references,
// evaluated in one pass ("$$" is a literal '$').
type Format struct {
	Text  string
	parts []formatPart
}

type formatPart struct {
	literal string
	spec    *Spec // nil for a literal
}
