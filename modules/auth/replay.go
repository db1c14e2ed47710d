package auth

import (
	"sync"
	"time"
)

// replayWindow remembers, for every index issued in the last nonce_expire
// seconds, the highest nonce-count accepted with it. Indexes grow by one
// per challenge and live in pages of pageSize; a page is dropped once
// every nonce issued from it has expired, so memory follows the challenge
// rate times the nonce lifetime and there is no fixed cap on the rate
// (OpenSIPS's fixed index buffer allows about 100000 per 30 s). An index
// that is no longer remembered is refused: a nonce is either still
// tracked or already expired.
type replayWindow struct {
	mu     sync.Mutex
	expire time.Duration
	next   uint64  // the next index to hand out
	base   uint64  // page number of pages[0]
	pages  []*page // pages base, base+1, ... without gaps
}

const (
	pageSize = 4096
	// maxPages bounds memory under a flood of challenges (16M indexes,
	// 64 MiB): past it the oldest page goes even if its nonces have not
	// expired, and their clients are challenged again with stale=true.
	maxPages = 4096
	// usedUp marks an index whose nonce was used without a qop: with no
	// count to tell requests apart it cannot be used again.
	usedUp = ^uint32(0)
)

type page struct {
	nc         [pageSize]uint32 // 0: never used
	lastIssued time.Time
}

func newReplayWindow(expire time.Duration) *replayWindow {
	// Index 0 is never handed out: it stands for "no index" when replay
	// checks are off.
	return &replayWindow{expire: expire, next: 1}
}

// reserve hands out the next index.
func (w *replayWindow) reserve(now time.Time) uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	index := w.next
	w.next++
	p := index / pageSize
	if len(w.pages) == 0 || p >= w.base+uint64(len(w.pages)) {
		w.dropOld(now)
		if len(w.pages) == 0 {
			w.base = p
		}
		w.pages = append(w.pages, &page{})
	}
	w.pages[p-w.base].lastIssued = now
	return index
}

// dropOld forgets the pages whose every nonce has expired, and the oldest
// ones beyond maxPages.
func (w *replayWindow) dropOld(now time.Time) {
	n := 0
	for n < len(w.pages) && (len(w.pages)-n >= maxPages || now.Sub(w.pages[n].lastIssued) > w.expire) {
		n++
	}
	if n > 0 {
		clear(w.pages[:n]) // let the collector have them
		w.pages = w.pages[n:]
		w.base += uint64(n)
	}
}

// entry returns the slot of index, nil when it was never issued or is no
// longer remembered. w.mu must be held.
func (w *replayWindow) entry(index uint64) *uint32 {
	if index == 0 || index >= w.next {
		return nil
	}
	p := index / pageSize
	if p < w.base || p-w.base >= uint64(len(w.pages)) {
		return nil
	}
	return &w.pages[p-w.base].nc[index%pageSize]
}

// accepts says whether nc may follow the count last recorded: counts
// must grow (RFC 7616 §3.4: a server detects replays by seeing the same
// nc twice), and nc 0, a use without qop, is allowed on a fresh index
// only.
func accepts(last, nc uint32) bool {
	if nc == 0 {
		return last == 0
	}
	return nc > last && last != usedUp
}

// usable reports whether index may be used with nc, without recording it.
func (w *replayWindow) usable(index uint64, nc uint32) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	e := w.entry(index)
	return e != nil && accepts(*e, nc)
}

// use records nc for index if it is still acceptable.
func (w *replayWindow) use(index uint64, nc uint32) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	e := w.entry(index)
	if e == nil || !accepts(*e, nc) {
		return false
	}
	if nc == 0 {
		nc = usedUp
	}
	*e = nc
	return true
}
