package usrloc

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"switchboard/core"
	"switchboard/engine"
)

func init() {
	core.Register(&engine.Module{
		Name:   "usrloc",
		Events: eventSpecs,
		MI:     miCommands(),
		Params: []engine.Param{
			engine.StrParam("db_url", func(s string) error { pending.DBURL = s; return nil }),
			engine.IntParam("db_mode", func(n int) error {
				if n < NoDB || n > DBOnly {
					return fmt.Errorf("db_mode must be 0, 1, 2 or 3, not %d", n)
				}
				pending.DBMode = n
				return nil
			}),
			engine.StrParam("working_mode_preset", setPreset),
			engine.IntParam("timer_interval", func(n int) error {
				if n <= 0 {
					return fmt.Errorf("timer_interval must be positive, not %d", n)
				}
				pending.Interval = time.Duration(n) * time.Second
				return nil
			}),
			engine.IntParam("use_domain", func(n int) error { pending.UseDomain = n != 0; return nil }),
			engine.IntParam("desc_time_order", func(n int) error { pending.DescTime = n != 0; return nil }),
			engine.IntParam("hash_size", func(n int) error {
				// OpenSIPS's hash_size is a power of two exponent.
				if n < 1 || n > 16 {
					return fmt.Errorf("hash_size must be 1..16 (2^n shards), not %d", n)
				}
				pending.Shards = 1 << n
				return nil
			}),
			engine.StrParam("nat_bflag", func(s string) error {
				bit, err := engine.BranchFlags.Bit(s)
				if err != nil {
					return err
				}
				natFlag = bit
				return nil
			}),
		},
		Init:  initModule,
		Stats: statSpecs(),
		Shutdown: func() {
			if err := Shutdown(); err != nil {
				slog.Error("usrloc: flushing contacts at shutdown", "err", err)
			}
		},
	})
}

// presets are the working_mode_preset values of 3.6 a single instance
// can run; the cluster and cachedb ones need modules switchboard lacks.
var presets = map[string]int{
	"single-instance-no-db":             NoDB,
	"single-instance-sql-write-through": WriteThrough,
	"single-instance-sql-write-back":    WriteBack,
	"sql-only":                          DBOnly,
}

func setPreset(s string) error {
	mode, ok := presets[s]
	if !ok {
		return fmt.Errorf("not supported: working_mode_preset %q (module usrloc): use single-instance-no-db, "+
			"single-instance-sql-write-through, single-instance-sql-write-back or sql-only", s)
	}
	pending.DBMode = mode
	return nil
}

var (
	// pending collects the modparams of the script being loaded. Init
	// builds the instance from it and starts the next load from the
	// defaults, so one test's parameters never leak into the next.
	pending = defaults()
	// natFlag is nat_bflag's bit: lookup sets it on branches to
	// contacts that registered from behind a NAT.
	natFlag uint64

	mu      sync.Mutex
	current *Usrloc
)

func defaults() Config { return Config{Interval: 60 * time.Second, Now: clock} }

// initModule replaces the running instance with one built from the
// script's parameters; a previous instance (an earlier test's) is
// closed first, so write-back data reaches its database.
func initModule() error {
	mu.Lock()
	defer mu.Unlock()
	cfg := pending
	pending = defaults()
	if current != nil {
		current.Close()
		current = nil
	}
	u, err := New(cfg)
	if err != nil {
		return err
	}
	// Load the tables the script uses now, not at their first REGISTER:
	// after a restart ul_dump and the expiry sweep see every binding.
	for name := range domainNames {
		if _, err := u.Domain(name); err != nil {
			u.Close()
			return err
		}
	}
	current = u
	return nil
}

// domainNames are the tables scripts named (save("location")...).
var domainNames = map[string]struct{}{}

// RegisterDomain declares a table a script uses, as OpenSIPS's
// register_udomain does from the registrar's fixups: Init loads it.
func RegisterDomain(name string) {
	mu.Lock()
	defer mu.Unlock()
	domainNames[name] = struct{}{}
}

// Load returns the running location service: what registrar and other
// modules bind to, as OpenSIPS modules call load_ul_api. When the module
// was loaded but its Init did not run (a script only compiled, as
// coretest.RunScript does) it starts one from the parameters given.
func Load() (*Usrloc, error) {
	mu.Lock()
	defer mu.Unlock()
	if current == nil {
		u, err := New(pending)
		if err != nil {
			return nil, err
		}
		current = u
	}
	return current, nil
}

// NATFlag returns nat_bflag's bit (0 when unset).
func NATFlag() uint64 { return natFlag }

// Shutdown closes the running instance (flushing write-back data); the
// module's Shutdown hook calls it when the server stops cleanly.
func Shutdown() error {
	mu.Lock()
	defer mu.Unlock()
	if current == nil {
		return nil
	}
	err := current.Close()
	current = nil
	return err
}

// UseClock makes the instances built from now on read time from now:
// modules built on usrloc (registrar) test expiry without sleeping.
func UseClock(now func() time.Time) {
	mu.Lock()
	defer mu.Unlock()
	clock = now
	pending.Now = now
}

// clock survives Init's reset of pending, so a test's clock holds for
// every instance it builds.
var clock func() time.Time
