package pv

import (
	"errors"
	"fmt"

	"switchboard/engine"
)

// errReadOnly is what assigning to a read-only pseudo-variable returns.
var errReadOnly = errors.New("read-only")

// key returns the PVKey of one read or write. A constant key is the
// Spec's own, so the common case allocates nothing (a key on the stack
// would escape through the class's function value); a variable name or
// index is resolved into a copy, and ok is false when it resolves to
// nothing usable (null or empty name, non-numeric index), which reads as
// null.
func (s *Spec) key(ctx *engine.Context) (*engine.PVKey, bool) {
	if s.KeyVar == nil && s.IndexVar == nil {
		return &s.Key, true
	}
	buf := new(engine.PVKey)
	*buf = s.Key
	if s.KeyVar != nil {
		name := s.KeyVar.Get(ctx)
		if name.IsNull() || name.String() == "" {
			return nil, false
		}
		buf.Name, buf.Data = name.String(), nil
		if s.Class.ParseKey != nil {
			data, err := s.Class.ParseKey(buf.Name)
			if err != nil {
				return nil, false
			}
			buf.Data = data
		}
	}
	if s.IndexVar != nil {
		n, ok := s.IndexVar.Get(ctx).AsInt()
		if !ok {
			return nil, false
		}
		buf.Index = n
	}
	return buf, true
}

// Get reads the variable and applies its transformations in order.
//
// A transformation that fails makes the whole read null: OpenSIPS logs
// the error and the expression it was part of evaluates as false/null,
// so a script keeps going the same way here (the transformation reports
// the reason through its error; the caller may log it).
func (s *Spec) Get(ctx *engine.Context) engine.Value {
	k, ok := s.key(ctx)
	if !ok {
		return engine.Null
	}
	v := s.Class.Get(ctx, k)
	for _, tr := range s.Trans {
		var err error
		if v, err = tr(ctx, v); err != nil {
			return engine.Null
		}
	}
	return v
}

// Writable reports whether the reference can be assigned: its class has
// a setter and no transformation is applied ($(ru{uri.user}) = ... has
// no meaning). The compiler checks it for every left-hand side.
func (s *Spec) Writable() bool { return s.Class.Set != nil && len(s.Trans) == 0 }

// Set assigns v; replace is the ':=' form. Assigning engine.Null is the
// script's "= NULL" (unset, remove the newest value, reset).
func (s *Spec) Set(ctx *engine.Context, v engine.Value, replace bool) error {
	if s.Class.Set == nil {
		return fmt.Errorf("$%s is %w", s.Class.Name, errReadOnly)
	}
	if len(s.Trans) > 0 {
		return fmt.Errorf("cannot assign to %s: it has transformations", s.Text)
	}
	k, ok := s.key(ctx)
	if !ok {
		return fmt.Errorf("cannot assign to %s: its name or index is not set", s.Text)
	}
	return s.Class.Set(ctx, k, v, replace)
}

// All returns every value of the variable, for [*] and for each loops:
// the class's list when it has one, else the single value (none when
// null). Transformations apply to each value; a failing one drops it.
func (s *Spec) All(ctx *engine.Context) []engine.Value {
	k, ok := s.key(ctx)
	if !ok {
		return nil
	}
	var list []engine.Value
	if s.Class.All != nil {
		list = s.Class.All(ctx, k)
	} else if v := s.Class.Get(ctx, k); !v.IsNull() {
		list = []engine.Value{v}
	}
	if len(s.Trans) == 0 {
		return list
	}
	out := list[:0]
	for _, v := range list {
		ok := true
		for _, tr := range s.Trans {
			var err error
			if v, err = tr(ctx, v); err != nil {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, v)
		}
	}
	return out
}
