package pv

import (
	"errors"
	"fmt"
	"strconv"

	"switchboard/engine"
)

// varPVs are $var, $avp, $rc, $param and $return.
func varPVs() []engine.PVClass {
	rc := func(ctx *engine.Context) engine.Value { return engine.Int(ctx.RetCode) }
	return []engine.PVClass{
		{Name: "var", Key: engine.KeyRequired, Get: getVar, Set: setVar},
		{Name: "avp", Key: engine.KeyRequired, Indexed: true, Get: getAVP, Set: setAVP, All: allAVP},
		roPV("rc", rc),
		roPV("retcode", rc),
		// $param(n) counts from 1, $return(n) from 0 (Script-CoreVar).
		// In an event_route $param(name) reads the event's parameter
		// called name.
		{Name: "param", Key: engine.KeyRequired, ParseKey: paramKey, Get: getParam},
		{Name: "return", Key: engine.KeyOptional, ParseKey: positionKey(0),
			Get: func(ctx *engine.Context, k *engine.PVKey) engine.Value { return position(ctx.Returns, k, 0) }},
	}
}

func getVar(ctx *engine.Context, k *engine.PVKey) engine.Value {
	if ctx.Vars == nil {
		return engine.Null
	}
	return ctx.Vars.Get(k.Name)
}

// setVar assigns $var(name). A script variable has no null: "= NULL"
// makes it the integer 0 (Script-CoreVar, script variables).
func setVar(ctx *engine.Context, k *engine.PVKey, v engine.Value, _ bool) error {
	if ctx.Vars == nil {
		return errors.New("$var: no script variables in this context")
	}
	if v.IsNull() {
		v = engine.Int(0)
	}
	ctx.Vars.Set(k.Name, v)
	return nil
}

// getAVP reads $avp(name): the newest value, [n] counting from the newest,
// [-n] from the oldest, [*] every value joined.
func getAVP(ctx *engine.Context, k *engine.PVKey) engine.Value {
	if ctx.AVPs == nil || k.Index == IndexAppend {
		return engine.Null
	}
	if k.AllIndexes {
		return joinValues(ctx.AVPs.All(k.Name))
	}
	return ctx.AVPs.Get(k.Name, k.Index)
}

func allAVP(ctx *engine.Context, k *engine.PVKey) []engine.Value {
	if ctx.AVPs == nil {
		return nil
	}
	return ctx.AVPs.All(k.Name)
}

// setAVP follows Script-CoreVar and Script-Operators: "=" adds a value on
// top, ":=" replaces them all, "= NULL" removes the newest (":= NULL" and
// [*] = NULL remove them all), [n] = v overwrites value n, [n] = NULL
// removes it, [append] = v adds at the bottom.
func setAVP(ctx *engine.Context, k *engine.PVKey, v engine.Value, replace bool) error {
	a := ctx.AVPs
	if a == nil {
		return errors.New("$avp: no AVPs in this context")
	}
	switch {
	case k.AllIndexes:
		if !v.IsNull() {
			return errors.New("$avp: only NULL can be assigned to [*]")
		}
		a.Replace(k.Name, engine.Null)
	case k.HasIndex && k.Index == IndexAppend:
		if v.IsNull() {
			return nil
		}
		rebuildAVP(a, k.Name, append(a.All(k.Name), v))
	case k.HasIndex:
		list := a.All(k.Name)
		i := k.Index
		if i < 0 {
			i += len(list)
		}
		if i < 0 || i >= len(list) {
			return fmt.Errorf("$avp(%s): no value at index %d", k.Name, k.Index)
		}
		if v.IsNull() {
			list = append(list[:i], list[i+1:]...)
		} else {
			list[i] = v
		}
		rebuildAVP(a, k.Name, list)
	case replace:
		a.Replace(k.Name, v)
	case v.IsNull():
		a.RemoveTop(k.Name)
	default:
		a.Add(k.Name, v)
	}
	return nil
}

// rebuildAVP makes list (newest first) the values of name. engine.AVPs
// offers only stack operations, so an edit in the middle rebuilds the
// list; such edits are rare in scripts.
func rebuildAVP(a *engine.AVPs, name string, list []engine.Value) {
	a.Replace(name, engine.Null)
	for i := len(list) - 1; i >= 0; i-- {
		a.Add(name, list[i])
	}
}

// positionKey checks a constant $param / $return position.
func positionKey(first int) func(string) (any, error) {
	return func(name string) (any, error) {
		n, err := strconv.Atoi(name)
		if err != nil || n < first {
			return nil, fmt.Errorf("position must be a number from %d", first)
		}
		return n, nil
	}
}

// paramKey takes a position from 1 or, for event_route, a parameter name.
func paramKey(name string) (any, error) {
	if n, err := strconv.Atoi(name); err == nil {
		if n < 1 {
			return nil, fmt.Errorf("position must be a number from 1")
		}
		return n, nil
	}
	if name == "" {
		return nil, fmt.Errorf("$param needs a position or an event parameter name")
	}
	return name, nil
}

// getParam reads $param(n) or, in an event_route, $param(name).
func getParam(ctx *engine.Context, k *engine.PVKey) engine.Value {
	name, byName := k.Data.(string)
	if !byName {
		return position(ctx.Params, k, 1)
	}
	for i, n := range ctx.ParamNames {
		if n == name && i < len(ctx.Params) {
			return ctx.Params[i]
		}
	}
	return engine.Null
}

// position returns the value at the key's position in list; no key is
// the first one.
func position(list []engine.Value, k *engine.PVKey, first int) engine.Value {
	n := first
	if k.Name != "" {
		d, ok := k.Data.(int)
		if !ok {
			return engine.Null
		}
		n = d
	}
	n -= first
	if n < 0 || n >= len(list) {
		return engine.Null
	}
	return list[n]
}
