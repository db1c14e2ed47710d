package pv

import "switchboard/engine"

// Transformation is one compiled {class.name,args} step of a PV read.
type Transformation func(ctx *engine.Context, in engine.Value) (engine.Value, error)

// TransformArg is one argument of a transformation: a constant, or a PV
// read when the transformation runs ({s.substr,$var(off),2}).
type TransformArg struct {
	Text string
	Var  *Spec // nil for a constant
}

// Value returns the argument's value in ctx.
func (a TransformArg) Value(ctx *engine.Context) engine.Value {
	if a.Var != nil {
		return a.Var.Get(ctx)
	}
	return engine.Str(a.Text)
}

// transformMaker builds a transformation from its arguments at load time;
// it checks their count and constant values.
type transformMaker func(args []TransformArg) (Transformation, error)

// transformations maps "class.name" ("s.len", "uri.user") to its maker.
// The trans_*.go files fill it from init().
var transformations = map[string]transformMaker{}
