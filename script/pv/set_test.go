package pv

import (
	"strings"
	"testing"
	"time"

	"switchboard/engine"
)

// Writable PVs (Script-CoreVar: "It is R/W variable") and the message
// they produce.
func TestSetRequestURI(t *testing.T) {
	tests := []struct {
		name, pv string
		val      engine.Value
		wantRURI string
		wantErr  bool
	}{
		{"$ru whole", "$ru", engine.Str("sip:carol@c.net"), "sip:carol@c.net", false},
		{"$ruri whole", "$ruri", engine.Str("sip:d@d.net"), "sip:d@d.net", false},
		{"$ru invalid", "$ru", engine.Str("not a uri"), "", true},
		{"$ru null", "$ru", engine.Null, "", true},
		{"$rU keeps password", "$rU", engine.Str("bob"), "sip:bob:pw@example.com:5070;transport=tcp", false},
		{"$ruri.user", "$ruri.user", engine.Str("x"), "sip:x:pw@example.com:5070;transport=tcp", false},
		{"$rU null removes userinfo", "$rU", engine.Null, "sip:example.com:5070;transport=tcp", false},
		{"$rd", "$rd", engine.Str("other.org"), "sip:alice:pw@other.org:5070;transport=tcp", false},
		{"$ruri.domain", "$ruri.domain", engine.Str("h.org"), "sip:alice:pw@h.org:5070;transport=tcp", false},
		{"$rd empty", "$rd", engine.Str(""), "", true},
		{"$rp int", "$rp", engine.Int(5099), "sip:alice:pw@example.com:5099;transport=tcp", false},
		{"$rp null removes port", "$rp", engine.Null, "sip:alice:pw@example.com;transport=tcp", false},
		{"$rp bad", "$rp", engine.Str("99999"), "", true},
	}
	p := testParser()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newCtx(t, inviteText)
			s := mustPV(t, p, tc.pv)
			if !s.Writable() {
				t.Fatalf("%s not writable", tc.pv)
			}
			err := s.Set(ctx, tc.val, false)
			if tc.wantErr {
				if err == nil {
					t.Fatal("want error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ctx.Msg.NewRequestURI(); got != tc.wantRURI {
				t.Errorf("new R-URI = %q, want %q", got, tc.wantRURI)
			}
			out := string(ctx.Msg.Bytes())
			if !strings.HasPrefix(out, "INVITE "+tc.wantRURI+" SIP/2.0\r\n") {
				t.Errorf("serialized first line: %q", out[:strings.IndexByte(out, '\n')])
			}
			if got := mustPV(t, p, "$ou").Get(ctx).String(); got != "sip:alice:pw@example.com:5070;transport=tcp" {
				t.Errorf("$ou changed to %q", got)
			}
		})
	}
}

func TestSetUserAddsUserinfo(t *testing.T) {
	p := testParser()
	ctx := newCtx(t, strings.Replace(inviteText, "sip:alice:pw@example.com:5070;transport=tcp", "sip:example.com", 1))
	if err := mustPV(t, p, "$rU").Set(ctx, engine.Str("joe"), false); err != nil {
		t.Fatal(err)
	}
	if got := ctx.Msg.NewRequestURI(); got != "sip:joe@example.com" {
		t.Errorf("got %q", got)
	}
}

func TestSetDestination(t *testing.T) {
	p := testParser()
	ctx := newCtx(t, inviteText)
	set := func(pv string, v engine.Value) {
		t.Helper()
		if err := mustPV(t, p, pv).Set(ctx, v, false); err != nil {
			t.Fatalf("%s: %v", pv, err)
		}
	}
	set("$dd", engine.Str("gw.net")) // 3.33: starts from the R-URI without $du
	if ctx.DstURI != "sip:alice:pw@gw.net:5070;transport=tcp" {
		t.Errorf("$dd: %q", ctx.DstURI)
	}
	set("$du", engine.Str("sip:1.2.3.4"))
	set("$dp", engine.Int(5062))
	if ctx.DstURI != "sip:1.2.3.4:5062" {
		t.Errorf("$dp: %q", ctx.DstURI)
	}
	set("$duri", engine.Null) // reset
	if ctx.DstURI != "" || !mustPV(t, p, "$du").Get(ctx).IsNull() {
		t.Errorf("$du = NULL left %q", ctx.DstURI)
	}
	if err := mustPV(t, p, "$du").Set(ctx, engine.Str("bad uri"), false); err == nil {
		t.Error("invalid $du accepted")
	}
}

func TestSetReadOnly(t *testing.T) {
	p := testParser()
	ctx := newCtx(t, inviteText)
	for _, text := range []string{"$fu", "$tu", "$rb", "$hdr(Via)", "$ci", "$ou", "$rP", "$dP", "$rs", "$mf", "$bf", "$Ts"} {
		s := mustPV(t, p, text)
		if s.Writable() {
			t.Errorf("%s writable", text)
		}
		if err := s.Set(ctx, engine.Str("x"), false); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("%s: Set error = %v", text, err)
		}
	}
}

// Script-CoreVar §1: a script variable holds one value; NULL makes it 0.
func TestVar(t *testing.T) {
	p := testParser()
	ctx := newCtx(t, inviteText)
	v := mustPV(t, p, "$var(a)")
	if !v.Get(ctx).IsNull() {
		t.Error("unset $var not null")
	}
	_ = v.Set(ctx, engine.Int(2), false)
	_ = v.Set(ctx, engine.Str("two"), false)
	if got := v.Get(ctx); got.String() != "two" {
		t.Errorf("$var(a) = %+v", got)
	}
	_ = v.Set(ctx, engine.Null, false)
	if got := v.Get(ctx); !got.IsInt() || got.Int != 0 {
		t.Errorf("$var(a) = NULL gives %+v, want 0", got)
	}
	// A name that is a variable: $var($var(n)).
	_ = mustPV(t, p, "$var(n)").Set(ctx, engine.Str("a"), false)
	if got := mustPV(t, p, "$var($var(n))").Get(ctx); !got.IsInt() || got.Int != 0 {
		t.Errorf("$var($var(n)) = %+v", got)
	}
}

// Script-CoreVar §2, "Multiple values example".
func TestAVPList(t *testing.T) {
	p := testParser()
	ctx := newCtx(t, inviteText)
	avp := mustPV(t, p, "$avp(17)")
	for _, s := range []string{"one", "two", "three"} {
		if err := avp.Set(ctx, engine.Str(s), false); err != nil {
			t.Fatal(err)
		}
	}
	get := func(text string) string { return mustPV(t, p, text).Get(ctx).String() }
	if get("$avp(17)") != "three" || get("$(avp(17)[2])") != "one" || get("$(avp(17)[-1])") != "one" {
		t.Errorf("values: %q %q", get("$avp(17)"), get("$(avp(17)[2])"))
	}
	if got := get("$(avp(17)[*])"); got != "three, two, one" {
		t.Errorf("[*] = %q", got)
	}
	if all := mustPV(t, p, "$(avp(17)[*])").All(ctx); len(all) != 3 || all[0].Str != "three" {
		t.Errorf("All = %+v", all)
	}
	_ = mustPV(t, p, "$(avp(17)[0])").Set(ctx, engine.Str("zero"), false) // overwrite at index
	_ = mustPV(t, p, "$(avp(17)[1])").Set(ctx, engine.Null, false)        // delete at index
	_ = mustPV(t, p, "$(avp(17)[append])").Set(ctx, engine.Str("last"), false)
	if got := get("$(avp(17)[*])"); got != "zero, one, last" {
		t.Errorf("after index edits: %q", got)
	}
	_ = avp.Set(ctx, engine.Null, false) // removes the newest
	if got := get("$(avp(17)[*])"); got != "one, last" {
		t.Errorf("after = NULL: %q", got)
	}
	_ = avp.Set(ctx, engine.Str("only"), true) // :=
	if got := get("$(avp(17)[*])"); got != "only" {
		t.Errorf("after := %q", got)
	}
	_ = mustPV(t, p, "$(avp(17)[*])").Set(ctx, engine.Null, false)
	if !mustPV(t, p, "$avp(17)").Get(ctx).IsNull() {
		t.Error("[*] = NULL left values")
	}
	// Index from a variable.
	_ = avp.Set(ctx, engine.Str("a"), false)
	_ = avp.Set(ctx, engine.Str("b"), false)
	_ = mustPV(t, p, "$var(i)").Set(ctx, engine.Int(1), false)
	if got := get("$(avp(17)[$var(i)])"); got != "a" {
		t.Errorf("[$var(i)] = %q", got)
	}
}

func TestBranchesAndFlags(t *testing.T) {
	p := testParser()
	ctx := newCtx(t, inviteText)
	set := func(text string, v engine.Value) {
		t.Helper()
		if err := mustPV(t, p, text).Set(ctx, v, false); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
	}
	get := func(text string) engine.Value { return mustPV(t, p, text).Get(ctx) }
	set("$branch", engine.Str("sip:b1@x.com")) // 3.17 adds a branch
	set("$msg.branch", engine.Str("sip:b2@x.com"))
	set("$(branch(q)[0])", engine.Int(500))
	set("$(msg.branch.duri[-1])", engine.Str("sip:out.net"))
	set("$(branch(path)[1])", engine.Str("<sip:p>"))
	set("$(msg.branch.socket[1])", engine.Str("udp:1.2.3.4:5060"))
	set("$(msg.branch.flags[0])", engine.Int(3))
	if got := get("$(branch(uri)[-1])").String(); got != "sip:b2@x.com" {
		t.Errorf("last branch uri = %q", got)
	}
	if v := get("$(msg.branch.q[0])"); v.Int != 500 {
		t.Errorf("q = %+v", v)
	}
	if got := get("$(branch(duri)[1])").String(); got != "sip:out.net" {
		t.Errorf("duri = %q", got)
	}
	if got := get("$(msg.branch.uri[*])").String(); got != "sip:b1@x.com, sip:b2@x.com" {
		t.Errorf("[*] = %q", got)
	}
	if v := get("$msg.branch.last_idx"); v.Int != 1 {
		t.Errorf("last_idx = %+v", v)
	}
	set("$(branch(socket)[1])", engine.Null)
	if !get("$(branch(socket)[1])").IsNull() {
		t.Error("socket not reset")
	}
	if err := mustPV(t, p, "$(branch(uri)[5])").Set(ctx, engine.Str("sip:x@y"), false); err == nil {
		t.Error("set on a missing branch accepted")
	}

	// 3.56 $msg.flag and 3.53 $mf.
	set("$msg.flag(NAT)", engine.Int(1))
	set("$msg.flag(ACC)", engine.Str("true"))
	if v := get("$msg.flag(NAT)"); v.Int != 1 || v.Str != "true" {
		t.Errorf("$msg.flag(NAT) = %+v", v)
	}
	if got := get("$mf").String(); got != "NAT ACC" {
		t.Errorf("$mf = %q", got)
	}
	set("$msg.flag(NAT)", engine.Int(0))
	if v := get("$msg.flag(NAT)"); v.Int != 0 || v.Str != "false" {
		t.Errorf("$msg.flag(NAT) after reset = %+v", v)
	}
	// 3.19 $branch.flag: index 0 is the R-URI branch.
	set("$branch.flag(X)", engine.Int(1))
	set("$(msg.branch.flag(Y)[2])", engine.Int(1))
	if got := get("$bf").String(); got != "X" {
		t.Errorf("$bf = %q", got)
	}
	if v := get("$(branch.flag(Y)[-1])"); v.Int != 1 {
		t.Errorf("flag on last branch = %+v", v)
	}
}

func TestTimePVs(t *testing.T) {
	p := testParser()
	ctx := newCtx(t, inviteText)
	fixed := time.Date(2024, 3, 5, 7, 8, 9, 123456000, time.UTC)
	now = func() time.Time { return fixed }
	defer func() { now = time.Now }()
	tests := []struct {
		text string
		w    want
	}{
		{"$time(%Y-%m-%d %H:%M:%S)", want{str: "2024-03-05 07:08:09"}}, // 3.93 strftime
		{"$time(%a %b %e %j %y %% %Q)", want{str: "Tue Mar  5 065 24 % %Q"}},
		{"$time(%s)", want{str: "1709622489"}},
		{"$Ts", want{int: true, num: 1709622489}},
		{"$Tsm", want{int: true, num: 123456}},
		{"$Tf", want{int: true, num: 1709622489, str: "Tue Mar  5 07:08:09 2024"}},
	}
	for _, tc := range tests {
		check(t, tc.text, mustPV(t, p, tc.text).Get(ctx), tc.w)
	}
	if v := mustPV(t, p, "$TS").Get(ctx); !v.IsInt() || v.Int <= 0 {
		t.Errorf("$TS = %+v", v)
	}
	SetForceColor(true)
	defer SetForceColor(false)
	if got := mustPV(t, p, "$C(Rb)").Get(ctx).Str; got != "\033[1;31;44m" {
		t.Errorf("$C(Rb) = %q", got)
	}
}

func TestCompileTimePV(t *testing.T) {
	if !IsCompileTimePV("cfg_line") || !IsCompileTimePV("cfg_file") || IsCompileTimePV("ru") {
		t.Error("IsCompileTimePV")
	}
}
