// Package timewheel is a hashed timing wheel: many short timers (SIP
// retransmissions, transaction timeouts) served by one goroutine instead
// of one runtime timer each (DESIGN decision 4).
//
// Time is counted in ticks. A timer due in n ticks goes into slot
// (now+n) mod len(slots) with n/len(slots) full turns still to wait; each
// tick visits one slot. Scheduling and stopping are O(1). Tests drive the
// wheel by calling Advance instead of starting Run, so they need no sleeps.
package timewheel

import (
	"sync"
	"time"
)

// Wheel holds the timers. Its zero value is not usable; call New.
type Wheel struct {
	tick time.Duration

	mu    sync.Mutex
	slots []*Timer // each slot is a doubly linked list, head first
	pos   int      // the slot the next tick visits
}

// Timer is one scheduled call. Stop it to cancel it. A Timer may also be
// a field of its owner's struct, set up once with Init and armed again
// and again with Reset, so that timers cost no allocation.
type Timer struct {
	fn         func()
	slot       int
	rounds     int // full turns of the wheel still to wait
	prev, next *Timer
	queued     bool
	// firing is set while the timer is due and about to run; Stop and
	// Reset clear it, and a cleared timer does not run.
	firing bool
}

// Init sets the function t calls when it fires. Call it once, before the
// first Reset.
func (t *Timer) Init(fn func()) { t.fn = fn }

// New makes a wheel that turns every tick with slots slots: one turn
// covers tick*slots; longer timers wait for more turns.
func New(tick time.Duration, slots int) *Wheel {
	if tick <= 0 || slots <= 0 {
		panic("timewheel: tick and slots must be positive")
	}
	return &Wheel{tick: tick, slots: make([]*Timer, slots)}
}

// Tick returns the wheel's resolution.
func (w *Wheel) Tick() time.Duration { return w.tick }

// Schedule calls fn on the wheel's goroutine once d has passed, rounded
// up to whole ticks (at least one). fn must not block for long: every
// other timer waits behind it.
func (w *Wheel) Schedule(d time.Duration, fn func()) *Timer {
	t := &Timer{fn: fn}
	w.Reset(t, d)
	return t
}

// Reset schedules t (set up with Init) to fire once d has passed, as
// Schedule does; a run of t still waiting is cancelled first.
func (w *Wheel) Reset(t *Timer, d time.Duration) {
	ticks := int((d + w.tick - 1) / w.tick)
	if ticks < 1 {
		ticks = 1
	}
	w.mu.Lock()
	if t.queued {
		w.unlink(t)
	}
	t.firing = false
	// The slot at pos is visited by the next tick, so a timer of one tick
	// goes there.
	t.slot = (w.pos + ticks - 1) % len(w.slots)
	t.rounds = (ticks - 1) / len(w.slots)
	w.push(t)
	w.mu.Unlock()
}

// Pending reports whether t waits to fire.
func (w *Wheel) Pending(t *Timer) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return t.queued || t.firing
}

// Stop cancels t; it reports whether t was still waiting. A nil timer is
// allowed, so callers can stop timers they may not have started.
func (w *Wheel) Stop(t *Timer) bool {
	if t == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if t.firing {
		// Due on the tick being run, not run yet: it will not be.
		t.firing = false
		return true
	}
	if !t.queued {
		return false
	}
	w.unlink(t)
	return true
}

// Advance moves the wheel one tick and runs the timers that are due, in
// the order they were scheduled, without holding the wheel's lock (so a
// callback may schedule or stop timers).
func (w *Wheel) Advance() {
	var due []*Timer
	w.mu.Lock()
	for t := w.slots[w.pos]; t != nil; {
		next := t.next
		if t.rounds == 0 {
			w.unlink(t)
			t.firing = true
			due = append(due, t)
		} else {
			t.rounds--
		}
		t = next
	}
	w.pos = (w.pos + 1) % len(w.slots)
	w.mu.Unlock()
	for _, t := range due {
		// An earlier callback of this tick may have stopped or rearmed t.
		w.mu.Lock()
		run := t.firing
		t.firing = false
		w.mu.Unlock()
		if run {
			t.fn()
		}
	}
}

// Run turns the wheel until stop is closed. It catches up when the
// goroutine was late, so timers keep wall-clock time on average.
func (w *Wheel) Run(stop <-chan struct{}) {
	ticker := time.NewTicker(w.tick)
	defer ticker.Stop()
	next := time.Now().Add(w.tick)
	for {
		select {
		case <-stop:
			return
		case now := <-ticker.C:
			for !next.After(now) {
				w.Advance()
				next = next.Add(w.tick)
			}
		}
	}
}

// push appends t to its slot's list; the caller holds mu. Appending keeps
// timers of one slot in scheduling order.
func (w *Wheel) push(t *Timer) {
	t.queued = true
	head := w.slots[t.slot]
	if head == nil {
		w.slots[t.slot] = t
		t.prev = t // the head's prev is the tail
		return
	}
	tail := head.prev
	tail.next = t
	t.prev = tail
	head.prev = t
}

// unlink removes t from its slot's list; the caller holds mu.
func (w *Wheel) unlink(t *Timer) {
	head := w.slots[t.slot]
	switch {
	case head == t && t.next == nil:
		w.slots[t.slot] = nil
	case head == t:
		t.next.prev = t.prev
		w.slots[t.slot] = t.next
	default:
		t.prev.next = t.next
		if t.next != nil {
			t.next.prev = t.prev
		} else {
			head.prev = t.prev
		}
	}
	t.prev, t.next, t.queued = nil, nil, false
}
