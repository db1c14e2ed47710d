package timewheel

import (
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestScheduleFiresOnItsTick(t *testing.T) {
	tests := []struct {
		name  string
		delay time.Duration
		want  int // the tick (1-based) it fires on
	}{
		{"zero is one tick", 0, 1},
		{"one tick", 10 * time.Millisecond, 1},
		{"rounded up", 11 * time.Millisecond, 2},
		{"last slot of the first turn", 80 * time.Millisecond, 8},
		{"second turn", 90 * time.Millisecond, 9},
		{"several turns", 250 * time.Millisecond, 25},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := New(10*time.Millisecond, 8)
			w.Advance() // start from a slot other than 0
			fired := 0
			w.Schedule(tc.delay, func() { fired++ })
			for tick := 1; tick <= 40; tick++ {
				w.Advance()
				if fired == 1 {
					if tick != tc.want {
						t.Fatalf("fired on tick %d, want %d", tick, tc.want)
					}
					return
				}
			}
			t.Fatal("never fired")
		})
	}
}

func TestStopAndOrder(t *testing.T) {
	w := New(time.Millisecond, 4)
	var order []int
	a := w.Schedule(2*time.Millisecond, func() { order = append(order, 1) })
	w.Schedule(2*time.Millisecond, func() { order = append(order, 2) })
	c := w.Schedule(2*time.Millisecond, func() { order = append(order, 3) })
	w.Schedule(2*time.Millisecond, func() { order = append(order, 4) })
	if !w.Stop(c) || w.Stop(c) {
		t.Fatal("Stop should report true once")
	}
	if !w.Stop(a) {
		t.Fatal("stopping the head failed")
	}
	w.Stop(nil)
	// A callback may schedule: the new timer lands on a later tick.
	w.Schedule(time.Millisecond, func() {
		w.Schedule(time.Millisecond, func() { order = append(order, 5) })
	})
	for range 4 {
		w.Advance()
	}
	if !slices.Equal(order, []int{2, 4, 5}) {
		t.Fatalf("order %v", order)
	}
}

func TestRun(t *testing.T) {
	w := New(time.Millisecond, 16)
	stop := make(chan struct{})
	defer close(stop)
	go w.Run(stop)
	done := make(chan struct{})
	w.Schedule(5*time.Millisecond, func() { close(done) })
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("the running wheel did not fire")
	}
}

func TestResetEmbeddedTimer(t *testing.T) {
	tests := []struct {
		name string
		// run arms a and b (both Init-ed to record the tick they fire
		// on) before the wheel turns.
		run  func(w *Wheel, a, b *Timer)
		want []string
	}{
		{"fires once per reset", func(w *Wheel, a, _ *Timer) {
			w.Reset(a, 2*time.Millisecond)
		}, []string{"a@2"}},
		{"reset while pending moves it", func(w *Wheel, a, _ *Timer) {
			w.Reset(a, 2*time.Millisecond)
			w.Reset(a, 4*time.Millisecond)
		}, []string{"a@4"}},
		{"stopped does not fire", func(w *Wheel, a, _ *Timer) {
			w.Reset(a, 2*time.Millisecond)
			if !w.Stop(a) || w.Stop(a) {
				panic("Stop should report true once")
			}
		}, nil},
		{"stopped by an earlier callback of the same tick", func(w *Wheel, a, b *Timer) {
			a.Init(func() { w.Stop(b) })
			w.Reset(a, 2*time.Millisecond)
			w.Reset(b, 2*time.Millisecond)
		}, nil},
		{"rearmed by an earlier callback of the same tick runs later, once", func(w *Wheel, a, b *Timer) {
			a.Init(func() { w.Reset(b, 3*time.Millisecond) })
			w.Reset(a, 2*time.Millisecond)
			w.Reset(b, 2*time.Millisecond)
		}, []string{"b@5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := New(time.Millisecond, 4)
			tick := 0
			var got []string
			var a, b Timer
			a.Init(func() { got = append(got, "a@"+strconv.Itoa(tick)) })
			b.Init(func() { got = append(got, "b@"+strconv.Itoa(tick)) })
			tc.run(w, &a, &b)
			for tick = 1; tick <= 12; tick++ {
				w.Advance()
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("fired %v, want %v", got, tc.want)
			}
			if w.Pending(&a) || w.Pending(&b) {
				t.Fatal("a timer is still pending")
			}
		})
	}
}
