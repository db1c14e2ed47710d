package script

import (
	"testing"

	"switchboard/engine"
	"switchboard/script/ast"
)

// TestEventRoutesAccepted: an event_route compiles for an event the core
// or a loaded module declares, or one the script raises by name; it keeps
// its mode and runs as event_route with $param by name and by position.
func TestEventRoutesAccepted(t *testing.T) {
	tests := []struct {
		name, cfg, event, mode string
	}{
		{"core event", "route { ok(); }\nevent_route[E_CORE_THRESHOLD] { rec(\"$param(source)\"); }", "E_CORE_THRESHOLD", ""},
		{"module event, async", "loadmodule \"usrloc.so\"\nroute { ok(); }\nevent_route[E_UL_AOR_INSERT, async] { rec(\"$param(aor)\"); }", "E_UL_AOR_INSERT", "async"},
		{"script event, sync", "route { raise(\"E_MY\"); }\nevent_route[E_MY, sync] { rec(\"$param(1)\"); }", "E_MY", "sync"},
		{"script event raised later in the file", "event_route[E_LATE] { rec(\"$param(1)\"); }\nstartup_route { raise(\"E_LATE\"); }", "E_LATE", ""},
		{"script event raised from outside (MI)", "route { ok(); }\nevent_route[E_FROM_MY_APP] { rec(\"$param(1)\"); }", "E_FROM_MY_APP", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var recorded []string
			s, err := Parse("t.cfg", []byte(tc.cfg))
			if err != nil {
				t.Fatal(err)
			}
			prog, err := Compile(s, Options{Registry: testRegistry(&recorded)})
			if err != nil {
				t.Fatal(err)
			}
			r, ok := prog.Route(ast.EventRoute, tc.event)
			if !ok || r.Mode != tc.mode || r.Type != engine.EventRoute {
				t.Fatalf("route %v mode %q type %v", ok, r.Mode, r.Type)
			}
			ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
			ctx.Reset(nil, engine.EventRoute)
			ctx.Params = []engine.Value{engine.Str("first"), engine.Int(7)}
			ctx.ParamNames = []string{"source", "aor"}
			r.Run(ctx)
			want := map[string]string{"E_CORE_THRESHOLD": "first", "E_UL_AOR_INSERT": "7"}[tc.event]
			if want == "" {
				want = "first"
			}
			if len(recorded) != 1 || recorded[0] != want {
				t.Fatalf("recorded %q, want %q", recorded, want)
			}
		})
	}
}
