package pv

import (
	"sync"

	"switchboard/engine"
	"switchboard/sip"
)

// CorePVs returns the pseudo-variables of the OpenSIPS core that
// switchboard implements; the core registers them as its "core" module.
// Those that need the transport ($si, $sp, $socket_in...) come from the
// core itself.
func CorePVs() []engine.PVClass {
	var all []engine.PVClass
	for _, group := range [][]engine.PVClass{
		messagePVs(), uriPVs(), headerPVs(), authPVs(),
		varPVs(), branchPVs(), flagPVs(), timePVs(), miscPVs(), statePVs(), netPVs(), SDPPVs(),
	} {
		all = append(all, group...)
	}
	return all
}

// CompileTimePVs are pseudo-variables whose value is the position of the
// script statement that reads them. The Context carries no position, so
// the compiler replaces a reference to one of them with a constant when
// it compiles the statement; read at run time (a name built by a
// variable), they are null.
var compileTimePVs = map[string]bool{"cfg_line": true, "cfg_file": true}

// IsCompileTimePV reports whether the class called name is one of the
// compile-time pseudo-variables ($cfg_line, $cfg_file).
func IsCompileTimePV(name string) bool { return compileTimePVs[name] }

// roPV makes a read-only class without name or index.
func roPV(name string, get func(ctx *engine.Context) engine.Value) engine.PVClass {
	return engine.PVClass{Name: name, Get: func(ctx *engine.Context, _ *engine.PVKey) engine.Value { return get(ctx) }}
}

// msgPV makes a read-only class over the message; no message reads null.
func msgPV(name string, get func(m *sip.Msg) engine.Value) engine.PVClass {
	return engine.PVClass{Name: name, Get: func(ctx *engine.Context, _ *engine.PVKey) engine.Value {
		if ctx.Msg == nil {
			return engine.Null
		}
		return get(ctx.Msg)
	}}
}

// strOrNull is the OpenSIPS rule for optional fields: an empty one is null.
func strOrNull(s string) engine.Value {
	if s == "" {
		return engine.Null
	}
	return engine.Str(s)
}

// boolValue is how OpenSIPS gives flags: 1/"true" and 0/"false".
func boolValue(b bool) engine.Value {
	if b {
		return engine.StrInt("true", 1)
	}
	return engine.StrInt("false", 0)
}

// argv holds the -o name=value command-line options ($argv).
var argv struct {
	sync.RWMutex
	m map[string]string
}

// SetArgv sets the -o options that $argv(name) reads; the core calls it
// once at start-up.
func SetArgv(m map[string]string) {
	argv.Lock()
	argv.m = m
	argv.Unlock()
}
