package cachedb

import (
	"hash/maphash"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LocalScheme is the URL scheme and storage id of the in-memory backend
// (OpenSIPS cachedb_local).
const LocalScheme = "local"

// DefaultCollection is the collection a "local://" URL with no path uses.
const DefaultCollection = "default"

// localShards spreads keys over this many locks so that workers touching
// different keys rarely wait on each other.
const localShards = 64

// Local is an in-memory cache: a map split into shards, one mutex each.
// Values are strings; counters are strings holding decimal integers, as in
// cachedb_local, so cache_fetch reads a counter too. Expired entries are
// dropped when met and by Sweep.
type Local struct {
	seed   maphash.Seed
	now    func() time.Time
	shards [localShards]localShard
}

type localShard struct {
	mu      sync.Mutex
	entries map[string]localEntry
}

type localEntry struct {
	val     string
	expires int64 // unix nanoseconds; 0: never
}

var _ Engine = (*Local)(nil)

// NewLocal makes an empty cache. now is the clock (time.Now when nil);
// tests pass a fake one to step over TTLs.
func NewLocal(now func() time.Time) *Local {
	if now == nil {
		now = time.Now
	}
	l := &Local{seed: maphash.MakeSeed(), now: now}
	for i := range l.shards {
		l.shards[i].entries = map[string]localEntry{}
	}
	return l
}

func (l *Local) shard(key string) *localShard {
	return &l.shards[maphash.String(l.seed, key)%localShards]
}

func (l *Local) deadline(ttl time.Duration) int64 {
	if ttl <= 0 {
		return 0
	}
	return l.now().Add(ttl).UnixNano()
}

// live returns the entry of key, removing it when it has expired. The
// shard lock must be held.
func (s *localShard) live(key string, now int64) (localEntry, bool) {
	e, ok := s.entries[key]
	if !ok {
		return e, false
	}
	if e.expires != 0 && e.expires <= now {
		delete(s.entries, key)
		return e, false
	}
	return e, true
}

// Get implements Engine.
func (l *Local) Get(key string) (string, bool, error) {
	s := l.shard(key)
	s.mu.Lock()
	e, ok := s.live(key, l.now().UnixNano())
	s.mu.Unlock()
	return e.val, ok, nil
}

// Set implements Engine.
func (l *Local) Set(key, val string, ttl time.Duration) error {
	s := l.shard(key)
	exp := l.deadline(ttl)
	s.mu.Lock()
	s.entries[key] = localEntry{val: val, expires: exp}
	s.mu.Unlock()
	return nil
}

// Remove implements Engine.
func (l *Local) Remove(key string) error {
	s := l.shard(key)
	s.mu.Lock()
	delete(s.entries, key)
	s.mu.Unlock()
	return nil
}

// Add implements Engine.
func (l *Local) Add(key string, delta int, ttl time.Duration) (int, error) {
	s := l.shard(key)
	now := l.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.live(key, now.UnixNano())
	n := delta
	if ok {
		cur, err := strconv.Atoi(strings.TrimSpace(e.val))
		if err != nil {
			return 0, ErrNotCounter
		}
		n = cur + delta
	}
	if ttl > 0 {
		e.expires = now.Add(ttl).UnixNano()
	}
	e.val = strconv.Itoa(n)
	s.entries[key] = e
	return n, nil
}

// Sub implements Engine.
func (l *Local) Sub(key string, delta int, ttl time.Duration) (int, error) {
	return l.Add(key, -delta, ttl)
}

// GetCounter implements Engine.
func (l *Local) GetCounter(key string) (int, bool, error) {
	val, ok, _ := l.Get(key)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(val))
	if err != nil {
		return 0, false, ErrNotCounter
	}
	return n, true, nil
}

// Sweep removes every expired entry and returns how many it removed; the
// core timer calls it every cache_clean_period.
func (l *Local) Sweep() int {
	now := l.now().UnixNano()
	removed := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		for k, e := range s.entries {
			if e.expires != 0 && e.expires <= now {
				delete(s.entries, k)
				removed++
			}
		}
		s.mu.Unlock()
	}
	return removed
}

// Len returns the number of entries, expired ones not yet swept included.
func (l *Local) Len() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += len(s.entries)
		s.mu.Unlock()
	}
	return n
}

// Collections: several local URLs may share one table ("local://" and
// "local:g1:///default" are the same data), as cachedb_local's
// cache_collections do.
var (
	collMu      sync.Mutex
	collections = map[string]*Local{}
)

func localCollection(name string) *Local {
	collMu.Lock()
	defer collMu.Unlock()
	l, ok := collections[name]
	if !ok {
		l = NewLocal(nil)
		collections[name] = l
	}
	return l
}

// LocalCollection returns the local collection called name, creating it.
func LocalCollection(name string) *Local { return localCollection(name) }

// SweepLocal sweeps every local collection and returns how many entries
// it removed.
func SweepLocal() int {
	collMu.Lock()
	all := make([]*Local, 0, len(collections))
	for _, l := range collections {
		all = append(all, l)
	}
	collMu.Unlock()
	n := 0
	for _, l := range all {
		n += l.Sweep()
	}
	return n
}

// openLocal opens "local://", "local:///coll" or "local:group:///coll":
// the path, if any, names the collection.
func openLocal(url string) (Engine, error) {
	_, rest, _ := strings.Cut(url, "://")
	// Anything before the path (a host) means nothing to a local cache.
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[i+1:]
	} else {
		rest = ""
	}
	name := strings.Trim(rest, "/")
	if name == "" {
		name = DefaultCollection
	}
	return localCollection(name), nil
}

func init() { Register(LocalScheme, openLocal) }
