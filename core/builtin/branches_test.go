package builtin

import (
	"testing"

	"switchboard/engine"
)

func uris(ctx *engine.Context) []string {
	out := []string{ctx.Msg.NewRequestURI()}
	for _, b := range ctx.Branches {
		out = append(out, b.URI)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// append_msg_branch adds a branch with a URI and optional q; the "i" flag
// inherits the R-URI branch's destination and flags.
func TestAppendMsgBranch(t *testing.T) {
	ctx := newCtx(t)
	ctx.DstURI, ctx.BranchFlags = "sip:proxy", 4
	tests := []struct {
		name string
		args []engine.Arg
		want int
		last engine.Branch
	}{
		{"uri only", []engine.Arg{S("sip:a@h")}, 1, engine.Branch{URI: "sip:a@h", Q: -1}},
		{"with q", []engine.Arg{S("sip:b@h"), S("0.5")}, 1, engine.Branch{URI: "sip:b@h", Q: 500}},
		{"inherit", []engine.Arg{S("sip:c@h"), {}, S("i")}, 1,
			engine.Branch{URI: "sip:c@h", Q: -1, DstURI: "sip:proxy", Flags: 4}},
		{"bad uri", []engine.Arg{S("nope")}, -1, engine.Branch{URI: "sip:c@h", Q: -1, DstURI: "sip:proxy", Flags: 4}},
		{"bad q at run time", []engine.Arg{S("sip:d@h"), {Str: "7", Set: true, Fixed: nil}}, -1,
			engine.Branch{URI: "sip:c@h", Q: -1, DstURI: "sip:proxy", Flags: 4}},
	}
	for _, tt := range tests {
		f := fn(t, "append_msg_branch")
		args := make([]engine.Arg, 3)
		copy(args, tt.args)
		if got := f.Run(ctx, args); got != tt.want {
			t.Fatalf("%s: rc %d, want %d", tt.name, got, tt.want)
		}
		if got := ctx.Branches[len(ctx.Branches)-1]; got != tt.last {
			t.Fatalf("%s: last branch %+v, want %+v", tt.name, got, tt.last)
		}
	}
}

// MAX_BRANCHES counts the R-URI branch: 11 appended branches at most.
func TestAppendBranchLimit(t *testing.T) {
	ctx := newCtx(t)
	for i := 1; i < MaxBranches; i++ {
		if call(t, ctx, "append_msg_branch", S("sip:x@h")) != 1 {
			t.Fatalf("branch %d refused", i)
		}
	}
	if call(t, ctx, "append_msg_branch", S("sip:x@h")) != -1 {
		t.Fatal("branch beyond MAX_BRANCHES accepted")
	}
}

// append_branch() copies the R-URI branch and resets its destination and
// flags; append_branch(uri) adds uri with the R-URI branch's destination.
func TestAppendBranchOld(t *testing.T) {
	for _, name := range []string{"append_branch", "append_branch_old"} {
		t.Run(name, func(t *testing.T) {
			ctx := newCtx(t)
			ctx.DstURI, ctx.BranchFlags = "sip:proxy", 2
			ruri := ctx.Msg.NewRequestURI()
			if call(t, ctx, name) != 1 {
				t.Fatal("append failed")
			}
			want := engine.Branch{URI: ruri, DstURI: "sip:proxy", Flags: 2, Q: -1}
			if ctx.Branches[0] != want || ctx.DstURI != "" || ctx.BranchFlags != 0 {
				t.Fatalf("got %+v du %q bf %d", ctx.Branches[0], ctx.DstURI, ctx.BranchFlags)
			}
			ctx.DstURI = "sip:p2"
			if call(t, ctx, name, S("sip:c@d"), S("1")) != 1 {
				t.Fatal("append uri failed")
			}
			want = engine.Branch{URI: "sip:c@d", DstURI: "sip:p2", Q: 1000}
			if ctx.Branches[1] != want || ctx.DstURI != "sip:p2" {
				t.Fatalf("got %+v", ctx.Branches[1])
			}
		})
	}
}

func threeBranches(t *testing.T) *engine.Context {
	ctx := newCtx(t)
	for _, u := range []string{"sip:b0@h", "sip:b1@h", "sip:b2@h"} {
		call(t, ctx, "append_msg_branch", S(u))
	}
	return ctx
}

// remove_msg_branch(i) removes appended branch i (0-based) and shifts the
// following ones down.
func TestRemoveMsgBranch(t *testing.T) {
	r := "sip:alice:pw@example.com:5070;transport=udp"
	tests := []struct {
		name string
		idx  int
		want int
		uris []string
	}{
		{"first", 0, 1, []string{r, "sip:b1@h", "sip:b2@h"}},
		{"middle shifts", 1, 1, []string{r, "sip:b0@h", "sip:b2@h"}},
		{"last", 2, 1, []string{r, "sip:b0@h", "sip:b1@h"}},
		{"out of range", 3, -1, []string{r, "sip:b0@h", "sip:b1@h", "sip:b2@h"}},
		{"negative", -1, -1, []string{r, "sip:b0@h", "sip:b1@h", "sip:b2@h"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := threeBranches(t)
			if got := call(t, ctx, "remove_msg_branch", I(tt.idx)); got != tt.want {
				t.Fatalf("rc %d, want %d", got, tt.want)
			}
			if got := uris(ctx); !equal(got, tt.uris) {
				t.Fatalf("branches %v, want %v", got, tt.uris)
			}
		})
	}
}

// move_msg_branch / swap_msg_branches: a missing or negative index is the
// message (R-URI) branch; move removes its source unless "keep".
func TestMoveSwapBranches(t *testing.T) {
	r := "sip:alice:pw@example.com:5070;transport=udp"
	none := engine.Arg{}
	tests := []struct {
		name string
		fn   string
		args []engine.Arg
		want int
		uris []string
	}{
		{"move branch to ruri", "move_msg_branch", []engine.Arg{I(1)}, 1, []string{"sip:b1@h", "sip:b0@h", "sip:b2@h"}},
		{"move keep", "move_msg_branch", []engine.Arg{I(1), none, S("keep")}, 1, []string{"sip:b1@h", "sip:b0@h", "sip:b1@h", "sip:b2@h"}},
		{"move ruri to branch", "move_msg_branch", []engine.Arg{none, I(2)}, 1, []string{r, "sip:b0@h", "sip:b1@h", r}},
		{"move branch to branch", "move_msg_branch", []engine.Arg{I(0), I(2)}, 1, []string{r, "sip:b1@h", "sip:b0@h"}},
		{"move same is nop", "move_msg_branch", []engine.Arg{I(1), I(1)}, 1, []string{r, "sip:b0@h", "sip:b1@h", "sip:b2@h"}},
		{"move out of range", "move_msg_branch", []engine.Arg{I(7)}, -1, []string{r, "sip:b0@h", "sip:b1@h", "sip:b2@h"}},
		{"swap ruri and branch", "swap_msg_branches", []engine.Arg{none, I(2)}, 1, []string{"sip:b2@h", "sip:b0@h", "sip:b1@h", r}},
		{"swap branches", "swap_msg_branches", []engine.Arg{I(0), I(1)}, 1, []string{r, "sip:b1@h", "sip:b0@h", "sip:b2@h"}},
		{"swap out of range", "swap_msg_branches", []engine.Arg{I(0), I(3)}, -1, []string{r, "sip:b0@h", "sip:b1@h", "sip:b2@h"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := threeBranches(t)
			if got := call(t, ctx, tt.fn, tt.args...); got != tt.want {
				t.Fatalf("rc %d, want %d", got, tt.want)
			}
			if got := uris(ctx); !equal(got, tt.uris) {
				t.Fatalf("branches %v, want %v", got, tt.uris)
			}
		})
	}
}

// q-values are 0..1 with at most three decimals, kept in thousandths.
func TestParseQ(t *testing.T) {
	good := map[string]int{"0": 0, "1": 1000, "0.5": 500, "0.125": 125, "1.0": 1000, "0.05": 50}
	for s, want := range good {
		if q, err := parseQ(s); err != nil || q != want {
			t.Errorf("parseQ(%q) = %d %v, want %d", s, q, err, want)
		}
	}
	for _, s := range []string{"", "2", "1.5", "0.1234", "-0.1", "abc", "0.x"} {
		if _, err := parseQ(s); err == nil {
			t.Errorf("parseQ(%q) accepted", s)
		}
	}
}
