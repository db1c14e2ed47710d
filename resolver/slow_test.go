package resolver

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestSlowQuery: a query slower than SlowThreshold is reported with its
// name (exec_dns_threshold), a fast one and a cache hit are not.
func TestSlowQuery(t *testing.T) {
	var mu sync.Mutex
	var slow []string
	r, s, _ := newTestResolver(t, Config{SlowThreshold: 100 * time.Millisecond, SlowQuery: func(name string, took time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if took < 100*time.Millisecond {
			t.Errorf("%s reported after %v", name, took)
		}
		slow = append(slow, name)
	}})
	s.configure(func(s *testServer) { s.delay["plain.test."] = 200 * time.Millisecond })
	ctx := context.Background()
	for i := 0; i < 2; i++ { // the second one is a cache hit
		if _, err := r.LookupHost(ctx, "plain.test"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.LookupHost(ctx, "srv.test"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(slow) != 1 || slow[0] != "plain.test" {
		t.Fatalf("reported %v, want [plain.test]", slow)
	}
}
