package auth

import (
	"strings"
	"testing"
	"time"
)

// fakeClock is the injectable clock of the nonce tests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestKeeper(secret string, check bool) (*nonceKeeper, *fakeClock) {
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	return newNonceKeeper(secret, 30*time.Second, check, c.now), c
}

// TestNonceLifecycle follows one nonce through the OpenSIPS auth docs'
// "Nonce Security" rules: valid once per count, stale after nonce_expire.
func TestNonceLifecycle(t *testing.T) {
	k, clock := newTestKeeper("", true)
	n := k.issue(k.reserve(), SHA256, qopAuth)
	if len(n) != nonceTextLen {
		t.Fatalf("nonce %q has length %d", n, len(n))
	}
	steps := []struct {
		name    string
		advance time.Duration
		nc      uint32
		commit  bool
		want    error
	}{
		{"fresh nonce, nc 1", 0, 1, true, nil},
		{"same nc again is a replay", 0, 1, false, errNonceUsed},
		{"nc going backwards", 0, 0, false, errNonceUsed},
		{"nc 3 after 1 (gaps allowed, RFC 7616 §3.4)", time.Second, 3, true, nil},
		{"nc 2 after 3", 0, 2, false, errNonceUsed},
		{"expired after nonce_expire (default 30 s)", 30 * time.Second, 4, false, errNonceExpired},
	}
	for _, s := range steps {
		clock.advance(s.advance)
		f, err := k.check(n, s.nc)
		if err != s.want {
			t.Fatalf("%s: %v, want %v", s.name, err, s.want)
		}
		if err == nil && f.alg != SHA256 {
			t.Fatalf("%s: algorithm %v", s.name, f.alg)
		}
		if s.commit {
			if err := k.commit(f, s.nc); err != nil {
				t.Fatalf("%s: commit: %v", s.name, err)
			}
		}
	}
}

// TestNonceWithoutQOPSingleUse: without qop there is no count to tell two
// uses apart, so the nonce is used once (OpenSIPS one-time nonces).
func TestNonceWithoutQOPSingleUse(t *testing.T) {
	k, _ := newTestKeeper("", true)
	n := k.issue(k.reserve(), MD5, 0)
	f, err := k.check(n, 0)
	if err != nil || k.commit(f, 0) != nil {
		t.Fatal("first use refused")
	}
	if _, err := k.check(n, 0); err != errNonceUsed {
		t.Errorf("second use: %v", err)
	}
	if _, err := k.check(n, 5); err != errNonceUsed {
		t.Errorf("use with a count after a use without: %v", err)
	}
}

// TestNonceCommitRace: two identical requests that both pass the check
// cannot both commit.
func TestNonceCommitRace(t *testing.T) {
	k, _ := newTestKeeper("", true)
	n := k.issue(k.reserve(), MD5, qopAuth)
	f1, err1 := k.check(n, 1)
	f2, err2 := k.check(n, 1)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if k.commit(f1, 1) != nil || k.commit(f2, 1) == nil {
		t.Error("both racing requests committed")
	}
}

// TestNonceTampered: any changed character, another secret, another
// process (instance) or a foreign string is refused.
func TestNonceTampered(t *testing.T) {
	k, _ := newTestKeeper("shared-secret", true)
	n := k.issue(k.reserve(), MD5, qopAuth)
	other, _ := newTestKeeper("other-secret", true)
	sibling, _ := newTestKeeper("shared-secret", true) // same secret, another process
	flip := func(i int) string {
		b := []byte(n)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tests := []struct {
		name   string
		keeper *nonceKeeper
		nonce  string
		want   error
	}{
		{"first character changed", k, flip(0), errNonceInvalid},
		{"index changed", k, flip(12), errNonceInvalid},
		{"last character changed", k, flip(len(n) - 1), errNonceInvalid},
		{"truncated", k, n[:len(n)-1], errNonceInvalid},
		{"OpenSIPS-style foreign nonce", k, "dcd98b7102dd2f0e8b11d0f600bfb0c093", errNonceInvalid},
		{"another secret", other, n, errNonceInvalid},
		{"same secret, another process: its index means nothing here", sibling, n, errNonceInvalid},
		{"padding characters", k, strings.Repeat("=", len(n)), errNonceInvalid},
	}
	for _, tc := range tests {
		if _, err := tc.keeper.check(tc.nonce, 1); err != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestNonceDisableCheck: with disable_nonce_check (OpenSIPS auth docs),
// instances sharing a secret accept each other's nonces, and a nonce may
// be reused until it expires.
func TestNonceDisableCheck(t *testing.T) {
	a, _ := newTestKeeper("shared-secret", false)
	b, clock := newTestKeeper("shared-secret", false)
	n := a.issue(a.reserve(), MD5, qopAuth)
	for i := 0; i < 2; i++ {
		f, err := b.check(n, 1)
		if err != nil || b.commit(f, 1) != nil {
			t.Fatalf("use %d on the other instance: %v", i, err)
		}
	}
	clock.advance(31 * time.Second)
	if _, err := b.check(n, 1); err != errNonceExpired {
		t.Errorf("after expiry: %v", err)
	}
}

// TestReplayWindowForgets: indexes older than nonce_expire are dropped
// page by page; the window has no fixed rate cap (issue 5: OpenSIPS's
// ~3,300 challenges/s limit must not exist here).
func TestReplayWindowForgets(t *testing.T) {
	w := newReplayWindow(30 * time.Second)
	start := time.Unix(1_700_000_000, 0)
	first := w.reserve(start)
	for i := 0; i < 3*pageSize; i++ {
		w.reserve(start) // 12k challenges in one second: all tracked
	}
	if !w.usable(first, 1) {
		t.Fatal("first index forgotten while fresh")
	}
	later := start.Add(31 * time.Second)
	for i := 0; i < pageSize; i++ {
		w.reserve(later)
	}
	if w.usable(first, 1) {
		t.Error("expired index still usable")
	}
	if len(w.pages) > 2 {
		t.Errorf("%d pages kept after expiry", len(w.pages))
	}
	if w.usable(w.next, 1) || w.usable(0, 1) {
		t.Error("index never issued is usable")
	}
}
