package pv

import (
	"errors"
	"fmt"
	"strings"

	"switchboard/engine"
)

// Branch fields of $branch(field) and $msg.branch.<field>.
type branchField uint8

const (
	brURI branchField = iota
	brDstURI
	brPath
	brQ
	brFlags
	brSocket
)

var branchFields = map[string]branchField{
	"uri": brURI, "duri": brDstURI, "path": brPath, "q": brQ, "flags": brFlags, "socket": brSocket,
}

func parseBranchField(name string) (any, error) {
	f, ok := branchFields[name]
	if !ok {
		return nil, fmt.Errorf("unknown branch field %q (want uri, duri, path, q, flags or socket)", name)
	}
	return f, nil
}

// branchPVs give access to the branches append_branch and modules add
// (ctx.Branches; index 0 is the first added, -1 the last). $branch
// without a field, and $msg.branch, add a branch when assigned a URI.
func branchPVs() []engine.PVClass {
	classes := []engine.PVClass{
		{Name: "branch", Key: engine.KeyOptional, ParseKey: parseBranchField, Indexed: true,
			Get: func(ctx *engine.Context, k *engine.PVKey) engine.Value { return getBranch(ctx, k, keyField(k)) },
			All: func(ctx *engine.Context, k *engine.PVKey) []engine.Value { return allBranch(ctx, keyField(k)) },
			Set: func(ctx *engine.Context, k *engine.PVKey, v engine.Value, _ bool) error {
				if k.Name == "" {
					return addBranch(ctx, v)
				}
				return setBranch(ctx, k, keyField(k), v)
			}},
		{Name: "msg.branch", Set: func(ctx *engine.Context, _ *engine.PVKey, v engine.Value, _ bool) error { return addBranch(ctx, v) },
			Get: func(ctx *engine.Context, k *engine.PVKey) engine.Value { return getBranch(ctx, k, brURI) }},
		{Name: "msg.branch.last_idx", Get: func(ctx *engine.Context, _ *engine.PVKey) engine.Value {
			if len(ctx.Branches) == 0 {
				return engine.Null
			}
			return engine.Int(len(ctx.Branches) - 1)
		}},
	}
	for name, f := range branchFields {
		classes = append(classes, engine.PVClass{Name: "msg.branch." + name, Indexed: true,
			Get: func(ctx *engine.Context, k *engine.PVKey) engine.Value { return getBranch(ctx, k, f) },
			All: func(ctx *engine.Context, _ *engine.PVKey) []engine.Value { return allBranch(ctx, f) },
			Set: func(ctx *engine.Context, k *engine.PVKey, v engine.Value, _ bool) error {
				return setBranch(ctx, k, f, v)
			},
		})
	}
	return classes
}

func keyField(k *engine.PVKey) branchField {
	if f, ok := k.Data.(branchField); ok {
		return f
	}
	return brURI
}

func branchValue(b *engine.Branch, f branchField) engine.Value {
	switch f {
	case brURI:
		return strOrNull(b.URI)
	case brDstURI:
		return strOrNull(b.DstURI)
	case brPath:
		return strOrNull(b.Path)
	case brQ:
		return engine.Int(b.Q)
	case brFlags:
		return engine.Int(int(b.Flags))
	}
	return strOrNull(b.Socket)
}

func branchAt(ctx *engine.Context, k *engine.PVKey) *engine.Branch {
	i := k.Index
	if i < 0 {
		i += len(ctx.Branches)
	}
	if i < 0 || i >= len(ctx.Branches) {
		return nil
	}
	return &ctx.Branches[i]
}

func getBranch(ctx *engine.Context, k *engine.PVKey, f branchField) engine.Value {
	if k.AllIndexes {
		return joinValues(allBranch(ctx, f))
	}
	b := branchAt(ctx, k)
	if b == nil {
		return engine.Null
	}
	return branchValue(b, f)
}

func allBranch(ctx *engine.Context, f branchField) []engine.Value {
	var out []engine.Value
	for i := range ctx.Branches {
		out = append(out, branchValue(&ctx.Branches[i], f))
	}
	return out
}

func addBranch(ctx *engine.Context, v engine.Value) error {
	if v.String() == "" {
		return errors.New("a new branch needs a URI")
	}
	ctx.Branches = append(ctx.Branches, engine.Branch{URI: v.String(), Q: -1})
	return nil
}

// setBranch changes a field of an existing branch; NULL resets it.
func setBranch(ctx *engine.Context, k *engine.PVKey, f branchField, v engine.Value) error {
	if k.AllIndexes {
		return errors.New("cannot assign to every branch at once")
	}
	b := branchAt(ctx, k)
	if b == nil {
		return fmt.Errorf("no branch at index %d", k.Index)
	}
	switch f {
	case brURI:
		if v.String() == "" {
			return errors.New("the URI of a branch cannot be empty")
		}
		b.URI = v.String()
	case brDstURI:
		b.DstURI = v.String()
	case brPath:
		b.Path = v.String()
	case brSocket:
		b.Socket = v.String()
	case brQ:
		if v.IsNull() {
			b.Q = -1
			return nil
		}
		q, ok := v.AsInt()
		if !ok || q < -1 || q > 1000 {
			return fmt.Errorf("invalid q %q: want 0 to 1000", v.String())
		}
		b.Q = q
	case brFlags:
		n, ok := v.AsInt()
		if v.IsNull() {
			n, ok = 0, true
		}
		if !ok {
			return fmt.Errorf("invalid branch flags %q", v.String())
		}
		b.Flags = uint64(n)
	}
	return nil
}

// flagPVs are $mf, $bf, $msg.flag(name) and $branch.flag(name)[idx].
func flagPVs() []engine.PVClass {
	branchFlag := engine.PVClass{Key: engine.KeyRequired, ParseKey: flagKey(engine.BranchFlags), Indexed: true,
		Get: func(ctx *engine.Context, k *engine.PVKey) engine.Value {
			p, ok := branchFlagsAt(ctx, k)
			if !ok {
				return engine.Null
			}
			return boolValue(*p&flagBit(k) != 0)
		},
		Set: func(ctx *engine.Context, k *engine.PVKey, v engine.Value, _ bool) error {
			p, ok := branchFlagsAt(ctx, k)
			if !ok {
				return fmt.Errorf("no branch at index %d", k.Index)
			}
			setBit(p, flagBit(k), v)
			return nil
		}}
	branchFlagOld, msgBranchFlag := branchFlag, branchFlag
	branchFlagOld.Name, msgBranchFlag.Name = "branch.flag", "msg.branch.flag"
	return []engine.PVClass{
		roPV("mf", func(ctx *engine.Context) engine.Value { return engine.Str(engine.MsgFlags.List(ctx.Flags)) }),
		roPV("bf", func(ctx *engine.Context) engine.Value { return engine.Str(engine.BranchFlags.List(ctx.BranchFlags)) }),
		{Name: "msg.flag", Key: engine.KeyRequired, ParseKey: flagKey(engine.MsgFlags),
			Get: func(ctx *engine.Context, k *engine.PVKey) engine.Value {
				return boolValue(ctx.Flags&flagBit(k) != 0)
			},
			Set: func(ctx *engine.Context, k *engine.PVKey, v engine.Value, _ bool) error {
				setBit(&ctx.Flags, flagBit(k), v)
				return nil
			}},
		branchFlagOld, msgBranchFlag,
	}
}

func flagKey(table *engine.FlagTable) func(string) (any, error) {
	return func(name string) (any, error) {
		return table.Bit(strings.Trim(name, `"`))
	}
}

func flagBit(k *engine.PVKey) uint64 {
	bit, _ := k.Data.(uint64)
	return bit
}

// setBit sets or clears a flag: the value's truth ("1", 1, true) sets it.
func setBit(p *uint64, bit uint64, v engine.Value) {
	if v.Truth() {
		*p |= bit
	} else {
		*p &^= bit
	}
}

// branchFlagsAt returns the flags of branch idx as setbflag(flag, idx)
// counts them: 0 is the Request-URI branch, 1.. the added ones; negative
// counts from the end. [*] is refused, as in OpenSIPS.
func branchFlagsAt(ctx *engine.Context, k *engine.PVKey) (*uint64, bool) {
	if k.AllIndexes {
		return nil, false
	}
	i, size := k.Index, 1+len(ctx.Branches)
	if i < 0 {
		i += size
	}
	switch {
	case i == 0:
		return &ctx.BranchFlags, true
	case i > 0 && i < size:
		return &ctx.Branches[i-1].Flags, true
	}
	return nil, false
}
