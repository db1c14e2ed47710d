// Package stats is the statistics interface: counters and computed
// values under OpenSIPS's names ("core:rcv_requests",
// "tm:UAS_transactions"), read by the MI commands get_statistics,
// list_statistics and reset_statistics and by the prometheus module.
// It is a service below core: it imports nothing of switchboard, so the
// core, the modules and the transports can all reach it.
package stats

import (
	"sync/atomic"
)

// Flags change how a statistic behaves, as OpenSIPS's stat flags do.
type Flags uint8

const (
	// NoReset keeps the value through reset_statistics (OpenSIPS
	// STAT_NO_RESET): gauges such as inuse_transactions, which a reset
	// would make lie.
	NoReset Flags = 1 << iota
)

// Stat is one statistic. A counter holds its value; a computed one
// asks a function each time it is read (OpenSIPS STAT_IS_FUNC), and is
// what list_statistics calls "non-incremental".
type Stat struct {
	group, name string
	flags       Flags
	counter     atomic.Int64
	compute     func() int64
	reset       func()
	incremental bool
}

// Group is the statistic's group ("core", "tm").
func (s *Stat) Group() string { return s.group }

// Name is the statistic's name within its group.
func (s *Stat) Name() string { return s.name }

// FullName is "group:name", the key MI replies use.
func (s *Stat) FullName() string { return s.group + ":" + s.name }

// Incremental reports whether the statistic only grows between resets:
// a counter (or a mirrored one), which Prometheus exposes as a counter;
// computed values and NoReset ones are gauges.
func (s *Stat) Incremental() bool { return s.incremental && s.flags&NoReset == 0 }

// Value reads the statistic.
func (s *Stat) Value() int64 {
	if s.compute != nil {
		return s.compute()
	}
	return s.counter.Load()
}

// Add changes a counter by n. On a computed statistic it does nothing:
// its value belongs to its function.
func (s *Stat) Add(n int64) {
	if s.compute == nil {
		s.counter.Add(n)
	}
}

// Inc adds one.
func (s *Stat) Inc() { s.Add(1) }

// Reset sets the statistic back to zero unless it is NoReset. A
// computed statistic resets through the function its owner gave, if any
// (a module whose counters live in its own atomics).
func (s *Stat) Reset() {
	if s.flags&NoReset != 0 {
		return
	}
	switch {
	case s.reset != nil:
		s.reset()
	case s.compute == nil:
		s.counter.Store(0)
	}
}
