package script

import (
	"testing"

	"switchboard/script/ast"
)

// parseCases are cfg snippets that must parse; each is also a fuzz seed and
// a round-trip case. want, when set, is the printed form of the first
// statement of the first route, or (with expr) the grouping of its
// condition or assigned value.
var parseCases = []struct {
	name string
	src  string
	expr string
}{
	{"global params", "log_level=3\nlog_level=-1\nsyslog_facility=LOG_LOCAL0\nstderror_enabled=no\nmpath=\"/usr/lib/\"\n", ""},
	{"socket forms", "socket=udp:127.0.0.1:5060 as 1.2.3.4:5060 use_workers 4 reuse_port\nlisten=tcp:eth0:5060\nsocket=udp:[::1]:5060\nsocket=udp:*:5060 anycast\n", ""},
	{"blacklist and profile", "dst_blacklist = gw:{( udp , 10.0.0.1 , 5060 , \"\" ),( any , 192.168.0.0/16 , 0 , \"^OPTIONS\" )}\nauto_scaling_profile = P scale up to 6 on 70% for 4 cycles within 5\n", ""},
	{"modules", "loadmodule \"tm.so\"\nmodparam(\"tm\", \"fr_timeout\", 5)\nmodparam(\"usrloc|registrar\", \"x\", \"a\" \"b\")\nmodparam(\"m\", \"p\", -1)\nmodparam(\"m\", \"p\", 0666)\n", ""},
	{"route kinds", "route{}\nroute[0]{}\nroute[relay]{}\nroute[\"quoted\"]{}\nbranch_route[b]{}\nfailure_route[f]{}\nonreply_route{}\nonreply_route[r]{}\nerror_route{}\nlocal_route{}\nstartup_route{}\ntimer_route[t, 60]{}\nevent_route[E_UL_AOR_INSERT]{}\nevent_route[E_X, async]{}\n", ""},
	{"include top and in route", "include_file \"a.cfg\"\nroute{ import_file \"b.cfg\" }\n", ""},
	{"if else if else", "route{ if (is_method(\"INVITE\")) { t_relay(); } else if ($rm == \"BYE\") exit; else { drop; } }", ""},
	{"single stmt if", "route{ if (t_check_trans()) t_relay(); exit; }", ""},
	{"switch", "route{ switch ($rU) { case 1: xlog(\"one\"); break; case \"two\": case -3: break; default: exit; } }", ""},
	{"while", "route{ $var(i) = 0; while ($var(i) < 10) { $var(i) = $var(i) + 1; if ($var(i) == 5) break; } }", ""},
	{"for each", "route{ for ($var(x) in $(avp(y)[*])) { xlog(\"$var(x)\"); } }", ""},
	{"returns", "route[r]{ return; return(); return(-1); return 2; return $var(x); return(1, \"a\", $var(b), NULL); return(, 1); }", ""},
	{"exit drop forms", "route{ exit(); drop(); exit; drop; }", ""},
	{"assignments", "route{ $var(a) = 1; $avp(b) := \"x\"; $var(a) += 2; $var(a) -= 2; $var(a) *= 2; $var(a) /= 2; $var(a) %= 2; $var(a) &= 2; $var(a) |= 2; $var(a) ^= 2; $avp(b) = NULL; $avp(b) := NULL; }", ""},
	{"calls", "route{ f(); f(1, \"s\", $ru, NAT); f(, \"x\"); f(\"x\", ); route(relay); route(\"r\", 1, $var(x), NULL); route($var(name)); }", ""},
	{"async and launch", "route{ async(rest_get(\"http://x\", $var(body)), resume); async(sleep(5), resume, 10); launch(exec(\"ls\")); launch(exec(\"ls\"), report); launch(exec(\"ls\"), report, \"id\"); }", ""},
	{"assert log xlog", "route{ assert($var(x) == 1, \"x is one\"); log(\"hi\"); log(2, \"hi\"); xlog(\"L_ERR\", \"a\" \"b\"); xdbg(\"d\"); error(\"a\", \"b\"); }", ""},
	{"and or same level", "route{ if ($a || $b && $c) exit; }", "(&& (|| $a $b) $c)"},
	{"not binds comparison", "route{ if (!$var(x) == 1 && f()) exit; }", "(&& (! (== $var(x) 1)) (call f))"},
	{"not word forms", "route{ if (not f() and $a or $b) exit; }", "(|| (&& (! (call f)) $a) $b)"},
	{"arith flat", "route{ $var(a) = 1 + 2 * 3; }", "(* (+ 1 2) 3)"},
	{"bitwise below arith", "route{ $var(a) = 1 | 2 + 3 << 1; }", "(<< (| 1 (+ 2 3)) 1)"},
	{"parens kept", "route{ $var(a) = 1 + (2 * 3); }", "(+ 1 (paren (* 2 3)))"},
	{"bnot", "route{ $var(a) = ~$var(b) & 0xFF; }", "(& (~ $var(b)) 0xFF)"},
	{"bracket test", "route{ if ([$var(a) + 1]) exit; }", "[(+ $var(a) 1)]"},
	{"ip compare", "route{ if ($si == 10.0.0.0/8 || $si == ::1) exit; }", "(|| (== $si ip:10.0.0.0/8) (== $si ip:::1))"},
	{"regex match", "route{ if ($rU =~ \"^\\+[1-9]\" && $ru !~ 'sip:') exit; }", "(&& (=~ $rU \"^\\\\+[1-9]\") (!~ $ru \"sip:\"))"},
	{"null compare", "route{ if ($rU==NULL) exit; }", "(== $rU NULL)"},
	{"yes is a number", "route{ $var(a) = yes; }", "yes"},
	{"negative number", "route{ $var(a) = $var(b) - -1; }", "(- $var(b) -1)"},
	{"nested pv", "route{ if ($(var(size){s.int}) >= $(avp(t){s.int})) exit; }", "(>= $(var(size){s.int}) $(avp(t){s.int}))"},
	{"empty statements", "route{ ; ; if (f()) ; }", ""},
	{"bare block", "route{ { f(); } }", ""},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.src)
			if tc.expr != "" {
				var got string
				switch st := firstStmt(t, s).(type) {
				case *ast.IfStmt:
					got = sexpr(st.Cond)
				case *ast.AssignStmt:
					got = sexpr(st.Right)
				default:
					t.Fatalf("first statement is %T", st)
				}
				if got != tc.expr {
					t.Errorf("expression %s, want %s", got, tc.expr)
				}
			}
			roundTrip(t, s)
		})
	}
}

func TestParseShapes(t *testing.T) {
	s := mustParse(t, "socket=udp:127.0.0.1:5060 as 1.2.3.4:5060 use_workers 4\n"+
		"modparam(\"a|b\", \"p\", \"x\")\n"+
		"timer_route[clean, 30] { exit; }\n"+
		"event_route[E_X, sync] { exit; }\n"+
		"route{ async(sleep(1), resume, 5); route(relay, 1); }\n")
	g := s.Params[0]
	if g.Name != "socket" || g.ValueText() != "udp:127.0.0.1:5060 as 1.2.3.4:5060 use_workers 4" || len(g.Value) != 5 {
		t.Errorf("socket param = %q %q (%d words)", g.Name, g.ValueText(), len(g.Value))
	}
	if mp := s.ModParams[0]; mp.Module != "a|b" || mp.Param != "p" {
		t.Errorf("modparam = %+v", mp)
	}
	if tr := s.Routes[0]; tr.Kind != ast.TimerRoute || tr.Name != "clean" || tr.Interval != 30 {
		t.Errorf("timer route = %+v", tr)
	}
	if er := s.Routes[1]; er.Kind != ast.EventRoute || er.Name != "E_X" || er.Mode != "sync" {
		t.Errorf("event route = %+v", er)
	}
	body := s.Routes[2].Body.Stmts
	ac := body[0].(*ast.ExprStmt).X.(*ast.AsyncCall)
	if ac.Call.Name != "sleep" || ac.Route.(*ast.Ident).Name != "resume" || ac.Extra.(*ast.NumberLit).Value != 5 {
		t.Errorf("async = %+v", ac)
	}
	rc := body[1].(*ast.ExprStmt).X.(*ast.RouteCall)
	if rc.Target.(*ast.Ident).Name != "relay" || len(rc.Args) != 1 {
		t.Errorf("route call = %+v", rc)
	}
}

func TestPositions(t *testing.T) {
	src := "log_level=3\nroute[main] {\n\tif ($rm == \"INVITE\") {\n\t\tt_relay();\n\t}\n}\n"
	s := mustParse(t, src)
	var got []string
	ast.Inspect(s, func(n ast.Node) bool {
		if _, ok := n.(*ast.Script); !ok {
			got = append(got, n.Position().String())
		}
		return true
	})
	want := []string{"test.cfg:1:1", "test.cfg:2:1", "test.cfg:2:13", "test.cfg:3:2", "test.cfg:3:6", "test.cfg:3:6", "test.cfg:3:13", "test.cfg:3:23", "test.cfg:4:3", "test.cfg:4:3"}
	if len(got) != len(want) {
		t.Fatalf("positions %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("node %d at %s, want %s", i, got[i], want[i])
		}
	}
}
