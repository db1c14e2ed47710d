package script

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // every error, in order
	}{
		{"missing semicolon", "route{\n\tf()\n\tg();\n}", []string{"e.cfg:2:5: missing ';' after f(...) (found identifier g)"}},
		{"missing semicolons collected", "route{ f() g() h(); $var(a)=1 }", []string{
			"e.cfg:1:11: missing ';' after f(...) (found identifier g)",
			"e.cfg:1:15: missing ';' after g(...) (found identifier h)",
			"e.cfg:1:30: missing ';' after assignment (found '}')"}},
		{"unclosed block", "route{\n\tif (f()) {\n\t\tg();\n}\n", []string{"e.cfg:1:6: unbalanced braces: '{' is never closed (found end of file at e.cfg:5:1)"}},
		{"unclosed block before next route", "route{ f();\nroute[x]{ g(); }", []string{"e.cfg:1:6: unbalanced braces: '{' is never closed (found identifier route at e.cfg:2:1)"}},
		{"extra close brace", "route{ f(); } }", []string{"e.cfg:1:15: unbalanced braces: '}' closes no block"}},
		{"unclosed string", "route{ xlog(\"abc); }\n", []string{
			"e.cfg:1:6: unbalanced braces: '{' is never closed (found end of file at e.cfg:2:1)",
			"e.cfg:1:13: string not closed: missing '\"'",
			"e.cfg:2:1: expected ',' or ')' in the arguments of xlog(), found end of file",
			"e.cfg:2:1: missing ';' after xlog(...) (found end of file)"}},
		{"unknown route type", "reply_route[x] { exit; }\nroute{}", []string{"e.cfg:1:1: unknown route type 'reply_route': expected route, branch_route, failure_route, onreply_route, error_route, local_route, startup_route, timer_route or event_route"}},
		{"elif", "route{ if (f()) exit; elif (g()) { exit; } }", []string{"e.cfg:1:23: 'elif' is not an OpenSIPS keyword: write 'else if'"}},
		{"else without if", "route{ f(); else { exit; } }", []string{"e.cfg:1:13: 'else' without 'if' (a ';' or '}' too many before it?)"}},
		{"old method keyword", "route{ if (method == \"INVITE\") exit; }", []string{"e.cfg:1:12: bare word <method> found, command calls need '()'; 'method' is an OpenSIPS 1.x keyword, use $rm"}},
		{"old src_ip keyword", "route{ if (src_ip == 10.0.0.1) exit; }", []string{"e.cfg:1:12: bare word <src_ip> found, command calls need '()'; 'src_ip' is an OpenSIPS 1.x keyword, use $si"}},
		{"bare word statement", "route{ t_relay; }", []string{"e.cfg:1:8: bare word <t_relay> found, command calls need '()'"}},
		{"assignment in condition", "route{ if ($var(a) = 1) exit; }", []string{"e.cfg:1:20: found '=' in the if condition: use '==' to compare"}},
		{"chained comparison", "route{ if ($a == $b == $c) exit; }", []string{"e.cfg:1:21: comparisons cannot be chained: join them with && or ||"}},
		{"break outside loop", "route{ break; }", []string{"e.cfg:1:8: break outside switch, while or for"}},
		{"case outside switch", "route{ case 1: exit; }", []string{"e.cfg:1:8: 'case' outside a switch"}},
		{"case after default", "route{ switch ($a) { default: exit; case 1: exit; } }", []string{"e.cfg:1:37: 'case' after 'default': default must be the last arm of a switch"}},
		{"bad case value", "route{ switch ($a) { case $b: exit; } }", []string{"e.cfg:1:27: case value must be a number or a string"}},
		{"no assignment operator", "route{ $var(a) == 1; }", []string{"e.cfg:1:16: expected an assignment operator (=, :=, +=, -=, *=, /=, %=, &=, |=, ^=) after $var(a), found '=='"}},
		{"missing if paren", "route{ if f() exit; }", []string{"e.cfg:1:11: expected '(' after if, found identifier f"}},
		{"branch route needs name", "branch_route { exit; }", []string{"e.cfg:1:1: branch_route needs a name: branch_route[name] { ... }"}},
		{"startup route takes no name", "startup_route[x] { exit; }", []string{"e.cfg:1:1: startup_route takes no name: startup_route { ... }"}},
		{"timer route needs interval", "timer_route[t] { exit; }", []string{"e.cfg:1:14: expected ',' after the timer_route name (timer_route[name, seconds]), found ']'"}},
		{"semicolon after global", "log_level=3;\n", []string{"e.cfg:1:12: unexpected ';' after global parameter log_level: global parameters take no ';'"}},
		{"missing global value", "log_level=\nroute{}", []string{"e.cfg:2:1: missing value for global parameter log_level (found identifier route)"}},
		{"loadmodule without string", "loadmodule tm.so\n", []string{"e.cfg:1:12: loadmodule: expected a quoted module name or path, found identifier tm"}},
		{"modparam bad value", "modparam(\"tm\", \"x\", $var(a))\n", []string{"e.cfg:1:21: modparam: expected a string or a number as value, found pseudo-variable $var(a)"}},
		{"async without route", "route{ async(sleep(1)); }", []string{"e.cfg:1:22: async() needs a resume route: async(sleep(...), route_name), found ')'"}},
		{"route without name", "route{ route(); }", []string{"e.cfg:1:14: route(): expected a route name, found ')'"}},
		{"for syntax", "route{ for ($a of $b) exit; }", []string{"e.cfg:1:16: for: expected 'in', found identifier of"}},
		{"number out of range", "route{ $var(a) = 99999999999999999999; }", []string{"e.cfg:1:18: number 99999999999999999999 out of range"}},
		{"garbage at top", "@\nroute{}", []string{"e.cfg:1:1: unexpected unexpected character \"@\" at top level: expected a global parameter (name = value), loadmodule, modparam or a route block"}},
		{"errors in several routes", "route{ f() }\nroute[a]{ g() }\n", []string{
			"e.cfg:1:11: missing ';' after f(...) (found '}')",
			"e.cfg:2:14: missing ';' after g(...) (found '}')"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("e.cfg", []byte(tc.src))
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v is not an ErrorList", err)
			}
			got := strings.Split(list.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestNestingLimit(t *testing.T) {
	for name, src := range map[string]string{
		"parens": "route{ if (" + strings.Repeat("(", 100000) + "f()" + strings.Repeat(")", 100000) + ") exit; }",
		"blocks": "route{ " + strings.Repeat("if (f()) { ", 100000) + strings.Repeat("}", 100000) + " }",
		"nots":   "route{ if (" + strings.Repeat("!", 100000) + "f()) exit; }",
		"calls":  "route{ " + strings.Repeat("f(", 100000) + strings.Repeat(")", 100000) + "; }",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("deep.cfg", []byte(src))
			if err == nil || !strings.Contains(err.Error(), "nesting too deep") {
				t.Fatalf("error %v, want nesting too deep", err)
			}
		})
	}
}

func TestTooManyErrors(t *testing.T) {
	src := "route{ " + strings.Repeat("f() ", 10000) + "}"
	_, err := Parse("many.cfg", []byte(src))
	var list ErrorList
	if !errors.As(err, &list) || len(list) != maxErrors+1 || !strings.HasSuffix(list.Error(), "too many errors, giving up") {
		t.Fatalf("got %d errors", len(list))
	}
}
