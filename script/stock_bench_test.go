package script

import (
	"os"
	"strings"
	"testing"

	"switchboard/core/builtin"
	"switchboard/engine"
	"switchboard/script/ast"
	"switchboard/script/pv"
	"switchboard/sip"
)

// stockStubs registers the modules etc/opensips.cfg loads with stand-ins
// for their functions, so the stock main route can run before the real
// modules exist. is_method and has_totag do their real work on the
// message; the others return what an initial INVITE to a registered user
// gets.
func stockStubs(t testing.TB) *engine.Registry {
	t.Helper()
	r := engine.NewRegistry()
	core := builtin.Module()
	core.PVs = append(core.PVs, pv.CorePVs()...)
	r.Register(core)
	str := engine.ArgSpec{Kind: engine.ArgStr, Optional: true}
	stub := func(name string, code int) engine.Function {
		return engine.Function{Name: name, Routes: engine.AnyRoute, Args: []engine.ArgSpec{str, str, str},
			Run: func(*engine.Context, []engine.Arg) int { return code }}
	}
	onRoute := func(name string, rt engine.RouteType) engine.Function {
		return engine.Function{Name: name, Routes: engine.RequestRoute | engine.FailureRoute,
			Args: []engine.ArgSpec{{Kind: engine.ArgRoute, Route: rt}},
			Run:  func(*engine.Context, []engine.Arg) int { return 1 }}
	}
	isMethod := engine.Function{Name: "is_method", Routes: engine.AnyRoute, Args: []engine.ArgSpec{{Kind: engine.ArgStatic,
		Fixup: func(s string) (any, error) { return strings.Split(s, "|"), nil }}},
		Run: func(ctx *engine.Context, a []engine.Arg) int {
			for _, m := range a[0].Fixed.([]string) {
				if m == ctx.Msg.MethodName() {
					return 1
				}
			}
			return -1
		}}
	hasTotag := engine.Function{Name: "has_totag", Routes: engine.AnyRoute, Run: func(ctx *engine.Context, _ []engine.Arg) int {
		if to, err := ctx.Msg.To(); err == nil && to.Tag() != "" {
			return 1
		}
		return -1
	}}
	params := func(names ...string) []engine.Param {
		var ps []engine.Param
		for _, n := range names {
			ps = append(ps, engine.Param{Name: n, Kind: engine.ParamStr, Set: func(engine.Value) error { return nil }})
		}
		return ps
	}
	for _, m := range []*engine.Module{
		{Name: "signaling", Functions: []engine.Function{stub("send_reply", 1)}},
		{Name: "sl"}, {Name: "proto_udp"},
		{Name: "tm", Params: params("fr_timeout", "fr_inv_timeout", "restart_fr_on_each_reply", "onreply_avp_mode"),
			Functions: []engine.Function{stub("t_check_trans", -1), stub("t_relay", 1), stub("t_reply", 1), stub("t_was_cancelled", -1),
				onRoute("t_on_branch", engine.BranchRoute), onRoute("t_on_reply", engine.OnReplyRoute), onRoute("t_on_failure", engine.FailureRoute)}},
		{Name: "rr", Params: params("append_fromtag"), Functions: []engine.Function{stub("loose_route", -1), stub("record_route", 1)}},
		{Name: "maxfwd", Functions: []engine.Function{stub("mf_process_maxfwd_header", 1)}},
		{Name: "sipmsgops", Functions: []engine.Function{isMethod, hasTotag, stub("append_hf", 1)}},
		{Name: "mi_fifo", Params: params("fifo_name", "fifo_mode")},
		{Name: "usrloc", Params: params("nat_bflag", "working_mode_preset")},
		{Name: "registrar", Params: params("tcp_persistent_flag"), Functions: []engine.Function{stub("save", 1), stub("lookup", 1)}},
		{Name: "acc", Params: params("early_media", "report_cancels", "detect_direction"), Functions: []engine.Function{stub("do_accounting", 1)}},
	} {
		r.Register(m)
	}
	return r
}

// compileStock compiles etc/opensips.cfg against the stubs, the global
// parameters accepted as they are.
func compileStock(t testing.TB) *Program {
	t.Helper()
	src, err := os.ReadFile("testdata/opensips.cfg")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("opensips.cfg", src)
	if err != nil {
		t.Fatal(err)
	}
	accept := func(*ast.GlobalParam) error { return nil }
	params := map[string]func(*ast.GlobalParam) error{}
	for _, p := range s.Params {
		params[p.Name] = accept
	}
	prog, err := Compile(s, Options{Registry: stockStubs(t), CoreParams: params})
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

// stockInvite is an initial INVITE from a foreign domain to a local user.
var stockInvite = testInvite

func runStock(prog *Program, ctx *engine.Context, m *sip.Msg) int {
	ctx.Reset(m, engine.RequestRoute)
	m.Lumps.Reset()
	return prog.Main.Run(ctx)
}

// TestStockMainRoute walks etc/opensips.cfg's main route for an initial
// INVITE to a local user: it ends in route[relay]'s exit, having run
// t_relay, and allocates nothing.
func TestStockMainRoute(t *testing.T) {
	builtin.Myself = func(host string, _ int) bool { return host == "biloxi.example.com" }
	defer func() { builtin.Myself = nil }()
	actions = new(int)
	prog := compileStock(t)
	actions = nil
	m, err := sip.ParseString(stockInvite)
	if err != nil {
		t.Fatal(err)
	}
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
	if code := runStock(prog, ctx, m); code != 0 {
		t.Fatalf("code %d, want 0 (exit in route[relay])", code)
	}
	t.Logf("statements executed for the INVITE: %d", *prog.counted)
	if *prog.counted < 20 {
		t.Errorf("only %d statements ran: the INVITE did not reach route[relay]", *prog.counted)
	}
	prog = compileStock(t)
	if allocs := testing.AllocsPerRun(100, func() { runStock(prog, ctx, m) }); allocs != 0 {
		t.Errorf("the main route allocates %v times per run", allocs)
	}
}

// BenchmarkStockMainRoute: ns per run of etc/opensips.cfg's main route for
// the INVITE of TestStockMainRoute (divide by the statements it logs for
// ns per executed action).
func BenchmarkStockMainRoute(b *testing.B) {
	builtin.Myself = func(host string, _ int) bool { return host == "biloxi.example.com" }
	defer func() { builtin.Myself = nil }()
	prog := compileStock(b)
	m, err := sip.ParseString(stockInvite)
	if err != nil {
		b.Fatal(err)
	}
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
	b.ReportAllocs()
	for b.Loop() {
		runStock(prog, ctx, m)
	}
}
