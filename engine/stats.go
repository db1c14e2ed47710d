package engine

import "sync/atomic"

// StatSpec is a statistic a module exports (OpenSIPS stat_export_t),
// published under the module's name as group when a script loads the
// module: "tm:UAS_transactions". Modules keep counting in their own
// atomics; the spec only says how to read and reset them, so the engine
// stays free of the statistics package.
type StatSpec struct {
	Name  string
	Value func() int64
	// Reset clears the value for reset_statistics; nil means the value
	// cannot be reset (OpenSIPS STAT_NO_RESET), as for gauges.
	Reset func()
	// Computed marks a value that is not a monotonic count (a gauge,
	// or a parameter shown as a statistic): list_statistics calls it
	// non-incremental and Prometheus types it as a gauge.
	Computed bool
}

// CounterStat exports an atomic counter that only grows between resets.
func CounterStat(name string, c *atomic.Int64) StatSpec {
	return StatSpec{Name: name, Value: c.Load, Reset: func() { c.Store(0) }}
}

// GaugeStat exports a value that goes up and down, which a reset must
// not touch (inuse_transactions, registered_users).
func GaugeStat(name string, value func() int64) StatSpec {
	return StatSpec{Name: name, Value: value, Computed: true}
}
