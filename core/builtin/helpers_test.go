package builtin

import (
	"testing"

	"switchboard/engine"
	"switchboard/sip"
)

const testInvite = "INVITE sip:alice:pw@example.com:5070;transport=udp SIP/2.0\r\n" +
	"Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n" +
	"From: <sip:bob@example.org>;tag=1\r\nTo: <sip:alice@example.com>\r\n" +
	"Call-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"

func newCtx(t *testing.T) *engine.Context {
	t.Helper()
	m, err := sip.ParseString(testInvite)
	if err != nil {
		t.Fatal(err)
	}
	return &engine.Context{Msg: m, Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
}

var module = Module()

func fn(t *testing.T, name string) *engine.Function {
	t.Helper()
	for i := range module.Functions {
		if module.Functions[i].Name == name {
			return &module.Functions[i]
		}
	}
	t.Fatalf("no function %s", name)
	return nil
}

// call runs name with args, running the fixups of constant static args
// the way the compiler does.
func call(t *testing.T, ctx *engine.Context, name string, args ...engine.Arg) int {
	t.Helper()
	f := fn(t, name)
	full := make([]engine.Arg, len(f.Args))
	copy(full, args)
	for i := range args {
		if spec := f.Args[i]; spec.Fixup != nil && full[i].Fixed == nil && full[i].Set {
			v, err := spec.Fixup(full[i].Str)
			if err != nil {
				t.Fatalf("%s fixup of %q: %v", name, full[i].Str, err)
			}
			full[i].Fixed = v
		}
	}
	return f.Run(ctx, full)
}

func S(s string) engine.Arg { return engine.Arg{Str: s, Set: true} }
func I(n int) engine.Arg    { return engine.Arg{Int: n, Str: itoa(n), Set: true} }
func V(v engine.Var) engine.Arg {
	return engine.Arg{Var: v, Set: true}
}

func itoa(n int) string { return engine.Int(n).String() }

// varRef is $var(name) for tests.
type varRef string

func (r varRef) Get(ctx *engine.Context) engine.Value { return ctx.Vars.Get(string(r)) }
func (r varRef) Set(ctx *engine.Context, v engine.Value, _ bool) error {
	ctx.Vars.Set(string(r), v)
	return nil
}

// avpRef is $avp(name): '=' adds a value.
type avpRef string

func (r avpRef) Get(ctx *engine.Context) engine.Value { return ctx.AVPs.Get(string(r), 0) }
func (r avpRef) Set(ctx *engine.Context, v engine.Value, replace bool) error {
	if replace {
		ctx.AVPs.Replace(string(r), v)
	} else {
		ctx.AVPs.Add(string(r), v)
	}
	return nil
}
