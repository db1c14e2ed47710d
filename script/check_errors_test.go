package script

import (
	"strings"
	"testing"
)

// TestCheckErrors: each mistake a checker must catch, with the exact
// message and position `switchboard -c` prints, whether the parser or the
// checker finds it. (More syntax errors are in errors_test.go.)
func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name, cfg, want string
	}{
		{"unknown function with a suggestion", "route {\n\tfial();\n}",
			"t.cfg:2:2: unknown function fial (did you mean fail?)"},
		{"function of a module not compiled in", "route {\n\tsl_send_reply(404, \"x\");\n}",
			"t.cfg:2:2: not supported: sl_send_reply (module sl)"},
		{"function whose module is not loaded", "route {\n\tt_relay();\n}",
			"t.cfg:2:2: function t_relay needs module tm: add loadmodule \"tm.so\""},
		{"too few arguments", "route {\n\tcode();\n}",
			"t.cfg:2:2: code takes 1 argument, not 0"},
		{"too many arguments", "route {\n\trec(\"a\", \"b\", \"c\");\n}",
			"t.cfg:2:2: rec takes 1 to 2 arguments, not 3"},
		{"number expected", "route {\n\tcode(\"ten\");\n}",
			"t.cfg:2:7: code: argument 1 must be a number, not \"ten\""},
		{"variable expected", "route {\n\tstore(\"x\", \"v\");\n}",
			"t.cfg:2:8: store: argument 1 must be a variable to store into"},
		{"read-only variable as output", "route {\n\tstore($ci, \"v\");\n}",
			"t.cfg:2:8: $ci is read-only"},
		{"assignment to a read-only variable", "route {\n\t$fu = \"sip:a@b\";\n}",
			"t.cfg:2:2: $fu is read-only"},
		{"fixup rejects a constant", "route {\n\tmode(\"medium\");\n}",
			"t.cfg:2:7: mode: argument 1: mode must be fast or slow, not \"medium\""},
		{"constant expected", "route {\n\tmode($var(m));\n}",
			"t.cfg:2:7: mode: argument 1 must be a constant"},
		{"bad regular expression argument", "route {\n\tmatches(\"a\", \"(\");\n}",
			"t.cfg:2:15: matches: argument 2: bad regular expression: error parsing regexp: missing closing ): `(?i)(`"},
		{"bad regular expression operand", "route {\n\tif ($rU =~ \"[\") ok();\n}",
			"t.cfg:2:13: bad regular expression: error parsing regexp: missing closing ]: `[`"},
		{"undefined route with a suggestion", "route {\n\troute(rely);\n}\nroute[relay] { ok(); }",
			"t.cfg:2:8: route rely is not defined (did you mean relay?)"},
		{"route argument names a missing failure route", "route {\n\ton_fail(mised);\n}\nfailure_route[missed] { ok(); }",
			"t.cfg:2:10: on_fail: argument 1: no failure_route[mised] (did you mean missed?)"},
		{"function not allowed in the route type", "onreply_route {\n\trequest_only();\n}",
			"t.cfg:2:2: function request_only cannot be used in onreply_route"},
		{"function not allowed through a route call", "route { ok(); }\nfailure_route[f] { route(helper); }\nroute[helper] {\n\trequest_only();\n}",
			"t.cfg:4:2: function request_only cannot be used in failure_route (route[helper] is called from failure_route)"},
		{"route defined twice", "route { ok(); }\nroute[a] { ok(); }\nroute[a] { ok(); }",
			"t.cfg:3:1: route[a] defined twice (first at t.cfg:2:1)"},
		{"main route defined twice", "route { ok(); }\nroute[0] { ok(); }",
			"t.cfg:2:1: main route defined twice (first at t.cfg:1:1)"},
		{"break outside a loop", "route {\n\tbreak;\n}",
			"t.cfg:2:2: break outside switch, while or for"},
		{"expression as a statement", "route {\n\t$var(x) == 1;\n}",
			"t.cfg:2:10: expected an assignment operator (=, :=, +=, -=, *=, /=, %=, &=, |=, ^=) after $var(x), found '=='"},
		{"unknown pseudo-variable with a suggestion", "route {\n\tif ($ruri.usr == \"a\") ok();\n}",
			"t.cfg:2:6: unknown pseudo-variable $ruri.usr (did you mean $ruri.user?)"},
		{"unknown pseudo-variable in a format string", "route {\n\trec(\"$rmm\");\n}",
			"t.cfg:2:6: rec: argument 1: unknown pseudo-variable $rmm (did you mean $rm?)"},
		{"for each over a single value", "route {\n\tfor ($var(v) in $avp(l)) ok();\n}",
			"t.cfg:2:18: for each needs a list: write $avp(l) with [*]"},
		{"two defaults in a switch", "route {\n\tswitch ($rm) {\n\tdefault: ok();\n\tdefault: fail();\n\t}\n}",
			"t.cfg:4:2: more than one 'default' in switch"},
		{"unknown module with a suggestion", "loadmodule \"tmm.so\"\nroute { ok(); }",
			"t.cfg:1:1: unknown module tmm (did you mean tm?)"},
		{"module not compiled in", "loadmodule \"dialog.so\"\nroute { ok(); }",
			"t.cfg:1:1: not supported: module dialog"},
		{"event_route for a misspelt event", "route { ok(); }\nevent_route[E_CORE_THRESHOLDS] { ok(); }",
			"t.cfg:2:1: event_route[E_CORE_THRESHOLDS]: no loaded module publishes event E_CORE_THRESHOLDS (did you mean E_CORE_THRESHOLD?)"},
		{"event_route for a misspelt event of a module not loaded", "route { ok(); }\nevent_route[E_UL_AOR_INSRT] { ok(); }",
			"t.cfg:2:1: event_route[E_UL_AOR_INSRT]: no loaded module publishes event E_UL_AOR_INSRT (did you mean E_UL_AOR_INSERT?)"},
		{"event_route for an event of a module not loaded", "route { ok(); }\nevent_route[E_UL_AOR_INSERT] { ok(); }",
			"t.cfg:2:1: event_route[E_UL_AOR_INSERT]: event E_UL_AOR_INSERT is raised by module usrloc: add loadmodule \"usrloc.so\""},
		{"event_route for an event of a module not built", "route { ok(); }\nevent_route[E_DLG_STATE_CHANGED] { ok(); }",
			"t.cfg:2:1: not supported: event E_DLG_STATE_CHANGED (module dialog)"},
		{"event_route for a core event not built", "route { ok(); }\nevent_route[E_CORE_PKG_THRESHOLD] { ok(); }",
			"t.cfg:2:1: not supported: event E_CORE_PKG_THRESHOLD (module core)"},
		{"event_route with a bad mode", "route { ok(); }\nevent_route[E_CORE_THRESHOLD, later] { ok(); }",
			"t.cfg:2:31: expected sync or async in event_route[name, mode], found identifier later"},
		{"event_route defined twice", "route { ok(); }\nevent_route[E_CORE_THRESHOLD] { ok(); }\nevent_route[E_CORE_THRESHOLD, async] { ok(); }",
			"t.cfg:3:1: event_route[E_CORE_THRESHOLD] defined twice (first at t.cfg:2:1)"},
		{"module dependency not loaded", "loadmodule \"dialog_stub.so\"\nroute { ok(); }",
			"t.cfg:1:1: module dialog_stub needs module tm: add loadmodule \"tm.so\""},
		{"module loaded twice", "loadmodule \"tm.so\"\nloadmodule \"/usr/lib/opensips/modules/tm.so\"\nroute { ok(); }",
			"t.cfg:2:1: module tm loaded twice"},
		{"modparam before loadmodule", "modparam(\"tm\", \"fr_timeout\", 5)\nroute { ok(); }",
			"t.cfg:1:1: modparam for module tm, which is not loaded (add loadmodule \"tm.so\" before it)"},
		{"unknown modparam with a suggestion", "loadmodule \"tm.so\"\nmodparam(\"tm\", \"fr_timeot\", 5)\nroute { ok(); }",
			"t.cfg:2:1: module tm has no parameter fr_timeot (did you mean fr_timeout?)"},
		{"OpenSIPS modparam not implemented", "loadmodule \"tm.so\"\nmodparam(\"tm\", \"fr_inv_timeout\", 5)\nroute { ok(); }",
			"t.cfg:2:1: not supported: modparam fr_inv_timeout (module tm)"},
		{"modparam of the wrong type", "loadmodule \"tm.so\"\nmodparam(\"tm\", \"fr_timeout\", \"soon\")\nroute { ok(); }",
			"t.cfg:2:30: modparam fr_timeout of module tm takes a number, not \"soon\""},
		{"modparam rejected by the module", "loadmodule \"tm.so\"\nmodparam(\"tm\", \"fr_timeout\", 0)\nroute { ok(); }",
			"t.cfg:2:30: modparam fr_timeout of module tm: must be positive"},
		{"unknown global parameter with a suggestion", "log_levl=3\nroute { ok(); }",
			"t.cfg:1:1: unknown global parameter log_levl (did you mean log_level?)"},
		{"OpenSIPS global parameter not implemented", "tcp_workers=4\nroute { ok(); }",
			"t.cfg:1:1: not supported: global parameter tcp_workers"},
		{"bad max_while_loops", "max_while_loops=none\nroute { ok(); }",
			"t.cfg:1:1: max_while_loops expects a positive number, got \"none\""},
		{"route name from a variable", "route {\n\troute($var(r));\n}",
			"t.cfg:2:2: not supported: route name from a variable"},
		{"PV of a module not built", "route {\n\tif ($DLG_status == 1) ok();\n}",
			"t.cfg:2:6: not supported: $DLG_status (module dialog)"},
		{"core PV not built yet", "route {\n\trec(\"$log_level\");\n}",
			"t.cfg:2:6: rec: argument 1: not supported: $log_level (module core)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var recorded []string
			s, err := Parse("t.cfg", []byte(tc.cfg))
			if err == nil {
				_, err = Compile(s, Options{Registry: testRegistry(&recorded)})
			}
			if err == nil {
				t.Fatalf("compiled; want %q", tc.want)
			}
			lines := strings.Split(err.Error(), "\n")
			for _, l := range lines {
				if l == tc.want {
					return
				}
			}
			t.Errorf("errors:\n%s\nwant the line:\n%s", err, tc.want)
		})
	}
}

// TestCheckReportsEveryError: the checker goes on after the first error.
func TestCheckReportsEveryError(t *testing.T) {
	var recorded []string
	s, err := Parse("t.cfg", []byte("route {\n\tfial();\n\tcode();\n\troute(nowhere);\n}"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(s, Options{Registry: testRegistry(&recorded)})
	if err == nil || strings.Count(err.Error(), "\n") != 2 {
		t.Errorf("want three errors, got:\n%v", err)
	}
}
