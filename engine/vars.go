package engine

// Vars holds $var script variables. OpenSIPS keeps them per process: they
// keep their value from one message to the next on the same worker, which
// scripts rely on only by mistake, so scripts set them before reading.
type Vars struct {
	values map[string]Value
}

// NewVars makes an empty variable set. Its map is made on the first Set,
// so the contexts tm makes for its routes cost one small allocation.
func NewVars() *Vars { return &Vars{} }

// Get returns the value of $var(name), null when unset.
func (v *Vars) Get(name string) Value { return v.values[name] }

// Set sets $var(name); setting null unsets it.
func (v *Vars) Set(name string, val Value) {
	if val.IsNull() {
		delete(v.values, name)
		return
	}
	if v.values == nil {
		v.values = map[string]Value{}
	}
	v.values[name] = val
}

// AVPs holds the $avp attribute-value pairs of a message or transaction.
// Each name holds a list, newest first: `$avp(x) = v` adds a value on top,
// `$avp(x) := v` replaces them all, `$avp(x) = NULL` removes the newest
// (OpenSIPS Script-Operators).
type AVPs struct {
	lists map[string][]Value // newest last in the slice: appending is cheap
}

// NewAVPs makes an empty AVP set. Its map is made when the first AVP is
// added: most transactions never have one.
func NewAVPs() *AVPs { return &AVPs{} }

// Clone returns a copy of a that shares nothing with it: tm keeps one
// with a transaction, since the message's own set is reused.
func (a *AVPs) Clone() *AVPs {
	if len(a.lists) == 0 {
		return &AVPs{}
	}
	c := &AVPs{lists: make(map[string][]Value, len(a.lists))}
	for name, l := range a.lists {
		c.lists[name] = append([]Value(nil), l...)
	}
	return c
}

// Reset removes every AVP.
func (a *AVPs) Reset() { clear(a.lists) }

// Add puts v on top of the list of name.
func (a *AVPs) Add(name string, v Value) {
	if a.lists == nil {
		a.lists = map[string][]Value{}
	}
	a.lists[name] = append(a.lists[name], v)
}

// Replace makes v the only value of name; null removes them all.
func (a *AVPs) Replace(name string, v Value) {
	if v.IsNull() {
		delete(a.lists, name)
		return
	}
	if a.lists == nil {
		a.lists = map[string][]Value{}
	}
	a.lists[name] = append(a.lists[name][:0], v)
}

// RemoveTop removes the newest value of name.
func (a *AVPs) RemoveTop(name string) {
	l := a.lists[name]
	switch len(l) {
	case 0:
	case 1:
		delete(a.lists, name)
	default:
		a.lists[name] = l[:len(l)-1]
	}
}

// Get returns value i of name, 0 being the newest and -1 the oldest.
func (a *AVPs) Get(name string, i int) Value {
	l := a.lists[name]
	if i < 0 {
		i += len(l)
	}
	if i < 0 || i >= len(l) {
		return Null
	}
	return l[len(l)-1-i]
}

// All returns the values of name, newest first. It allocates.
func (a *AVPs) All(name string) []Value {
	l := a.lists[name]
	out := make([]Value, len(l))
	for i := range l {
		out[i] = l[len(l)-1-i]
	}
	return out
}

// Count returns how many values name holds.
func (a *AVPs) Count(name string) int { return len(a.lists[name]) }
