package resolver

import (
	"context"
	"sync"
)

// flightGroup coalesces identical questions in flight: when a hundred
// INVITEs to the same domain arrive together, one query leaves. Unlike
// x/sync/singleflight, a waiter stops waiting when its own context ends,
// while the shared query carries on for the others (it is bounded by
// Config.Timeout and Attempts, not by whoever started it).
type flightGroup struct {
	mu      sync.Mutex
	flights map[string]*flight
}

type flight struct {
	done chan struct{}
	ans  *answer
	err  error
}

// do runs fn once for all concurrent callers with the same key.
func (g *flightGroup) do(ctx context.Context, key string, fn func() (*answer, error)) (*answer, error) {
	g.mu.Lock()
	if g.flights == nil {
		g.flights = make(map[string]*flight)
	}
	f, ok := g.flights[key]
	if !ok {
		f = &flight{done: make(chan struct{})}
		g.flights[key] = f
		go func() {
			f.ans, f.err = fn()
			g.mu.Lock()
			delete(g.flights, key)
			g.mu.Unlock()
			close(f.done)
		}()
	}
	g.mu.Unlock()
	select {
	case <-f.done:
		return f.ans, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
