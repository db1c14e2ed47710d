package builtin

import (
	"testing"
)

// Script-Flags: flags are named; setflag/resetflag/isflagset return true,
// true, and true/false (-1) on the message flags.
func TestMessageFlags(t *testing.T) {
	ctx := newCtx(t)
	steps := []struct {
		name, fn, flag string
		want           int
	}{
		{"unset flag is false", "isflagset", "NAT", -1},
		{"setflag returns true", "setflag", "NAT", 1},
		{"set flag is true", "isflagset", "NAT", 1},
		{"other flag stays false", "isflagset", "ACC", -1},
		{"numbers are names too", "setflag", "3", 1},
		{"numeric name is set", "isflagset", "3", 1},
		{"resetflag returns true", "resetflag", "NAT", 1},
		{"reset flag is false", "isflagset", "NAT", -1},
		{"other flags survive a reset", "isflagset", "3", 1},
	}
	for _, s := range steps {
		if got := call(t, ctx, s.fn, S(s.flag)); got != s.want {
			t.Fatalf("%s: %s(%s) = %d, want %d", s.name, s.fn, s.flag, got, s.want)
		}
	}
	names := MsgFlagNames(ctx.Flags)
	if len(names) != 1 || names[0] != "3" {
		t.Fatalf("$mf names = %v", names)
	}
}

// Branch flags: index 0 (or none) is the Request-URI branch, i the i-th
// appended branch; a branch that does not exist makes the call false.
func TestBranchFlags(t *testing.T) {
	ctx := newCtx(t)
	if call(t, ctx, "append_msg_branch", S("sip:b1@h")) != 1 {
		t.Fatal("append failed")
	}
	tests := []struct {
		name string
		fn   string
		args []string
		idx  int // -100: no index
		want int
	}{
		{"set on RURI branch", "setbflag", []string{"NAT_BF"}, -100, 1},
		{"test RURI branch explicit 0", "isbflagset", []string{"NAT_BF"}, 0, 1},
		{"branch 1 not set", "isbflagset", []string{"NAT_BF"}, 1, -1},
		{"set on branch 1", "setbflag", []string{"NAT_BF"}, 1, 1},
		{"branch 1 set", "isbflagset", []string{"NAT_BF"}, 1, 1},
		{"missing branch set fails", "setbflag", []string{"NAT_BF"}, 2, -1},
		{"missing branch test false", "isbflagset", []string{"NAT_BF"}, 5, -1},
		{"negative index fails", "setbflag", []string{"NAT_BF"}, -1, -1},
		{"reset RURI", "resetbflag", []string{"NAT_BF"}, -100, 1},
		{"RURI reset", "isbflagset", []string{"NAT_BF"}, -100, -1},
		{"branch 1 untouched", "isbflagset", []string{"NAT_BF"}, 1, 1},
	}
	for _, tt := range tests {
		var got int
		if tt.idx == -100 {
			got = call(t, ctx, tt.fn, S(tt.args[0]))
		} else {
			got = call(t, ctx, tt.fn, S(tt.args[0]), I(tt.idx))
		}
		if got != tt.want {
			t.Fatalf("%s: got %d, want %d", tt.name, got, tt.want)
		}
	}
	if ctx.Flags != 0 {
		t.Fatal("branch flags leaked into message flags")
	}
}

// Message and branch flags are separate name spaces with their own bits.
func TestFlagFixups(t *testing.T) {
	a, err := MsgFlag("FIXUP_A")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := MsgFlag(" FIXUP_A ")
	if a != again {
		t.Fatal("same name got two bits")
	}
	if _, err := MsgFlag(""); err == nil {
		t.Fatal("empty name accepted")
	}
	b, _ := BranchFlag("FIXUP_A")
	if BranchFlagNames(b)[0] != "FIXUP_A" || MsgFlagNames(a)[0] != "FIXUP_A" {
		t.Fatal("names not found back")
	}
}
