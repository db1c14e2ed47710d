package usrloc

import (
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Domain is one table of the location service (save("location") uses the
// domain "location"): AORs spread over shards by a hash of the AOR, each
// shard with its own lock, so registrations of different users rarely
// wait on each other (DESIGN decision 4).
type Domain struct {
	name   string
	u      *Usrloc
	seed   maphash.Seed
	shards []shard

	// Statistics (OpenSIPS usrloc:<domain>-users, -contacts, -expires).
	users, contacts, expired atomic.Int64
}

type shard struct {
	mu sync.Mutex
	// records maps an AOR to its bindings (never none) as a packed
	// record (pack.go); the key is a slice of the record.
	records map[string]string
	// dirty and deleted are what write-back mode still owes the
	// database: AORs whose bindings changed, and contact_ids removed.
	dirty   map[string]struct{}
	deleted []int64
}

// ErrNoDomain is returned for an operation on a domain nobody created.
var ErrNoDomain = errors.New("usrloc: no such domain")

func newDomain(u *Usrloc, name string) *Domain {
	d := &Domain{name: name, u: u, seed: maphash.MakeSeed(), shards: make([]shard, u.cfg.Shards)}
	for i := range d.shards {
		d.shards[i].records = map[string]string{}
		d.shards[i].dirty = map[string]struct{}{}
	}
	return d
}

// Name is the domain's (table's) name.
func (d *Domain) Name() string { return d.name }

func (d *Domain) shardOf(aor string) *shard {
	return &d.shards[maphash.String(d.seed, aor)%uint64(len(d.shards))]
}

// Get returns the live bindings of aor, ordered as lookup uses them. In
// DB-only mode they are read from the database every time.
func (d *Domain) Get(aor string) ([]Contact, error) {
	now := d.u.cfg.Now()
	s := d.shardOf(aor)
	s.mu.Lock()
	cur, err := d.current(s, aor, now)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	SortContacts(cur, d.u.cfg.DescTime)
	return cur, nil
}

// current returns a copy of aor's live bindings; the caller holds s.mu.
func (d *Domain) current(s *shard, aor string, now time.Time) ([]Contact, error) {
	if d.u.cfg.DBMode == DBOnly {
		return d.queryAOR(aor, now)
	}
	rec, ok := s.records[aor]
	if !ok {
		return nil, nil
	}
	return unpackRecord(nil, rec, true, now), nil
}

// UpdateFunc gets the live bindings of an AOR (a copy it may change) and
// returns what they must become. An error aborts the update: nothing
// changes.
type UpdateFunc func(now time.Time, current []Contact) ([]Contact, error)

// Update changes the bindings of aor atomically: fn runs under the AOR's
// shard lock, so two REGISTERs for one AOR are applied one after the
// other (RFC 3261 §10.3 compares Call-ID and CSeq against the stored
// binding; that is only sound if no other update interleaves). In
// write-through and DB-only modes the change is in the database before
// Update returns, and a database error leaves memory untouched. It
// returns the bindings after the update, ordered as lookup uses them.
func (d *Domain) Update(aor string, fn UpdateFunc) ([]Contact, error) {
	now := d.u.cfg.Now()
	s := d.shardOf(aor)
	var raised []pendingEvent
	defer func() { raiseAll(raised) }() // after the unlock below: a sync event_route may call usrloc
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := d.current(s, aor, now)
	if err != nil {
		return nil, err
	}
	next, err := fn(now, slices.Clone(old))
	if err != nil {
		return nil, err
	}
	next = slices.DeleteFunc(next, func(c Contact) bool { return c.Expired(now) })
	assignIDs(aor, next)
	removed := removedIDs(old, next)
	switch d.u.cfg.DBMode {
	case WriteThrough, DBOnly:
		if err := d.write(aor, old, next, removed); err != nil {
			return nil, err
		}
	case WriteBack:
		s.dirty[aor] = struct{}{}
		s.deleted = append(s.deleted, removed...)
	}
	d.store(s, aor, next)
	raised = d.changeEvents(aor, old, next)
	SortContacts(next, d.u.cfg.DescTime)
	// The table keeps its own packed copy: next is the caller's.
	return next, nil
}

// store puts next in memory, packed, and keeps the counters; the caller
// holds s.mu.
func (d *Domain) store(s *shard, aor string, next []Contact) {
	if d.u.cfg.DBMode == DBOnly {
		return
	}
	rec, had := s.records[aor]
	var before int
	if had {
		_, before = recordAOR(rec)
	}
	d.contacts.Add(int64(len(next) - before))
	switch {
	case len(next) == 0:
		delete(s.records, aor)
		if had {
			d.users.Add(-1)
		}
	default:
		rec := packRecord(aor, next)
		// The key is the record's own copy of the AOR (assigning to an
		// existing key replaces the key too), so the entry holds no
		// other string.
		key, _ := recordAOR(rec)
		s.records[key] = rec
		if !had {
			d.users.Add(1)
		}
	}
}

// removedIDs lists the contact_ids of old that next no longer has.
func removedIDs(old, next []Contact) []int64 {
	var out []int64
	for _, o := range old {
		if !slices.ContainsFunc(next, func(n Contact) bool { return n.ID == o.ID }) {
			out = append(out, o.ID)
		}
	}
	return out
}

// Delete removes aor with all its bindings (ul_rm, remove()).
func (d *Domain) Delete(aor string) error {
	_, err := d.Update(aor, func(time.Time, []Contact) ([]Contact, error) { return nil, nil })
	return err
}

// Insert adds bindings as they are (ul_add, loading): no RFC 3261 checks.
func (d *Domain) Insert(aor string, cs ...Contact) error {
	_, err := d.Update(aor, func(_ time.Time, cur []Contact) ([]Contact, error) {
		for _, c := range cs {
			cur = slices.DeleteFunc(cur, func(o Contact) bool { return o.URI == c.URI })
			cur = append(cur, c)
		}
		return cur, nil
	})
	return err
}

// AORs returns the AORs held in memory, sorted (ul_dump). In DB-only
// mode it reads them from the table.
func (d *Domain) AORs() ([]string, error) {
	if d.u.cfg.DBMode == DBOnly {
		return d.queryAORs()
	}
	var out []string
	for i := range d.shards {
		s := &d.shards[i]
		s.mu.Lock()
		for aor := range s.records {
			out = append(out, aor)
		}
		s.mu.Unlock()
	}
	sort.Strings(out)
	return out, nil
}

// expire drops the bindings gone at now, shard by shard.
func (d *Domain) expire(now time.Time) error {
	if d.u.cfg.DBMode == DBOnly {
		return d.deleteExpiredRows(now)
	}
	var errs []error
	for i := range d.shards {
		s := &d.shards[i]
		var raised []pendingEvent
		s.mu.Lock()
		for aor, rec := range s.records {
			cs := unpackRecord(nil, rec, false, now)
			live := slices.DeleteFunc(slices.Clone(cs), func(c Contact) bool { return c.Expired(now) })
			if len(live) == len(cs) {
				continue
			}
			gone := removedIDs(cs, live)
			d.expired.Add(int64(len(gone)))
			switch d.u.cfg.DBMode {
			case WriteThrough:
				// A failed delete leaves a stale row behind; loading
				// skips expired rows, so it costs space, not bindings.
				errs = append(errs, d.deleteIDs(gone))
			case WriteBack:
				s.deleted = append(s.deleted, gone...)
			}
			d.store(s, aor, live)
			raised = append(raised, d.changeEvents(aor, cs, live)...)
		}
		s.mu.Unlock()
		raiseAll(raised)
	}
	return errors.Join(errs...)
}

// Stats are a domain's counters as OpenSIPS names them.
type Stats struct {
	Users, Contacts, Expires int64
}

// Stats returns the domain's counters.
func (d *Domain) Stats() Stats {
	return Stats{Users: d.users.Load(), Contacts: d.contacts.Load(), Expires: d.expired.Load()}
}

// RegisteredUsers is the registered_users statistic: AORs with a live
// binding, over every domain.
func (u *Usrloc) RegisteredUsers() int64 {
	var n int64
	for _, d := range u.Domains() {
		n += d.users.Load()
	}
	return n
}

func (d *Domain) String() string { return fmt.Sprintf("usrloc domain %s", d.name) }
