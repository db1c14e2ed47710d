package builtin

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"switchboard/cachedb"
	"switchboard/engine"
)

// pv_printf stores the expanded format in a writable variable.
func TestPvPrintf(t *testing.T) {
	ctx := newCtx(t)
	if call(t, ctx, "pv_printf", V(varRef("x")), S("r-uri: sip:a@b")) != 1 {
		t.Fatal("pv_printf false")
	}
	if got := ctx.Vars.Get("x"); got.Str != "r-uri: sip:a@b" {
		t.Fatalf("$var(x) = %+v", got)
	}
}

// get_timestamp stores seconds and microseconds of one clock reading.
func TestGetTimestamp(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Unix(1700000000, 123456789) }
	ctx := newCtx(t)
	if call(t, ctx, "get_timestamp", V(avpRef("sec")), V(avpRef("usec"))) != 1 {
		t.Fatal("get_timestamp false")
	}
	if s, u := ctx.AVPs.Get("sec", 0), ctx.AVPs.Get("usec", 0); s.Int != 1700000000 || u.Int != 123456 {
		t.Fatalf("sec %+v usec %+v", s, u)
	}
}

// construct_uri leaves out omitted parts.
func TestConstructURI(t *testing.T) {
	none := engine.Arg{}
	tests := []struct {
		name string
		args []engine.Arg
		want int
		uri  string
	}{
		{"all parts", []engine.Arg{S("sip"), S("vlad"), S("example.com"), S("5060"), S("transport=tcp")}, 1, "sip:vlad@example.com:5060;transport=tcp"},
		{"domain only", []engine.Arg{S("sips"), none, S("example.com"), none, none}, 1, "sips:example.com"},
		{"empty strings omitted", []engine.Arg{S("sip"), S(""), S("h"), S(""), S("")}, 1, "sip:h"},
		{"no domain fails", []engine.Arg{S("sip"), S("u"), S(""), none, none}, -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := newCtx(t)
			args := append(tt.args, V(avpRef("uri")))
			if got := call(t, ctx, "construct_uri", args...); got != tt.want {
				t.Fatalf("rc %d, want %d", got, tt.want)
			}
			if got := ctx.AVPs.Get("uri", 0).Str; got != tt.uri {
				t.Fatalf("uri %q, want %q", got, tt.uri)
			}
		})
	}
}

// is_myself asks the transport's hook; without one nothing is local.
func TestIsMyself(t *testing.T) {
	defer func(f func(string, int) bool) { Myself = f }(Myself)
	ctx := newCtx(t)
	Myself = nil
	if call(t, ctx, "is_myself", S("127.0.0.1")) != -1 {
		t.Fatal("true without a hook")
	}
	Myself = func(host string, port int) bool { return host == "10.0.0.1" && (port == 0 || port == 5060) }
	tests := []struct {
		args []engine.Arg
		want int
	}{
		{[]engine.Arg{S("10.0.0.1")}, 1},
		{[]engine.Arg{S("10.0.0.1"), I(5060)}, 1},
		{[]engine.Arg{S("10.0.0.1"), I(5070)}, -1},
		{[]engine.Arg{S("10.0.0.2")}, -1},
	}
	for i, tt := range tests {
		if got := call(t, ctx, "is_myself", tt.args...); got != tt.want {
			t.Fatalf("case %d: %d, want %d", i, got, tt.want)
		}
	}
}

// xlog levels (L_ALERT..L_DBG and numbers) map onto slog; xlog without a
// level logs at L_ERR, log without one at L_DBG.
func TestLogging(t *testing.T) {
	defer func(l *slog.Logger) { Logger = l }(Logger)
	var buf bytes.Buffer
	Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx := newCtx(t)
	tests := []struct {
		name string
		fn   string
		args []engine.Arg
		want string // "" when filtered out
	}{
		{"xlog default L_ERR", "xlog", []engine.Arg{S("boom\n")}, "level=ERROR msg=boom"},
		{"xlog L_WARN", "xlog", []engine.Arg{S("L_WARN"), S("careful\n")}, "level=WARN msg=careful"},
		{"xlog L_NOTICE", "xlog", []engine.Arg{S("L_NOTICE"), S("note")}, "level=INFO+2 msg=note"},
		{"xlog L_ALERT", "xlog", []engine.Arg{S("L_ALERT"), S("fire")}, "level=ERROR+4 msg=fire"},
		{"xlog numeric level", "xlog", []engine.Arg{S("-2"), S("crit")}, "level=ERROR+2 msg=crit"},
		{"xlog level from a variable", "xlog", []engine.Arg{{Str: "L_INFO", Set: true}, S("info")}, "level=INFO msg=info"},
		{"xlog L_DBG filtered", "xlog", []engine.Arg{S("L_DBG"), S("dbg")}, ""},
		{"xdbg filtered", "xdbg", []engine.Arg{S("dbg")}, ""},
		{"log default L_DBG filtered", "log", []engine.Arg{S("quiet")}, ""},
		{"log with level", "log", []engine.Arg{I(-1), S("loud")}, "level=ERROR msg=loud"},
	}
	for _, tt := range tests {
		buf.Reset()
		if got := call(t, ctx, tt.fn, tt.args...); got != 1 {
			t.Fatalf("%s: rc %d", tt.name, got)
		}
		out := strings.TrimSpace(buf.String())
		if tt.want == "" {
			if out != "" {
				t.Fatalf("%s: logged %q", tt.name, out)
			}
			continue
		}
		if !strings.Contains(out, tt.want) {
			t.Fatalf("%s: logged %q, want %q", tt.name, out, tt.want)
		}
	}
}

// cache_* over the local backend: store/fetch/remove, counters with the
// new value, -2 for a missing key, -1 for an unknown storage id.
func TestCacheFunctions(t *testing.T) {
	if _, err := cachedb.Connect("local:builtin_test:///builtin_test"); err != nil {
		t.Fatal(err)
	}
	defer cachedb.Disconnect("local:builtin_test")
	for _, id := range []string{"local", "local:builtin_test"} {
		t.Run(id, func(t *testing.T) {
			ctx := newCtx(t)
			key := "k_" + id
			steps := []struct {
				name string
				fn   string
				args []engine.Arg
				want int
			}{
				{"fetch missing", "cache_fetch", []engine.Arg{S(id), S(key), V(varRef("v"))}, -2},
				{"store", "cache_store", []engine.Arg{S(id), S(key), S("hello"), I(60)}, 1},
				{"fetch", "cache_fetch", []engine.Arg{S(id), S(key), V(varRef("v"))}, 1},
				{"remove", "cache_remove", []engine.Arg{S(id), S(key)}, 1},
				{"fetch removed", "cache_fetch", []engine.Arg{S(id), S(key), V(varRef("v2"))}, -2},
				{"empty attr", "cache_store", []engine.Arg{S(id), S(""), S("x")}, -1},
				{"add creates", "cache_add", []engine.Arg{S(id), S("c_" + id), I(5), I(0), V(varRef("n"))}, 1},
				{"sub", "cache_sub", []engine.Arg{S(id), S("c_" + id), I(2), I(0)}, 1},
				{"counter fetch", "cache_counter_fetch", []engine.Arg{S(id), S("c_" + id), V(varRef("cnt"))}, 1},
				{"counter missing", "cache_counter_fetch", []engine.Arg{S(id), S("nope"), V(varRef("cnt2"))}, -2},
				{"add on a string fails", "cache_store", []engine.Arg{S(id), S("s_" + id), S("str")}, 1},
				{"add on a string fails (add)", "cache_add", []engine.Arg{S(id), S("s_" + id), I(1), I(0)}, -1},
			}
			for _, s := range steps {
				if got := call(t, ctx, s.fn, s.args...); got != s.want {
					t.Fatalf("%s: rc %d, want %d", s.name, got, s.want)
				}
			}
			if v := ctx.Vars.Get("v"); v.Str != "hello" {
				t.Fatalf("fetched %+v", v)
			}
			if n, c := ctx.Vars.Get("n"), ctx.Vars.Get("cnt"); n.Int != 5 || c.Int != 3 {
				t.Fatalf("new_val %+v counter %+v", n, c)
			}
			call(t, ctx, "cache_remove", S(id), S("c_"+id))
			call(t, ctx, "cache_remove", S(id), S("s_"+id))
		})
	}
	ctx := newCtx(t)
	if call(t, ctx, "cache_store", S("redis:nope"), S("k"), S("v")) != -1 {
		t.Fatal("unknown storage id accepted")
	}
}

// Every function is allowed in every route (core_cmds ALL_ROUTES) and no
// implemented name is also listed as unimplemented.
func TestModuleShape(t *testing.T) {
	reg := engine.NewRegistry()
	reg.Register(Module())
	for _, name := range Unimplemented {
		if _, ok := reg.Function(name); ok {
			t.Errorf("%s both implemented and unimplemented", name)
		}
	}
	if n := len(reg.FunctionNames()) + len(Unimplemented); n != 56+3+1 {
		// 56 core functions of c.4, plus log/xlog/xdbg (statements in
		// cfg.y) and the append_branch alias.
		t.Errorf("implemented + unimplemented = %d", n)
	}
}
