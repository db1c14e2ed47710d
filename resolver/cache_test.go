package resolver

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestCache(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		config  Config
		host    string
		qtype   uint16
		advance time.Duration // between the two lookups
		queries int           // expected on the wire
	}{
		{name: "positive hit", host: "plain.test", qtype: dns.TypeA, advance: 299 * time.Second, queries: 1},
		{name: "positive expired by TTL", host: "plain.test", qtype: dns.TypeA, advance: 300 * time.Second, queries: 2},
		{name: "MaxTTL caps a long TTL", config: Config{MaxTTL: time.Minute}, host: "plain.test", qtype: dns.TypeA,
			advance: 61 * time.Second, queries: 2},
		{name: "MinTTL stretches a short TTL", config: Config{MinTTL: 10 * time.Second}, host: "short.test", qtype: dns.TypeA,
			advance: 9 * time.Second, queries: 1},
		{name: "short TTL without MinTTL expires", host: "short.test", qtype: dns.TypeA, advance: 2 * time.Second, queries: 2},
		{name: "NXDOMAIN cached", host: "nx.test", qtype: dns.TypeA, advance: 29 * time.Second, queries: 1},
		{name: "NXDOMAIN kept at most NegativeTTL", host: "nx.test", qtype: dns.TypeA, advance: 30 * time.Second, queries: 2},
		{name: "NXDOMAIN kept at most the SOA minimum", config: Config{NegativeTTL: time.Hour}, host: "nx.test", qtype: dns.TypeA,
			advance: 61 * time.Second, queries: 2},
		{name: "NODATA cached", host: "plain.test", qtype: dns.TypeNAPTR, advance: 29 * time.Second, queries: 1},
		{name: "SERVFAIL not cached", config: Config{Attempts: 1}, host: "servfail.test", qtype: dns.TypeA, queries: 2},
		{name: "cache disabled", config: Config{CacheSize: -1}, host: "plain.test", qtype: dns.TypeA, queries: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, s, clock := newTestResolver(t, tt.config)
			_, err1 := r.lookup(ctx, tt.host, tt.qtype)
			clock.Advance(tt.advance)
			_, err2 := r.lookup(ctx, tt.host, tt.qtype)
			if (err1 == nil) != (err2 == nil) {
				t.Errorf("errors differ: %v, %v", err1, err2)
			}
			if n := s.count(tt.host, tt.qtype); n != tt.queries {
				t.Errorf("queries = %d, want %d", n, tt.queries)
			}
		})
	}
}

// Resolving the same URI twice asks nothing the second time, across all
// of NAPTR, SRV and A.
func TestResolveCacheHits(t *testing.T) {
	r, s, _ := newTestResolver(t, Config{TryNAPTR: true})
	u := mustURI(t, "sip:naptr.test")
	if _, err := r.Resolve(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	first := s.total()
	if _, err := r.Resolve(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if s.total() != first {
		t.Errorf("second Resolve sent %d queries, want 0", s.total()-first)
	}
	if first != 7 { // NAPTR, 3 SRV, 3 A
		t.Errorf("first Resolve sent %d queries, want 7", first)
	}
}

func TestCacheSizeBound(t *testing.T) {
	c := newCache(64)
	now := time.Unix(0, 0)
	for i := range 10000 {
		c.put(fmt.Sprint("name", i), &answer{expires: now.Add(time.Hour)}, now)
	}
	if n := c.len(); n > 64 {
		t.Errorf("cache holds %d entries, bound 64", n)
	}
}

// A full shard sweeps its expired entries before it drops a live one.
func TestCacheEvictsExpiredFirst(t *testing.T) {
	now := time.Unix(0, 0)
	s := cacheShard{entries: map[string]*answer{
		"old":  {expires: now.Add(-time.Second)},
		"live": {expires: now.Add(time.Hour)},
	}}
	s.evict(now)
	if _, ok := s.entries["live"]; !ok || len(s.entries) != 1 {
		t.Errorf("after evict: %v, want only live", s.entries)
	}
}

func TestTimeout(t *testing.T) {
	tests := []struct {
		name    string
		config  Config
		ctx     time.Duration
		wantErr error
		within  time.Duration
	}{
		{name: "Timeout per try", config: Config{Timeout: 50 * time.Millisecond, Attempts: 2},
			ctx: time.Minute, wantErr: ErrServer, within: time.Second},
		{name: "ctx deadline before Timeout", config: Config{Timeout: 5 * time.Second},
			ctx: 50 * time.Millisecond, wantErr: context.DeadlineExceeded, within: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, _ := newTestResolver(t, tt.config)
			ctx, cancel := context.WithTimeout(context.Background(), tt.ctx)
			defer cancel()
			start := time.Now()
			_, err := r.Resolve(ctx, mustURI(t, "sip:slow.test:5060"))
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if d := time.Since(start); d > tt.within {
				t.Errorf("took %v, want under %v", d, tt.within)
			}
		})
	}
}

// N concurrent Resolve calls for one name send one query.
func TestCoalescing(t *testing.T) {
	r, s, _ := newTestResolver(t, Config{Timeout: 2 * time.Second})
	s.configure(func(s *testServer) { s.delay["plain.test."] = 200 * time.Millisecond })
	const n = 50
	u := mustURI(t, "sip:plain.test:5060")
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		go func() {
			<-start
			got, err := r.Resolve(context.Background(), u)
			if err == nil && (len(got) != 1 || got[0].String() != "udp:192.0.2.10:5060") {
				err = fmt.Errorf("got %v", targetStrings(got))
			}
			errs <- err
		}()
	}
	close(start)
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if q := s.count("plain.test", dns.TypeA); q != 1 {
		t.Errorf("%d concurrent Resolve sent %d A queries, want 1", n, q)
	}
}

// A waiter whose context ends leaves; the shared query still serves the
// others and fills the cache.
func TestCoalescingWaiterLeaves(t *testing.T) {
	r, s, _ := newTestResolver(t, Config{Timeout: 2 * time.Second})
	s.configure(func(s *testServer) { s.delay["plain.test."] = 200 * time.Millisecond })
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	done := make(chan error)
	go func() {
		_, err := r.LookupHost(context.Background(), "plain.test")
		done <- err
	}()
	if _, err := r.LookupHost(short, "plain.test"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("short waiter: %v, want deadline exceeded", err)
	}
	if err := <-done; err != nil {
		t.Errorf("patient waiter: %v", err)
	}
	if q := s.count("plain.test", dns.TypeA); q != 1 {
		t.Errorf("A queries = %d, want 1", q)
	}
}
