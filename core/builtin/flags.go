package builtin

import (
	"switchboard/engine"
)

// MsgFlag returns the bit of the message flag called name, giving it one
// if it is new. Modules use it for flag-valued parameters.
func MsgFlag(name string) (uint64, error) { return engine.MsgFlags.Bit(name) }

// BranchFlag is MsgFlag for branch flags.
func BranchFlag(name string) (uint64, error) { return engine.BranchFlags.Bit(name) }

// MsgFlagNames returns the names of the message flags set in mask ($mf).
func MsgFlagNames(mask uint64) []string { return engine.MsgFlags.Names(mask) }

// BranchFlagNames returns the names of the branch flags set in mask ($bf).
func BranchFlagNames(mask uint64) []string { return engine.BranchFlags.Names(mask) }

func fixupMsgFlag(s string) (any, error)    { return MsgFlag(s) }
func fixupBranchFlag(s string) (any, error) { return BranchFlag(s) }

func flagFunctions() []engine.Function {
	msg := []engine.ArgSpec{{Kind: engine.ArgStatic, Fixup: fixupMsgFlag}}
	br := []engine.ArgSpec{
		{Kind: engine.ArgStatic, Fixup: fixupBranchFlag},
		{Kind: engine.ArgInt, Optional: true},
	}
	return []engine.Function{
		{Name: "setflag", Args: msg, Run: func(ctx *engine.Context, a []engine.Arg) int {
			ctx.Flags |= a[0].Fixed.(uint64)
			return 1
		}},
		{Name: "resetflag", Args: msg, Run: func(ctx *engine.Context, a []engine.Arg) int {
			ctx.Flags &^= a[0].Fixed.(uint64)
			return 1
		}},
		{Name: "isflagset", Args: msg, Run: func(ctx *engine.Context, a []engine.Arg) int {
			return truth(ctx.Flags&a[0].Fixed.(uint64) != 0)
		}},
		{Name: "setbflag", Args: br, Run: func(ctx *engine.Context, a []engine.Arg) int {
			f := branchFlagsOf(ctx, a)
			if f == nil {
				return -1
			}
			*f |= a[0].Fixed.(uint64)
			return 1
		}},
		{Name: "resetbflag", Args: br, Run: func(ctx *engine.Context, a []engine.Arg) int {
			f := branchFlagsOf(ctx, a)
			if f == nil {
				return -1
			}
			*f &^= a[0].Fixed.(uint64)
			return 1
		}},
		{Name: "isbflagset", Args: br, Run: func(ctx *engine.Context, a []engine.Arg) int {
			f := branchFlagsOf(ctx, a)
			return truth(f != nil && *f&a[0].Fixed.(uint64) != 0)
		}},
	}
}

// branchFlagsOf returns the flags of the branch a[1] names: 0 (or absent)
// is the Request-URI branch, i > 0 the i-th appended one; nil when there
// is no such branch.
func branchFlagsOf(ctx *engine.Context, a []engine.Arg) *uint64 {
	idx := 0
	if b := opt(a, 1); b.Set {
		idx = b.Int
	}
	switch {
	case idx == 0:
		return &ctx.BranchFlags
	case idx > 0 && idx <= len(ctx.Branches):
		return &ctx.Branches[idx-1].Flags
	}
	return nil
}

func truth(b bool) int {
	if b {
		return 1
	}
	return -1
}
