package stats

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Registry holds statistics by group, in registration order (the order
// OpenSIPS lists them: core first, then the modules as loaded). Reads
// take a read lock only: a scrape or an MI call never blocks counting,
// which touches the Stat's atomic and not the registry.
type Registry struct {
	mu     sync.RWMutex
	groups []string
	byKey  map[string]*Stat   // "group:name"
	lists  map[string][]*Stat // group -> stats in order
}

// NewRegistry makes an empty registry.
func NewRegistry() *Registry {
	return &Registry{byKey: map[string]*Stat{}, lists: map[string][]*Stat{}}
}

// Default is the process's registry: the statistics of the running
// server. Tests that need isolation make their own.
var Default = NewRegistry()

// Counter registers a counter. Registering a name twice is a bug in the
// binary and panics, as OpenSIPS refuses a duplicate stat_export_t.
func (r *Registry) Counter(group, name string, flags Flags) *Stat {
	s := &Stat{group: group, name: name, flags: flags, incremental: true}
	r.add(s)
	return s
}

// Mirror registers a counter a module keeps in its own memory: read
// through value, cleared through reset (nil: it cannot be, NoReset).
func (r *Registry) Mirror(group, name string, value func() int64, reset func()) *Stat {
	var flags Flags
	if reset == nil {
		flags = NoReset
	}
	if value == nil {
		panic(fmt.Sprintf("stats: %s:%s has no value function", group, name))
	}
	s := &Stat{group: group, name: name, flags: flags, compute: value, reset: reset, incremental: true}
	r.add(s)
	return s
}

// Computed registers a value computed when read. reset, when not nil,
// is what reset_statistics calls (a module's own atomic counter).
func (r *Registry) Computed(group, name string, flags Flags, value func() int64, reset func()) *Stat {
	if value == nil {
		panic(fmt.Sprintf("stats: %s:%s has no value function", group, name))
	}
	s := &Stat{group: group, name: name, flags: flags, compute: value, reset: reset}
	r.add(s)
	return s
}

func (r *Registry) add(s *Stat) {
	if s.group == "" || s.name == "" || strings.Contains(s.group, ":") {
		panic(fmt.Sprintf("stats: bad statistic name %q", s.FullName()))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.byKey[s.FullName()]; dup {
		panic(fmt.Sprintf("stats: %s registered twice", s.FullName()))
	}
	if _, seen := r.lists[s.group]; !seen {
		r.groups = append(r.groups, s.group)
	}
	r.byKey[s.FullName()] = s
	r.lists[s.group] = append(r.lists[s.group], s)
}

// RemoveGroup forgets a group's statistics. The core calls it before it
// registers a module's statistics for a new server, since the modules a
// script loads may change from one start to the next.
func (r *Registry) RemoveGroup(group string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.lists[group] {
		delete(r.byKey, s.FullName())
	}
	delete(r.lists, group)
	for i, g := range r.groups {
		if g == group {
			r.groups = append(r.groups[:i:i], r.groups[i+1:]...)
			break
		}
	}
}

// Lookup finds a statistic by "group:name" or, as OpenSIPS accepts, by
// its bare name when a single group has it.
func (r *Registry) Lookup(name string) (*Stat, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if s, ok := r.byKey[name]; ok {
		return s, true
	}
	if strings.Contains(name, ":") {
		return nil, false
	}
	for _, g := range r.groups {
		if s, ok := r.byKey[g+":"+name]; ok {
			return s, true
		}
	}
	return nil, false
}

// Select returns the statistics a query names, in registry order
// within each query item: "all", "group:" for a whole group, or a
// statistic's name (bare or "group:name"). Unknown items select
// nothing; a statistic selected twice appears once.
func (r *Registry) Select(queries ...string) []*Stat {
	var out []*Stat
	seen := map[*Stat]bool{}
	add := func(s *Stat) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, q := range queries {
		switch {
		case q == "all":
			for _, s := range r.All() {
				add(s)
			}
		case strings.HasSuffix(q, ":"):
			for _, s := range r.Group(strings.TrimSuffix(q, ":")) {
				add(s)
			}
		default:
			if s, ok := r.Lookup(q); ok {
				add(s)
			}
		}
	}
	return out
}

// Group returns a group's statistics in registration order.
func (r *Registry) Group(group string) []*Stat {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]*Stat(nil), r.lists[group]...)
}

// Groups returns the group names in registration order.
func (r *Registry) Groups() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]string(nil), r.groups...)
}

// All returns every statistic, group by group.
func (r *Registry) All() []*Stat {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []*Stat
	for _, g := range r.groups {
		out = append(out, r.lists[g]...)
	}
	return out
}

// Names returns every "group:name", sorted: for completion and tests.
func (r *Registry) Names() []string {
	all := r.All()
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = s.FullName()
	}
	sort.Strings(out)
	return out
}
