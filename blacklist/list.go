package blacklist

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Flags are a list's properties (OpenSIPS's BL_* flags).
type Flags uint8

// List flags.
const (
	ReadOnly  Flags = 1 << iota // rules come from the script only
	Expire                      // rules may expire
	ByDefault                   // searched for every message unless unused
)

// MaxLists is how many lists one Set holds: each has a bit in the
// per-message mask of active lists.
const MaxLists = 64

// Errors of the list operations, for the MI codes.
var (
	ErrReadOnly   = errors.New("cannot modify read-only blacklist")
	ErrNoExpire   = errors.New("blacklist without expire support")
	ErrNotFound   = errors.New("rule not found")
	ErrDuplicate  = errors.New("duplicated blacklist name")
	ErrTooManyBLs = fmt.Errorf("too many blacklists (at most %d)", MaxLists)
)

// List is a named blacklist. Its methods are safe for concurrent use.
type List struct {
	Name  string
	Owner string // "script", "dns", "mi"...
	Flags Flags
	bit   uint64
	now   func() time.Time

	mu    sync.RWMutex
	rules []Rule // the rules that never expire first, then by expiry
}

// Set is the element's blacklists. Lists are only added, at start-up;
// the send path reads them through an atomic snapshot, without a lock.
type Set struct {
	now   func() time.Time
	mu    sync.Mutex // serializes Define
	state atomic.Pointer[setState]
}

// setState is what Define publishes: never changed once stored.
type setState struct {
	lists    []*List
	byName   map[string]*List
	defaults uint64 // the lists flagged "default"
	all      uint64 // every list
}

// NewSet returns an empty set whose expiry clock is now (time.Now when
// nil).
func NewSet(now func() time.Time) *Set {
	if now == nil {
		now = time.Now
	}
	s := &Set{now: now}
	s.state.Store(&setState{byName: map[string]*List{}})
	return s
}

// Define creates a list with the rules of d.
func (s *Set) Define(owner string, d Definition) (*List, error) {
	if d.Flags&ReadOnly != 0 && d.Flags&Expire != 0 {
		return nil, errors.New("a readonly blacklist cannot have expiring rules")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.state.Load()
	if _, dup := old.byName[d.Name]; dup {
		return nil, fmt.Errorf("%w %q", ErrDuplicate, d.Name)
	}
	if len(old.lists) == MaxLists {
		return nil, ErrTooManyBLs
	}
	l := &List{Name: d.Name, Owner: owner, Flags: d.Flags, bit: 1 << len(old.lists), now: s.now}
	for _, r := range d.Rules {
		r.Expires = time.Time{}
		if !slices.ContainsFunc(l.rules, r.same) {
			l.rules = append(l.rules, r)
		}
	}
	next := &setState{lists: append(slices.Clip(old.lists), l), byName: maps.Clone(old.byName),
		defaults: old.defaults, all: old.all | l.bit}
	next.byName[d.Name] = l
	if d.Flags&ByDefault != 0 {
		next.defaults |= l.bit
	}
	s.state.Store(next)
	return l, nil
}

// Get returns the list called name, or nil.
func (s *Set) Get(name string) *List {
	if s == nil {
		return nil
	}
	return s.state.Load().byName[name]
}

// Lists returns the lists in the order they were defined.
func (s *Set) Lists() []*List {
	if s == nil {
		return nil
	}
	return slices.Clone(s.state.Load().lists)
}

// Use returns the per-message toggle mask after use_blacklist (on) or
// unuse_blacklist of l, or of every list when l is nil. A message starts
// with toggle 0: the lists flagged "default" active, the others not.
func (s *Set) Use(toggle uint64, l *List, on bool) uint64 {
	if s == nil {
		return toggle
	}
	st := s.state.Load()
	defaults, all := st.defaults, st.all
	active := defaults ^ toggle
	switch {
	case l == nil && on:
		active = all
	case l == nil:
		active = 0
	case on:
		active |= l.bit
	default:
		active &^= l.bit
	}
	return defaults ^ active
}

// Active reports whether l is searched for a message with toggle.
func (s *Set) Active(toggle uint64, l *List) bool {
	return (s.state.Load().defaults^toggle)&l.bit != 0
}

// Check returns the first list active under toggle with a rule that
// matches the destination (OpenSIPS's check_blacklists before a send).
func (s *Set) Check(toggle uint64, dst netip.Addr, proto string, port uint16, msg []byte) *List {
	if s == nil {
		return nil
	}
	st := s.state.Load()
	active := st.defaults ^ toggle
	if active == 0 {
		return nil
	}
	for _, l := range st.lists {
		if active&l.bit == 0 {
			continue
		}
		if _, ok := l.Match(dst, proto, port, msg); ok {
			return l
		}
	}
	return nil
}

// Matching returns every list, active or not, that matches (the MI
// check_blacklists).
func (s *Set) Matching(dst netip.Addr, proto string, port uint16, msg []byte) []*List {
	var out []*List
	for _, l := range s.Lists() {
		if _, ok := l.Match(dst, proto, port, msg); ok {
			out = append(out, l)
		}
	}
	return out
}

// Match returns the first rule of l that matches the destination.
func (l *List) Match(dst netip.Addr, proto string, port uint16, msg []byte) (Rule, bool) {
	now := time.Time{}
	if l.Flags&Expire != 0 {
		now = l.now()
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	for i := range l.rules {
		r := &l.rules[i]
		if !r.Expires.IsZero() && !now.Before(r.Expires) {
			continue
		}
		if r.Matches(dst, proto, port, msg) {
			return *r, true
		}
	}
	return Rule{}, false
}

// Rules returns the rules of l that have not expired.
func (l *List) Rules() []Rule {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune()
	return slices.Clone(l.rules)
}

// Add adds r to l, expiring after expire (0: never). A rule l already
// has is not added twice; added says whether it was new.
func (l *List) Add(r Rule, expire time.Duration) (added bool, err error) {
	if l.Flags&ReadOnly != 0 {
		return false, ErrReadOnly
	}
	if expire < 0 {
		return false, errors.New("bad expire value")
	}
	r.Expires = time.Time{}
	if expire > 0 {
		if l.Flags&Expire == 0 {
			return false, ErrNoExpire
		}
		r.Expires = l.now().Add(expire)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune()
	if slices.ContainsFunc(l.rules, r.same) {
		return false, nil
	}
	// Rules that never expire come first, the others by expiry.
	at := len(l.rules)
	for i, old := range l.rules {
		if !old.Expires.IsZero() && (r.Expires.IsZero() || old.Expires.After(r.Expires)) {
			at = i
			break
		}
	}
	l.rules = slices.Insert(l.rules, at, r)
	return true, nil
}

// Delete removes the rule equal to r.
func (l *List) Delete(r Rule) error {
	if l.Flags&ReadOnly != 0 {
		return ErrReadOnly
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune()
	i := slices.IndexFunc(l.rules, r.same)
	if i < 0 {
		return ErrNotFound
	}
	l.rules = slices.Delete(l.rules, i, i+1)
	return nil
}

// prune drops expired rules; l.mu is held for writing.
func (l *List) prune() {
	if l.Flags&Expire == 0 {
		return
	}
	now := l.now()
	l.rules = slices.DeleteFunc(l.rules, func(r Rule) bool {
		return !r.Expires.IsZero() && !now.Before(r.Expires)
	})
}
