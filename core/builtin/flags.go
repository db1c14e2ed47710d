package builtin

import (
	"fmt"
	"math/bits"
	"strings"
	"sync"

	"switchboard/engine"
)

// MaxFlags is how many distinct names each flag kind may have: the width
// of engine.Context.Flags. OpenSIPS allows 32 (flag_t is 32 bits); a
// script that fits OpenSIPS fits here.
const MaxFlags = 64

// flagTable gives each flag name a bit the first time it is seen, like
// OpenSIPS's get_flag_id_by_name. Numbers are names too: in OpenSIPS 3
// setflag(3) is the flag named "3", not bit 3. The table is shared by all
// scripts a process loads, so a reload keeps the bits that modules
// (usrloc's nat_bflag...) already resolved.
type flagTable struct {
	kind  string
	mu    sync.Mutex
	bits  map[string]uint64
	names []string // by bit index
}

var (
	msgFlags    = &flagTable{kind: "message flag", bits: map[string]uint64{}}
	branchFlags = &flagTable{kind: "branch flag", bits: map[string]uint64{}}
)

func (t *flagTable) bit(name string) (uint64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, fmt.Errorf("empty %s name", t.kind)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if b, ok := t.bits[name]; ok {
		return b, nil
	}
	if len(t.names) >= MaxFlags {
		return 0, fmt.Errorf("too many %ss: %q would be number %d, at most %d names are allowed",
			t.kind, name, len(t.names)+1, MaxFlags)
	}
	b := uint64(1) << len(t.names)
	t.bits[name] = b
	t.names = append(t.names, name)
	return b, nil
}

func (t *flagTable) list(mask uint64) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for mask != 0 {
		i := bits.TrailingZeros64(mask)
		mask &^= 1 << i
		if i < len(t.names) {
			out = append(out, t.names[i])
		}
	}
	return out
}

// MsgFlag returns the bit of the message flag called name, giving it one
// if it is new. Modules use it for flag-valued parameters.
func MsgFlag(name string) (uint64, error) { return msgFlags.bit(name) }

// BranchFlag is MsgFlag for branch flags.
func BranchFlag(name string) (uint64, error) { return branchFlags.bit(name) }

// MsgFlagNames returns the names of the message flags set in mask ($mf).
func MsgFlagNames(mask uint64) []string { return msgFlags.list(mask) }

// BranchFlagNames returns the names of the branch flags set in mask ($bf).
func BranchFlagNames(mask uint64) []string { return branchFlags.list(mask) }

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
