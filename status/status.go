// Package status is OpenSIPS's status/report framework (status_report.c):
// named groups of identifiers, each with a status (negative: not ready,
// positive: ready), a status text and a short log of reports. The core
// registers the "core" group with its "main" identifier; modules register
// their own. The MI commands sr_get_status, sr_list_status,
// sr_list_reports and sr_list_identifiers read it, the script function
// sr_check_status tests it, and a status change raises
// E_CORE_SR_STATUS_CHANGED.
package status

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"switchboard/events"
)

// The statuses OpenSIPS names (SR_STATUS_*, sr_core_states).
const (
	NoData        = -2
	NotReady      = -1
	Ready         = 1
	ReloadingData = 2

	CoreInitializing = -1
	CoreRunning      = 1
	CoreTerminating  = -2
	coreNone         = -100
)

// MainIdentifier is the identifier a group's default status lives under.
const MainIdentifier = "main"

// changed is raised on every status change, as OpenSIPS's sr_set_status.
// It is published on first use, so that the core lists it after its
// other events, as OpenSIPS does.
var changed = sync.OnceValue(func() *events.Event {
	return events.Default.MustPublish("E_CORE_SR_STATUS_CHANGED",
		"group", "identifier", "status", "details", "old_status")
})

// Report is one entry of an identifier's report log.
type Report struct {
	Time time.Time
	Log  string
}

// Identifier is one status holder of a group.
type Identifier struct {
	name       string
	group      *Group
	mu         sync.Mutex
	status     int
	details    string
	reports    []Report // ring of at most maxReports, oldest first
	maxReports int
}

// Group is a named set of identifiers. Public groups take status changes
// from the script and the MI; the others only from their owner's code.
type Group struct {
	name        string
	public      bool
	mu          sync.RWMutex
	identifiers []*Identifier
}

// Registry holds the groups, in registration order.
type Registry struct {
	mu     sync.RWMutex
	groups []*Group
}

// Default is the process's registry.
var Default = &Registry{}

// Core is the core's own status: "core" / "main", not public, ten
// reports, none until the server says it is initializing.
var Core = Default.MustRegister("core", false).MustAdd(MainIdentifier, coreNone, "", 10)

var (
	errExists    = errors.New("already registered")
	ErrForbidden = errors.New("the group does not take status changes from outside its owner")
)

// Register adds a group.
func (r *Registry) Register(name string, public bool) (*Group, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, g := range r.groups {
		if g.name == name {
			return nil, fmt.Errorf("status group %q: %w", name, errExists)
		}
	}
	g := &Group{name: name, public: public}
	r.groups = append(r.groups, g)
	return g, nil
}

// MustRegister is Register for groups registered at start-up.
func (r *Registry) MustRegister(name string, public bool) *Group {
	g, err := r.Register(name, public)
	if err != nil {
		panic(err)
	}
	return g
}

// Group finds a group by name.
func (r *Registry) Group(name string) (*Group, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, g := range r.groups {
		if g.name == name {
			return g, true
		}
	}
	return nil, false
}

// Groups lists the groups in registration order.
func (r *Registry) Groups() []*Group {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]*Group(nil), r.groups...)
}

// Name is the group's name.
func (g *Group) Name() string { return g.name }

// Add registers an identifier with its first status and a report log of
// maxReports entries (0: none).
func (g *Group) Add(name string, status int, details string, maxReports int) (*Identifier, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, id := range g.identifiers {
		if id.name == name {
			return nil, fmt.Errorf("status identifier %q in group %q: %w", name, g.name, errExists)
		}
	}
	id := &Identifier{name: name, group: g, status: status, details: details, maxReports: max(maxReports, 0)}
	g.identifiers = append(g.identifiers, id)
	return id, nil
}

// MustAdd is Add for identifiers registered at start-up.
func (g *Group) MustAdd(name string, status int, details string, maxReports int) *Identifier {
	id, err := g.Add(name, status, details, maxReports)
	if err != nil {
		panic(err)
	}
	return id
}

// Identifier finds an identifier of the group by name.
func (g *Group) Identifier(name string) (*Identifier, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	for _, id := range g.identifiers {
		if id.name == name {
			return id, true
		}
	}
	return nil, false
}

// Identifiers lists the group's identifiers in registration order.
func (g *Group) Identifiers() []*Identifier {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return append([]*Identifier(nil), g.identifiers...)
}

// Aggregate is the group's status over all its identifiers: Ready when
// none is below zero, else NotReady (OpenSIPS's identifier "all").
func (g *Group) Aggregate() int {
	for _, id := range g.Identifiers() {
		if st, _ := id.Status(); st < 0 {
			return NotReady
		}
	}
	return Ready
}

// Name is the identifier's name.
func (id *Identifier) Name() string { return id.name }

// Status returns the status and its text.
func (id *Identifier) Status() (int, string) {
	id.mu.Lock()
	defer id.mu.Unlock()
	return id.status, id.details
}

// Set changes the status (0 is taken as Ready: the script cannot test a
// zero) and its text; a change raises E_CORE_SR_STATUS_CHANGED. public
// says the change comes from the script or the MI, which only public
// groups accept.
func (id *Identifier) Set(status int, details string, public bool) error {
	if public != id.group.public {
		return ErrForbidden
	}
	if status == 0 {
		status = Ready
	}
	id.mu.Lock()
	old := id.status
	id.status, id.details = status, details
	id.mu.Unlock()
	if ev := changed(); old != status && ev.Active() {
		ev.Raise(events.Params{{Name: "group", Value: id.group.name}, {Name: "identifier", Value: id.name},
			{Name: "status", Value: status}, {Name: "details", Value: details}, {Name: "old_status", Value: old}})
	}
	return nil
}

// Report adds an entry to the report log, dropping the oldest when full.
func (id *Identifier) Report(text string) {
	id.mu.Lock()
	defer id.mu.Unlock()
	if id.maxReports == 0 {
		return
	}
	if len(id.reports) == id.maxReports {
		copy(id.reports, id.reports[1:])
		id.reports = id.reports[:len(id.reports)-1]
	}
	id.reports = append(id.reports, Report{Time: time.Now(), Log: text})
}

// Reports returns the report log, oldest first.
func (id *Identifier) Reports() []Report {
	id.mu.Lock()
	defer id.mu.Unlock()
	return append([]Report(nil), id.reports...)
}
