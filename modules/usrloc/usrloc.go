// Package usrloc is OpenSIPS's usrloc module: the location table that
// maps addresses-of-record to their contacts, in memory (sharded by AOR)
// and, per db_mode, in the database's location table (see README.md).
package usrloc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"switchboard/db"
)

// DB modes (the db_mode parameter).
const (
	NoDB         = 0 // memory only: a restart forgets everything
	WriteThrough = 1 // every change is in the database before save() replies
	WriteBack    = 2 // changes are flushed every timer_interval and at Close
	DBOnly       = 3 // no memory cache: every lookup reads the database
)

// Config is what an instance is built from: the module parameters, or a
// test's own values.
type Config struct {
	DBURL    string
	DBMode   int
	Interval time.Duration // timer_interval: expiry sweep and write-back flush
	// UseDomain keeps the domain in the AOR (user@domain); without it
	// the AOR is the username alone.
	UseDomain bool
	DescTime  bool // desc_time_order
	Shards    int  // hash_size as a count; 0 means 256
	// Now is the clock; nil means time.Now. Tests inject their own.
	Now func() time.Time
	Log *slog.Logger
	// NoTimer leaves the sweep to the caller (tests call Tick).
	NoTimer bool
}

// Usrloc is one location service: its domains (tables) and the goroutine
// that expires contacts and flushes dirty ones.
type Usrloc struct {
	cfg    Config
	conn   db.Conn // nil with NoDB
	events ulEvents

	mu      sync.Mutex // guards domains (not their contents)
	domains map[string]*Domain

	stop chan struct{}
	done chan struct{}
	// closeOnce makes Close idempotent: the module's Init closes the
	// previous instance, and tests close theirs too.
	closeOnce sync.Once
}

// New opens the database (when the mode needs one) and starts the timer.
// Domains are loaded from their table when first asked for (Domain).
func New(cfg Config) (*Usrloc, error) {
	if cfg.DBMode < NoDB || cfg.DBMode > DBOnly {
		return nil, fmt.Errorf("usrloc: db_mode %d is not 0, 1, 2 or 3", cfg.DBMode)
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 60 * time.Second
	}
	if cfg.Shards <= 0 {
		cfg.Shards = 256
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	cfg.Log = cfg.Log.With("module", "usrloc")
	u := &Usrloc{cfg: cfg, domains: map[string]*Domain{}, events: publishEvents()}
	if cfg.DBMode != NoDB {
		if cfg.DBURL == "" {
			return nil, fmt.Errorf("usrloc: db_mode %d needs db_url", cfg.DBMode)
		}
		conn, err := db.Open(cfg.DBURL)
		if err != nil {
			return nil, fmt.Errorf("usrloc: %w", err)
		}
		u.conn = conn
	}
	if !cfg.NoTimer {
		u.stop, u.done = make(chan struct{}), make(chan struct{})
		go u.run()
	}
	return u, nil
}

// Mode returns the db_mode the instance runs with.
func (u *Usrloc) Mode() int { return u.cfg.DBMode }

// Now returns the instance's clock reading, so the registrar computes
// expiry times on the same clock usrloc expires them with.
func (u *Usrloc) Now() time.Time { return u.cfg.Now() }

// DescTimeOrder reports desc_time_order, for lookup's ordering.
func (u *Usrloc) DescTimeOrder() bool { return u.cfg.DescTime }

// UseDomain reports use_domain, which decides how the registrar builds AORs.
func (u *Usrloc) UseDomain() bool { return u.cfg.UseDomain }

// Domain returns the domain (table) called name, creating it on first
// use; with a database the table's rows are loaded then, so a restart
// finds every binding it had (DESIGN decision 7).
func (u *Usrloc) Domain(name string) (*Domain, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if d, ok := u.domains[name]; ok {
		return d, nil
	}
	d := newDomain(u, name)
	if u.conn != nil {
		if err := d.prepareTable(); err != nil {
			return nil, err
		}
		if u.cfg.DBMode != DBOnly {
			start := time.Now()
			if err := d.load(); err != nil {
				return nil, err
			}
			st := d.Stats()
			u.cfg.Log.Info("loaded the location table", "table", name, "aors", st.Users,
				"contacts", st.Contacts, "took", time.Since(start).Round(time.Millisecond))
		}
	}
	u.domains[name] = d
	return d, nil
}

// Domains returns the domains in name order.
func (u *Usrloc) Domains() []*Domain {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]*Domain, 0, len(u.domains))
	for _, d := range u.domains {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// run is the timer goroutine: one sweep every timer_interval, as
// OpenSIPS's usrloc timer, rather than a timer per contact; lookups
// skip expired contacts anyway, so the sweep only reclaims memory and
// database rows.
func (u *Usrloc) run() {
	defer close(u.done)
	t := time.NewTicker(u.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-u.stop:
			return
		case <-t.C:
			if err := u.Tick(u.cfg.Now()); err != nil {
				u.cfg.Log.Error("timer", "err", err)
			}
		}
	}
}

// Tick expires the contacts gone at now and, in write-back mode, flushes
// the changed ones. The timer goroutine calls it; tests call it directly.
func (u *Usrloc) Tick(now time.Time) error {
	var errs []error
	for _, d := range u.Domains() {
		errs = append(errs, d.expire(now))
		if u.cfg.DBMode == WriteBack {
			errs = append(errs, d.flush())
		}
	}
	return errors.Join(errs...)
}

// Flush writes every dirty contact now (write-back mode; ul_flush). In
// other modes there is nothing to write and it returns nil.
func (u *Usrloc) Flush() error {
	if u.cfg.DBMode != WriteBack {
		return nil
	}
	var errs []error
	for _, d := range u.Domains() {
		errs = append(errs, d.flush())
	}
	return errors.Join(errs...)
}

// Close stops the timer, flushes what write-back mode still holds and
// closes the database. The instance must not be used afterwards.
func (u *Usrloc) Close() error {
	var err error
	u.closeOnce.Do(func() {
		if u.stop != nil {
			close(u.stop)
			<-u.done
		}
		err = u.Flush()
		if u.conn != nil {
			err = errors.Join(err, u.conn.Close())
		}
	})
	return err
}

// dbContext bounds a database call; the driver adds its own timeout, so
// a dead database costs a save at most that long (db.DefaultTimeout).
func dbContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), db.DefaultTimeout)
}
