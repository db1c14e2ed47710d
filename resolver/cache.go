package resolver

import (
	"hash/maphash"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// answer is what one question got, after following CNAMEs. It is shared
// between callers through the cache, so nobody may modify it.
type answer struct {
	records []dns.RR // of the asked type, owned by the final name of the chain
	expires time.Time
}

// cacheShards spreads lock contention: a proxy resolves from every worker.
const cacheShards = 16

// cache maps question keys to answers until their TTL runs out. Each shard
// holds at most limit entries; when full it drops expired entries, and if
// none, an arbitrary one, which is cheap and good enough for a cache whose
// entries all expire anyway.
type cache struct {
	seed   maphash.Seed
	limit  int
	shards [cacheShards]cacheShard
}

type cacheShard struct {
	mu      sync.Mutex
	entries map[string]*answer
}

// newCache returns nil for size < 0: every lookup then goes to the wire.
func newCache(size int) *cache {
	if size < 0 {
		return nil
	}
	c := &cache{seed: maphash.MakeSeed(), limit: max(1, size/cacheShards)}
	for i := range c.shards {
		c.shards[i].entries = make(map[string]*answer)
	}
	return c
}

func (c *cache) shard(key string) *cacheShard {
	return &c.shards[maphash.String(c.seed, key)%cacheShards]
}

func (c *cache) get(key string, now time.Time) *answer {
	if c == nil {
		return nil
	}
	s := c.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.entries[key]
	if a == nil {
		return nil
	}
	if !now.Before(a.expires) {
		delete(s.entries, key)
		return nil
	}
	return a
}

func (c *cache) put(key string, a *answer, now time.Time) {
	if c == nil || !now.Before(a.expires) {
		return
	}
	s := c.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.entries[key]; !ok && len(s.entries) >= c.limit {
		s.evict(now)
	}
	s.entries[key] = a
}

// evict makes room for one entry: it sweeps every expired entry (the
// scan is paid only when the shard is full), and drops an arbitrary live
// one if nothing had expired.
func (s *cacheShard) evict(now time.Time) {
	freed := false
	victim := ""
	for k, a := range s.entries {
		switch {
		case !now.Before(a.expires):
			delete(s.entries, k)
			freed = true
		case victim == "":
			victim = k
		}
	}
	if !freed && victim != "" {
		delete(s.entries, victim)
	}
}

// len counts live and not yet swept entries, for tests.
func (c *cache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += len(s.entries)
		s.mu.Unlock()
	}
	return n
}
