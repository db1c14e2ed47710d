package cachedb

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newTestLocal() (*Local, *fakeClock) {
	clk := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	return NewLocal(clk.Now), clk
}

// cache_store then cache_fetch: the value comes back; cache_remove drops it.
func TestLocalSetGetRemove(t *testing.T) {
	l, _ := newTestLocal()
	if _, ok, _ := l.Get("k"); ok {
		t.Fatal("missing key found")
	}
	if err := l.Set("k", "v1", 0); err != nil {
		t.Fatal(err)
	}
	if err := l.Set("k", "v2", 0); err != nil { // cache_store replaces
		t.Fatal(err)
	}
	if v, ok, _ := l.Get("k"); !ok || v != "v2" {
		t.Fatalf("Get = %q %v, want v2 true", v, ok)
	}
	if err := l.Remove("k"); err != nil {
		t.Fatal(err)
	}
	if err := l.Remove("k"); err != nil { // removing a missing key is fine
		t.Fatal(err)
	}
	if _, ok, _ := l.Get("k"); ok {
		t.Fatal("removed key found")
	}
}

// cache_store's timeout: the attribute is purged once its lifetime is over.
func TestLocalTTL(t *testing.T) {
	tests := []struct {
		name    string
		ttl     time.Duration
		advance time.Duration
		found   bool
	}{
		{"no timeout never expires", 0, 1000 * time.Hour, true},
		{"before expiry", 10 * time.Second, 9 * time.Second, true},
		{"at expiry", 10 * time.Second, 10 * time.Second, false},
		{"after expiry", 10 * time.Second, time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, clk := newTestLocal()
			_ = l.Set("k", "v", tt.ttl)
			clk.Advance(tt.advance)
			if _, ok, _ := l.Get("k"); ok != tt.found {
				t.Fatalf("found = %v, want %v", ok, tt.found)
			}
		})
	}
}

// cache_add creates a missing counter with the increment; cache_sub of a
// missing counter creates it with minus the decrement (cachedb_local).
func TestLocalCounters(t *testing.T) {
	tests := []struct {
		name  string
		ops   func(l *Local) (int, error)
		want  int
		fetch int
	}{
		{"add creates", func(l *Local) (int, error) { return l.Add("c", 5, 0) }, 5, 5},
		{"add adds", func(l *Local) (int, error) {
			_, _ = l.Add("c", 5, 0)
			return l.Add("c", 3, 0)
		}, 8, 8},
		{"sub creates negative", func(l *Local) (int, error) { return l.Sub("c", 2, 0) }, -2, -2},
		{"sub subtracts", func(l *Local) (int, error) {
			_ = l.Set("c", "10", 0)
			return l.Sub("c", 4, 0)
		}, 6, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := newTestLocal()
			got, err := tt.ops(l)
			if err != nil || got != tt.want {
				t.Fatalf("got %d %v, want %d", got, err, tt.want)
			}
			n, ok, err := l.GetCounter("c")
			if err != nil || !ok || n != tt.fetch {
				t.Fatalf("GetCounter = %d %v %v, want %d", n, ok, err, tt.fetch)
			}
			if s, _, _ := l.Get("c"); s != strconv.Itoa(tt.fetch) {
				t.Fatalf("counter as string = %q", s)
			}
		})
	}
}

// A counter op on a non-numeric value fails instead of clobbering it.
func TestLocalNotCounter(t *testing.T) {
	l, _ := newTestLocal()
	_ = l.Set("s", "hello", 0)
	if _, err := l.Add("s", 1, 0); !errors.Is(err, ErrNotCounter) {
		t.Fatalf("Add err = %v", err)
	}
	if _, _, err := l.GetCounter("s"); !errors.Is(err, ErrNotCounter) {
		t.Fatalf("GetCounter err = %v", err)
	}
	if v, _, _ := l.Get("s"); v != "hello" {
		t.Fatalf("value changed to %q", v)
	}
	if _, ok, err := l.GetCounter("missing"); ok || err != nil {
		t.Fatalf("missing counter: %v %v", ok, err)
	}
}

// cache_add's expire: > 0 (re)arms the expiry, 0 keeps the one it had; an
// expired counter restarts from the increment.
func TestLocalCounterTTL(t *testing.T) {
	l, clk := newTestLocal()
	_, _ = l.Add("c", 1, 10*time.Second)
	clk.Advance(5 * time.Second)
	_, _ = l.Add("c", 1, 0) // keeps the 10 s deadline
	clk.Advance(5 * time.Second)
	if _, ok, _ := l.GetCounter("c"); ok {
		t.Fatal("counter outlived its expiry")
	}
	if n, _ := l.Add("c", 7, 10*time.Second); n != 7 {
		t.Fatalf("restart = %d, want 7", n)
	}
	clk.Advance(9 * time.Second)
	_, _ = l.Add("c", 1, 10*time.Second) // re-arms
	clk.Advance(9 * time.Second)
	if n, ok, _ := l.GetCounter("c"); !ok || n != 8 {
		t.Fatalf("re-armed counter = %d %v, want 8", n, ok)
	}
}

// cache_clean_period: Sweep drops expired entries only.
func TestLocalSweep(t *testing.T) {
	l, clk := newTestLocal()
	for i := range 100 {
		ttl := time.Duration(0)
		if i%2 == 0 {
			ttl = time.Second
		}
		_ = l.Set(strconv.Itoa(i), "v", ttl)
	}
	if n := l.Sweep(); n != 0 {
		t.Fatalf("early sweep removed %d", n)
	}
	clk.Advance(2 * time.Second)
	if n := l.Sweep(); n != 50 {
		t.Fatalf("sweep removed %d, want 50", n)
	}
	if n := l.Len(); n != 50 {
		t.Fatalf("Len = %d, want 50", n)
	}
}

// Concurrent counters lose no update (run with -race).
func TestLocalConcurrentAdd(t *testing.T) {
	l := NewLocal(nil)
	const workers, each = 16, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, _ = l.Add("shared", 1, 0)
				_ = l.Set("k"+strconv.Itoa(w*each+i), "v", time.Minute)
				_, _, _ = l.Get("k" + strconv.Itoa(i))
				if i%100 == 0 {
					l.Sweep()
				}
			}
		}()
	}
	wg.Wait()
	if n, _, _ := l.GetCounter("shared"); n != workers*each {
		t.Fatalf("counter = %d, want %d", n, workers*each)
	}
}
