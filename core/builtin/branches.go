package builtin

import (
	"fmt"
	"strconv"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// MaxBranches is how many branches a message may have, the Request-URI
// branch included (OpenSIPS MAX_BRANCHES).
const MaxBranches = 12

// parseQ parses a q-value ("0.5", "1", "0.125") into thousandths, as
// engine.Branch.Q holds it.
func parseQ(s string) (int, error) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if (whole != "0" && whole != "1") || len(frac) > 3 {
		return 0, fmt.Errorf("bad q-value %q: want 0 to 1 with at most 3 decimals", s)
	}
	q := 0
	if whole == "1" {
		q = 1000
	}
	if frac != "" {
		n, err := strconv.Atoi(frac + strings.Repeat("0", 3-len(frac)))
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad q-value %q", s)
		}
		q += n
	}
	if q > 1000 {
		return 0, fmt.Errorf("bad q-value %q: above 1", s)
	}
	return q, nil
}

func fixupQ(s string) (any, error) { return parseQ(s) }

// qArg returns the q-value argument in thousandths, -1 when absent; ok is
// false when it is not a q-value.
func qArg(a engine.Arg) (q int, ok bool) {
	if !a.Set {
		return -1, true
	}
	if q, isInt := a.Fixed.(int); isInt {
		return q, true
	}
	q, err := parseQ(a.Str)
	return q, err == nil
}

// ruriBranch is the Request-URI branch as a Branch, with its forced send
// socket (force_send_socket). Its q and path stay empty.
func ruriBranch(ctx *engine.Context) engine.Branch {
	return engine.Branch{URI: ctx.Msg.NewRequestURI(), DstURI: ctx.DstURI, Q: -1, Flags: ctx.BranchFlags, Socket: ctx.Socket}
}

func setRURIBranch(ctx *engine.Context, b engine.Branch) {
	ctx.Msg.SetRequestURI(b.URI)
	ctx.DstURI = b.DstURI
	ctx.BranchFlags = b.Flags
	ctx.Socket = b.Socket
}

func appendBranch(ctx *engine.Context, b engine.Branch) int {
	if len(ctx.Branches)+1 >= MaxBranches {
		return -1
	}
	ctx.Branches = append(ctx.Branches, b)
	return 1
}

func branchFunctions() []engine.Function {
	qSpec := engine.ArgSpec{Kind: engine.ArgStr, Optional: true, Fixup: fixupQ}
	return []engine.Function{
		// append_msg_branch(uri, [qvalue], [flags]): a branch with just a
		// URI, or, with the "i" (inherit) flag, the Request-URI branch's
		// destination and branch flags too.
		{Name: "append_msg_branch", Args: []engine.ArgSpec{
			{Kind: engine.ArgStr}, qSpec, {Kind: engine.ArgStr, Optional: true},
		}, Run: func(ctx *engine.Context, a []engine.Arg) int {
			q, ok := qArg(opt(a, 1))
			if !ok || ctx.Msg == nil {
				return -1
			}
			if _, err := sip.ParseURI(a[0].Str); err != nil {
				return -1
			}
			b := engine.Branch{URI: a[0].Str, Q: q}
			if f := opt(a, 2); f.Set && strings.Contains(f.Str, "i") {
				b.DstURI, b.Flags, b.Socket = ctx.DstURI, ctx.BranchFlags, ctx.Socket
			}
			return appendBranch(ctx, b)
		}},
		appendBranchOld("append_branch_old"),
		// The 3.6 manual still documents append_branch (to become
		// obsolete); scripts written for 3.x use it.
		appendBranchOld("append_branch"),
		{Name: "remove_msg_branch", Args: []engine.ArgSpec{{Kind: engine.ArgInt}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				i := a[0].Int
				if i < 0 || i >= len(ctx.Branches) {
					return -1
				}
				ctx.Branches = append(ctx.Branches[:i], ctx.Branches[i+1:]...)
				return 1
			}},
		{Name: "move_msg_branch", Args: []engine.ArgSpec{
			{Kind: engine.ArgInt, Optional: true}, {Kind: engine.ArgInt, Optional: true},
			{Kind: engine.ArgStr, Optional: true},
		}, Run: moveBranch},
		{Name: "swap_msg_branches", Args: []engine.ArgSpec{
			{Kind: engine.ArgInt, Optional: true}, {Kind: engine.ArgInt, Optional: true},
		}, Run: swapBranches},
	}
}

// appendBranchOld is the 1.x-3.x append_branch([uri], [qvalue]): without
// a URI the Request-URI branch is copied into a new branch and its
// destination, q, branch flags and forced socket are reset; with one, the
// new branch has that URI and the Request-URI branch's destination, flags
// and forced socket.
func appendBranchOld(name string) engine.Function {
	return engine.Function{Name: name, Args: []engine.ArgSpec{
		{Kind: engine.ArgStr, Optional: true},
		{Kind: engine.ArgStr, Optional: true, Fixup: fixupQ},
	}, Run: func(ctx *engine.Context, a []engine.Arg) int {
		q, ok := qArg(opt(a, 1))
		if !ok || ctx.Msg == nil {
			return -1
		}
		b := ruriBranch(ctx)
		b.Q = q
		if opt(a, 0).Set {
			if _, err := sip.ParseURI(a[0].Str); err != nil {
				return -1
			}
			b.URI = a[0].Str
			return appendBranch(ctx, b)
		}
		rc := appendBranch(ctx, b)
		if rc > 0 {
			ctx.DstURI, ctx.BranchFlags, ctx.Socket = "", 0, ""
		}
		return rc
	}}
}

// branchIndex reads an optional branch index of move/swap: absent or
// negative is the Request-URI branch (-1), i >= 0 the i-th appended one.
func branchIndex(ctx *engine.Context, a engine.Arg) (int, bool) {
	if !a.Set || a.Int < 0 {
		return -1, true
	}
	return a.Int, a.Int < len(ctx.Branches)
}

func getBranch(ctx *engine.Context, i int) engine.Branch {
	if i < 0 {
		return ruriBranch(ctx)
	}
	return ctx.Branches[i]
}

func putBranch(ctx *engine.Context, i int, b engine.Branch) {
	if i < 0 {
		setRURIBranch(ctx, b)
		return
	}
	ctx.Branches[i] = b
}

// moveBranch is move_msg_branch([src], [dst] [, "keep"]): copy src over
// dst, then remove src unless "keep" is given or src is the Request-URI
// branch, which cannot be removed.
func moveBranch(ctx *engine.Context, a []engine.Arg) int {
	src, okSrc := branchIndex(ctx, opt(a, 0))
	dst, okDst := branchIndex(ctx, opt(a, 1))
	if !okSrc || !okDst || ctx.Msg == nil {
		return -1
	}
	if src == dst {
		return 1
	}
	putBranch(ctx, dst, getBranch(ctx, src))
	keep := opt(a, 2).Set && strings.EqualFold(strings.TrimSpace(opt(a, 2).Str), "keep")
	if !keep && src >= 0 {
		ctx.Branches = append(ctx.Branches[:src], ctx.Branches[src+1:]...)
	}
	return 1
}

// swapBranches is swap_msg_branches([br1], [br2]).
func swapBranches(ctx *engine.Context, a []engine.Arg) int {
	x, okX := branchIndex(ctx, opt(a, 0))
	y, okY := branchIndex(ctx, opt(a, 1))
	if !okX || !okY || ctx.Msg == nil {
		return -1
	}
	if x == y {
		return 1
	}
	bx, by := getBranch(ctx, x), getBranch(ctx, y)
	putBranch(ctx, x, by)
	putBranch(ctx, y, bx)
	return 1
}
