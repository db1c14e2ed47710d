package script

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"switchboard/engine"
	"switchboard/script/pv"
	"switchboard/sip"
)

// testRegistry has the core PVs and a few functions whose effects the
// tests can see: rec(s) records s, code(n) returns n.
func testRegistry(recorded *[]string) *engine.Registry {
	r := engine.NewRegistry()
	run := func(code int) func(*engine.Context, []engine.Arg) int {
		return func(*engine.Context, []engine.Arg) int { return code }
	}
	r.Register(&engine.Module{Name: "core", PVs: pv.CorePVs(), Functions: []engine.Function{
		{Name: "ok", Routes: engine.AnyRoute, Run: run(1)},
		{Name: "fail", Routes: engine.AnyRoute, Run: run(-1)},
		{Name: "stop", Routes: engine.AnyRoute, Run: run(0)},
		{Name: "code", Routes: engine.AnyRoute, Args: []engine.ArgSpec{{Kind: engine.ArgInt}},
			Run: func(_ *engine.Context, a []engine.Arg) int { return a[0].Int }},
		{Name: "rec", Routes: engine.AnyRoute, Args: []engine.ArgSpec{{Kind: engine.ArgStr}, {Kind: engine.ArgStr, Optional: true}},
			Run: func(_ *engine.Context, a []engine.Arg) int {
				s := a[0].Str
				if a[1].Set {
					s += "," + a[1].Str
				}
				*recorded = append(*recorded, s)
				return 1
			}},
		{Name: "store", Routes: engine.AnyRoute, Args: []engine.ArgSpec{{Kind: engine.ArgVar}, {Kind: engine.ArgStr}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				if a[0].Var.Set(ctx, engine.Str(a[1].Str), false) != nil {
					return -1
				}
				return 1
			}},
		{Name: "matches", Routes: engine.AnyRoute, Args: []engine.ArgSpec{{Kind: engine.ArgStr}, {Kind: engine.ArgRegex}},
			Run: func(_ *engine.Context, a []engine.Arg) int {
				if a[1].Fixed.(interface{ MatchString(string) bool }).MatchString(a[0].Str) {
					return 1
				}
				return -1
			}},
		{Name: "mode", Routes: engine.AnyRoute, Args: []engine.ArgSpec{{Kind: engine.ArgStatic, Fixup: func(s string) (any, error) {
			if s != "fast" && s != "slow" {
				return nil, fmt.Errorf("mode must be fast or slow, not %q", s)
			}
			return s, nil
		}}}, Run: run(1)},
		{Name: "on_fail", Routes: engine.RequestRoute, Args: []engine.ArgSpec{{Kind: engine.ArgRoute, Route: engine.FailureRoute}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				return a[0].Fixed.(engine.Route).Run(ctx)
			}},
		{Name: "request_only", Routes: engine.RequestRoute, Run: run(1)},
		{Name: "raise", Routes: engine.AnyRoute, Args: []engine.ArgSpec{{Kind: engine.ArgStr, Fixup: func(s string) (any, error) {
			return testEventRef(s), nil
		}}}, Run: run(1)},
	}, Events: []engine.EventSpec{{Name: "E_CORE_THRESHOLD", Params: []string{"source", "time", "extra"}}}})
	r.Register(&engine.Module{Name: "usrloc", Events: []engine.EventSpec{{Name: "E_UL_AOR_INSERT", Params: []string{"aor"}}}})
	r.Register(&engine.Module{Name: "tm", Params: []engine.Param{
		{Name: "fr_timeout", Kind: engine.ParamInt, Set: func(v engine.Value) error {
			if v.Int <= 0 {
				return fmt.Errorf("must be positive")
			}
			return nil
		}},
	}, Functions: []engine.Function{{Name: "t_relay", Routes: engine.RequestRoute | engine.FailureRoute, Run: run(1)}}})
	r.Register(&engine.Module{Name: "dialog_stub", Deps: []string{"tm"}})
	return r
}

// testEventRef is what the test raise() fixes its event name into.
type testEventRef string

func (e testEventRef) EventName() string { return string(e) }

var testInvite = strings.ReplaceAll(`INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds
Max-Forwards: 70
To: Bob <sip:bob@biloxi.example.com>
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
Content-Length: 0

`, "\n", "\r\n")

// runScript compiles cfg and runs its main route over the test INVITE. It
// returns the route code, what rec() recorded, and the context.
func runScript(t *testing.T, cfg string) (int, []string, *engine.Context) {
	t.Helper()
	var recorded []string
	s, err := Parse("test.cfg", []byte(cfg))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var logs bytes.Buffer
	prog, err := Compile(s, Options{Registry: testRegistry(&recorded), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	m, err := sip.ParseString(testInvite)
	if err != nil {
		t.Fatal(err)
	}
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
	ctx.Reset(m, engine.RequestRoute)
	code := prog.Main.Run(ctx)
	return code, recorded, ctx
}

func TestStatements(t *testing.T) {
	tests := []struct {
		name, body string
		code       int
		recorded   string
	}{
		{"if true", `if (ok()) rec("yes"); else rec("no");`, 1, "yes"},
		{"if false", `if (fail()) rec("yes"); else rec("no");`, 1, "no"},
		{"else if chain", `if (fail()) rec("a"); else if (ok()) rec("b"); else rec("c");`, 1, "b"},
		{"negation", `if (!fail()) rec("negated");`, 1, "negated"},
		{"function returning 0 stops the script (Script-Statements)", `rec("before"); stop(); rec("after");`, 0, "before"},
		{"0 in a condition stops too", `if (stop()) rec("then"); rec("after");`, 0, ""},
		{"exit", `rec("a"); exit; rec("b");`, 0, "a"},
		{"drop", `drop; rec("b");`, 0, ""},
		{"return code", `return(5); rec("never");`, 5, ""},
		{"return without value is 1", `return;`, 1, ""},
		{"return(0) is exit", `route(zero); rec("after");`, 0, ""},
		{"$rc holds the last code", `code(7); rec("$rc"); fail(); rec("$retcode");`, 1, "7 -1"},
		{"route call with params and returns", `route(sum, 2, 3); rec("$rc $return(0)");`, 1, "1 5"},
		{"route code in a condition", `if (route(neg)) rec("t"); else rec("f");`, 1, "f"},
		{"switch with fall-through", `$var(x) = 2; switch ($var(x)) { case 1: rec("1"); case 2: rec("2"); case 3: rec("3"); break; case 4: rec("4"); }`, 1, "2 3"},
		{"switch default", `switch ($rm) { case "BYE": rec("bye"); break; default: rec("other"); }`, 1, "other"},
		{"switch on strings", `switch ($rm) { case "INVITE": rec("invite"); break; default: rec("other"); }`, 1, "invite"},
		{"while with break", `$var(i) = 0; while ($var(i) < 10) { $var(i) = $var(i) + 1; if ($var(i) == 3) break; } rec("$var(i)");`, 1, "3"},
		{"while bounded by max_while_loops", `$var(i) = 0; while (ok()) { $var(i) += 1; } rec("$var(i)");`, 1, "10000"},
		{"for each over an AVP list, newest first (Script-Statements)", `$avp(l) = "a"; $avp(l) = "b"; $avp(l) = "c"; for ($var(v) in $(avp(l)[*])) rec("$var(v)");`, 1, "c b a"},
		{"format string argument", `rec("$rm to $rU@$rd");`, 1, "INVITE to bob@biloxi.example.com"},
		{"optional argument", `rec("a", "b"); rec("c");`, 1, "a,b c"},
		{"variable argument", `store($var(out), "v-$rU"); rec("$var(out)");`, 1, "v-bob"},
		{"regex argument", `if (matches("$fU", "^ALI")) rec("m");`, 1, "m"},
		{"route argument runs the failure route", `on_fail(missed);`, 1, "failure"},
		{"async falls back to sync, then resumes", `async(ok(), resume); rec("not reached");`, 0, "resumed"},
		{"launch runs the route and goes on", `launch(ok(), resume); rec("goes on");`, 1, "resumed goes on"},
		{"$cfg_line is the line of the reference", `$var(l) = $cfg_line; rec("$var(l)");`, 1, "2"},
	}
	routes := `
route[zero] { return(0); }
route[sum] { return(1, $param(1) + $param(2)); }
route[neg] { return(-2); }
route[resume] { rec("resumed"); }
failure_route[missed] { rec("failure"); }
`
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, recorded, _ := runScript(t, "route {\n"+tc.body+"\n}\n"+routes)
			if code != tc.code {
				t.Errorf("code %d, want %d", code, tc.code)
			}
			if got := strings.Join(recorded, " "); got != tc.recorded {
				t.Errorf("recorded %q, want %q", got, tc.recorded)
			}
		})
	}
}

func TestOperators(t *testing.T) {
	tests := []struct {
		name, cond string
		want       bool
	}{
		{"int equality", `1 == 1`, true},
		{"string equality", `$rm == "INVITE"`, true},
		{"strings compare with case", `$rm == "invite"`, false},
		{"string against int", `"10" == 10`, true},
		{"non-number against int", `"abc" == 0`, false},
		{"non-number differs from int", `"abc" != 0`, true},
		{"null equals null", `$var(unset) == NULL`, true},
		{"value is not null", `$rm != NULL`, true},
		{"null is not 0", `$var(unset) == 0`, false},
		{"less", `2 < 10`, true},
		{"string order", `"b" > "a"`, true},
		{"regex match is case-insensitive (REG_ICASE)", `$rm =~ "^inv"`, true},
		{"regex no match", `$rm !~ "^BYE"`, true},
		{"and short-circuits", `fail() && stop()`, false},
		{"or short-circuits", `ok() || stop()`, true},
		{"keywords", `ok() and not fail()`, true},
		{"arithmetic is one level, left to right (cfg.y: %left PLUS MINUS MULT DIVIDE MODULO)", `2 + 3 * 4 == 20`, true},
		{"modulo and shifts", `(17 % 5) << 2 == 8`, true},
		{"bit operations", `(6 & 3) | 8 == 10`, true},
		{"xor and not", `(5 ^ 1) == 4 && ~0 == -1`, true},
		{"string concatenation with +", `"a" + "b" + 1 == "ab1"`, true},
		{"integer truth", `5`, true},
		{"empty string is false", `""`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, recorded, _ := runScript(t, "route {\nif ("+tc.cond+") rec(\"true\"); else rec(\"false\");\n}\n")
			if got := recorded[len(recorded)-1] == "true"; got != tc.want {
				t.Errorf("%s is %v, want %v", tc.cond, got, tc.want)
			}
		})
	}
}

func TestAssignments(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"set and read", `$var(x) = "a"; rec("$var(x)");`, "a"},
		{"add", `$var(x) = 5; $var(x) += 3; rec("$var(x)");`, "8"},
		{"compound ops", `$var(x) = 20; $var(x) -= 2; $var(x) /= 3; $var(x) *= 4; $var(x) %= 7; rec("$var(x)");`, "3"},
		{"bit compound ops", `$var(x) = 12; $var(x) &= 10; $var(x) |= 1; $var(x) ^= 2; rec("$var(x)");`, "11"},
		{"string append with +=", `$var(s) = "ab"; $var(s) += "cd"; rec("$var(s)");`, "abcd"},
		{"avp = adds on top", `$avp(a) = 1; $avp(a) = 2; rec("$avp(a) $(avp(a)[1])");`, "2 1"},
		{"avp := replaces all", `$avp(a) = 1; $avp(a) = 2; $avp(a) := 3; rec("$(avp(a)[*])");`, "3"},
		{"$var = NULL is 0 (Script-CoreVar: a script variable has no null)", `$var(x) = 1; $var(x) = NULL; if ($var(x) == 0) rec("zero");`, "zero"},
		{"$avp = NULL removes the newest", `$avp(a) = 1; $avp(a) = 2; $avp(a) = NULL; rec("$avp(a)");`, "1"},
		{"R-URI user", `$rU = "carol"; rec("$ru");`, "sip:carol@biloxi.example.com"},
		{"destination URI", `$du = "sip:10.0.0.1:5060"; rec("$du");`, "sip:10.0.0.1:5060"},
		// OpenSIPS's assignexp: a call on the right is worth its code.
		{"a call's code", `$var(rc) = fail(); rec("$var(rc) $rc");`, "-1 -1"},
		{"a call's code in arithmetic", `$var(rc) = code(7) + 1; rec("$var(rc)");`, "8"},
		{"a route's code", `$var(rc) = route(three); rec("$var(rc)");`, "3"},
		{"a condition still reads true or false", `if (code(7)) { $var(b) = 1; } if (fail()) { $var(b) = 2; } rec("$var(b)");`, "1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, recorded, _ := runScript(t, "route {\n"+tc.body+"\n}\nroute[three] { return(3); }\n")
			if got := strings.Join(recorded, " "); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRouteRecursionIsBounded(t *testing.T) {
	code, recorded, _ := runScript(t, "route { route(loop); rec(\"after\"); }\nroute[loop] { route(loop); }\n")
	if code != 0 || len(recorded) != 0 {
		t.Errorf("code %d recorded %v: recursion must stop the script", code, recorded)
	}
}

func TestRouteAllocations(t *testing.T) {
	var recorded []string
	s, err := Parse("bench.cfg", []byte(benchScript))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Compile(s, Options{Registry: testRegistry(&recorded)})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := sip.ParseString(testInvite)
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
	allocs := testing.AllocsPerRun(100, func() {
		ctx.Reset(m, engine.RequestRoute)
		prog.Main.Run(ctx)
	})
	if allocs != 0 {
		t.Errorf("running the route allocates %v times", allocs)
	}
}

// benchScript is a route shaped like the stock opensips.cfg main route,
// with test functions standing in for the modules' ones.
const benchScript = `
route {
	if (!ok()) { exit; }
	if (fail()) {
		if ($rm == "ACK" && ok()) { ok(); exit; }
		if (!ok()) { code(404); exit; }
		route(relay);
	}
	if ($rm == "CANCEL") { if (ok()) ok(); exit; }
	if ($rU == NULL) { code(484); exit; }
	if ($rm =~ "^(INVITE|SUBSCRIBE)$") { ok(); }
	if ($rd == "biloxi.example.com" && $fU != "") { mode(fast); }
	route(relay);
}
route[relay] {
	if ($rm == "INVITE") { on_fail(missed); }
	if (!ok()) { fail(); }
	exit;
}
failure_route[missed] {
	if (fail()) { exit; }
}
`

func BenchmarkMainRoute(b *testing.B) {
	var recorded []string
	s, err := Parse("bench.cfg", []byte(benchScript))
	if err != nil {
		b.Fatal(err)
	}
	prog, err := Compile(s, Options{Registry: testRegistry(&recorded)})
	if err != nil {
		b.Fatal(err)
	}
	m, _ := sip.ParseString(testInvite)
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
	b.ReportAllocs()
	for b.Loop() {
		ctx.Reset(m, engine.RequestRoute)
		prog.Main.Run(ctx)
	}
}
