package engine

import (
	"fmt"
	"math/bits"
	"strings"
	"sync"
)

// MaxFlags is how many distinct names each flag kind may have: the width
// of Context.Flags. OpenSIPS allows 32 (flag_t is 32 bits); a script that
// fits OpenSIPS fits here.
const MaxFlags = 64

// FlagTable gives each flag name a bit the first time it is seen, like
// OpenSIPS's get_flag_id_by_name. Numbers are names too: in OpenSIPS 3
// setflag(3) is the flag named "3", not bit 3. A table is shared by all
// scripts a process loads, so a reload keeps the bits that modules
// (usrloc's nat_bflag...) already resolved.
type FlagTable struct {
	kind  string
	mu    sync.RWMutex
	bits  map[string]uint64
	names []string // by bit index
}

// MsgFlags and BranchFlags are the process's flag names: setflag, $mf and
// $msg.flag use the first, setbflag, $bf and $branch.flag the second.
var (
	MsgFlags    = &FlagTable{kind: "message flag", bits: map[string]uint64{}}
	BranchFlags = &FlagTable{kind: "branch flag", bits: map[string]uint64{}}
)

// Bit returns the bit mask of the flag called name, giving it the next
// free bit if it is new.
func (t *FlagTable) Bit(name string) (uint64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, fmt.Errorf("empty %s name", t.kind)
	}
	t.mu.RLock()
	b, ok := t.bits[name]
	t.mu.RUnlock()
	if ok {
		return b, nil
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
	b = uint64(1) << len(t.names)
	t.bits[name] = b
	t.names = append(t.names, name)
	return b, nil
}

// Names returns the names of the flags set in mask, in bit order.
func (t *FlagTable) Names(mask uint64) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
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

// List returns Names separated by spaces, as $mf and $bf print them.
func (t *FlagTable) List(mask uint64) string { return strings.Join(t.Names(mask), " ") }
