package resolver

import (
	"slices"
	"sync"
	"time"
)

// blacklist remembers targets that failed (a timeout, a refused
// connection) so that the next requests try them last, as OpenSIPS's DNS
// blacklist does. Keyed by transport and address: a host that stopped
// answering on UDP may still answer on TCP.
type blacklist struct {
	mu    sync.Mutex
	limit int
	until map[Target]time.Time
}

func newBlacklist(limit int) *blacklist {
	return &blacklist{limit: limit, until: make(map[Target]time.Time)}
}

// MarkFailed puts t at the end of every list Resolve returns until d has
// passed. Marking again extends the time.
func (r *Resolver) MarkFailed(t Target, d time.Duration) {
	r.blacklist.add(key(t), r.now().Add(d), r.now())
}

func key(t Target) Target { return Target{Proto: t.Proto, Addr: t.Addr} }

func (b *blacklist) add(t Target, until, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.until[t]; !ok && len(b.until) >= b.limit {
		b.sweep(now)
		if len(b.until) >= b.limit {
			return // full of live entries: forgetting one would be arbitrary
		}
	}
	b.until[t] = until
}

func (b *blacklist) sweep(now time.Time) {
	for t, until := range b.until {
		if !now.Before(until) {
			delete(b.until, t)
		}
	}
}

func (b *blacklist) has(t Target, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	until, ok := b.until[key(t)]
	if ok && !now.Before(until) {
		delete(b.until, key(t))
		return false
	}
	return ok
}

// order drops repeated targets (the same address reached through two
// NAPTR or SRV records) and moves blacklisted ones last, keeping the order
// within each group: a blacklisted target is still better than none.
// Lists are a handful of targets, so a linear scan beats a map.
func (r *Resolver) order(targets []Target) []Target {
	now := r.now()
	unique := targets[:0]
	for _, t := range targets {
		if !slices.ContainsFunc(unique, func(u Target) bool { return key(u) == key(t) }) {
			unique = append(unique, t)
		}
	}
	var bad []Target
	good := unique[:0]
	for _, t := range unique {
		if r.blacklist.has(t, now) {
			bad = append(bad, t)
		} else {
			good = append(good, t)
		}
	}
	return append(good, bad...)
}
