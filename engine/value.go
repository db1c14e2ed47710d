// Package engine holds what the script engine and every module share: the
// per-message execution context, script values, and the export tables a
// module declares (parameters, functions, pseudo-variables). It sits below
// script and core so both can use it without an import cycle, the way
// OpenSIPS modules and core share sr_module.h and pvar.h.
package engine

import "strconv"

// Value is a script value: null, a string, an integer, or both at once
// (OpenSIPS PVs such as $rs carry both forms; PV_VAL_STR|PV_VAL_INT).
type Value struct {
	Str   string
	Int   int
	Flags ValueFlags
}

// ValueFlags says which forms a Value holds.
type ValueFlags uint8

// Value forms. A Value with neither is null.
const (
	HasStr ValueFlags = 1 << iota
	HasInt
)

// Null is the null value ($null, an unset $var, a missing header).
var Null = Value{}

// Str makes a string value.
func Str(s string) Value { return Value{Str: s, Flags: HasStr} }

// Int makes an integer value.
func Int(i int) Value { return Value{Int: i, Flags: HasInt} }

// StrInt makes a value with both forms, as OpenSIPS gives $rs or $cs.
func StrInt(s string, i int) Value { return Value{Str: s, Int: i, Flags: HasStr | HasInt} }

// IsNull reports whether v holds no value.
func (v Value) IsNull() bool { return v.Flags == 0 }

// IsInt reports whether v holds an integer form.
func (v Value) IsInt() bool { return v.Flags&HasInt != 0 }

// IsStr reports whether v holds a string form.
func (v Value) IsStr() bool { return v.Flags&HasStr != 0 }

// String returns the string form; an integer is formatted, null is "".
// (xlog prints null as "<null>"; that is the printer's choice.)
func (v Value) String() string {
	switch {
	case v.Flags&HasStr != 0:
		return v.Str
	case v.Flags&HasInt != 0:
		return strconv.Itoa(v.Int)
	}
	return ""
}

// AsInt returns the integer form: the integer, or a string parsed as a
// decimal integer. ok is false for null and for strings that are not
// numbers.
func (v Value) AsInt() (n int, ok bool) {
	if v.Flags&HasInt != 0 {
		return v.Int, true
	}
	if v.Flags&HasStr != 0 {
		n, err := strconv.Atoi(v.Str)
		return n, err == nil
	}
	return 0, false
}

// Truth is the value of v in a condition: non-zero integers and non-empty
// strings are true (OpenSIPS `if ($var(x))`).
func (v Value) Truth() bool {
	switch {
	case v.Flags&HasInt != 0:
		return v.Int != 0
	case v.Flags&HasStr != 0:
		return v.Str != ""
	}
	return false
}
