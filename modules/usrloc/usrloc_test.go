package usrloc

import (
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"switchboard/db"
	_ "switchboard/modules/db_sqlite"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

func open(t *testing.T, mode int, url string, clock *fakeClock) (*Usrloc, *Domain) {
	t.Helper()
	u, err := New(Config{DBMode: mode, DBURL: url, Now: clock.Now, NoTimer: true, Shards: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	d, err := u.Domain("location")
	if err != nil {
		t.Fatal(err)
	}
	return u, d
}

func binding(uri string, expiresAt time.Time) Contact {
	return Contact{URI: uri, Expires: expiresAt.Unix(), Q: 500, CallID: "c1", CSeq: 7, Methods: AllMethods,
		Path: "<sip:edge;lr>", Received: "sip:203.0.113.1:5060", Socket: "udp:127.0.0.1:5060",
		Instance: "<urn:uuid:1>", RegID: "1", UserAgent: "ua", LastModified: t0}
}

func uris(cs []Contact) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.URI)
	}
	return out
}

func TestRestart(t *testing.T) {
	// DESIGN decision 7: what a mode acknowledged survives a new instance
	// on the same database; write-back only what was flushed.
	tests := []struct {
		name    string
		mode    int
		flush   bool
		survive bool
	}{
		{"write-through survives", WriteThrough, false, true},
		{"write-back survives after a flush", WriteBack, true, true},
		{"write-back loses what was never flushed (kill -9)", WriteBack, false, false},
		{"DB-only reads the table", DBOnly, false, true},
		{"no DB forgets", NoDB, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := "sqlite://" + filepath.Join(t.TempDir(), "x.db")
			if tc.mode == NoDB {
				url = ""
			}
			clock := &fakeClock{now: t0}
			u, d := open(t, tc.mode, url, clock)
			if err := d.Insert("alice", binding("sip:alice@192.0.2.1", t0.Add(time.Hour)),
				binding("sip:alice@192.0.2.2", t0.Add(time.Hour))); err != nil {
				t.Fatal(err)
			}
			if tc.flush {
				if err := u.Flush(); err != nil {
					t.Fatal(err)
				}
			}
			// A crash: the old instance is abandoned, not closed.
			_, d2 := open(t, tc.mode, url, clock)
			got, err := d2.Get("alice")
			if err != nil {
				t.Fatal(err)
			}
			if !tc.survive {
				if len(got) != 0 {
					t.Fatalf("found %q", uris(got))
				}
				return
			}
			if len(got) != 2 {
				t.Fatalf("after restart %q, want 2 bindings", uris(got))
			}
			want := binding("sip:alice@192.0.2.1", t0.Add(time.Hour))
			got[0].ID, got[0].LastModified = 0, t0
			if !sameContact(got[0], want) {
				t.Errorf("round trip changed the binding:\n got %+v\nwant %+v", got[0], want)
			}
		})
	}
}

func TestExpiry(t *testing.T) {
	for _, mode := range []int{NoDB, WriteThrough, WriteBack, DBOnly} {
		url := ""
		if mode != NoDB {
			url = "sqlite://" + filepath.Join(t.TempDir(), "x.db")
		}
		clock := &fakeClock{now: t0}
		u, d := open(t, mode, url, clock)
		d.Insert("alice", binding("sip:short@h", t0.Add(time.Minute)), binding("sip:long@h", t0.Add(time.Hour)))
		d.Insert("bob", binding("sip:bob@h", t0.Add(time.Minute)))
		clock.Set(t0.Add(time.Minute))
		if cs, _ := d.Get("alice"); !slices.Equal(uris(cs), []string{"sip:long@h"}) {
			t.Errorf("mode %d: expired binding returned before the sweep: %q", mode, uris(cs))
		}
		if err := u.Tick(clock.Now()); err != nil {
			t.Fatal(err)
		}
		if mode != DBOnly {
			if s := d.Stats(); s != (Stats{Users: 1, Contacts: 1, Expires: 2}) {
				t.Errorf("mode %d: stats %+v", mode, s)
			}
			if u.RegisteredUsers() != 1 {
				t.Errorf("mode %d: registered_users %d", mode, u.RegisteredUsers())
			}
		}
		if mode != NoDB {
			_, d2 := open(t, mode, url, clock)
			if aors, _ := d2.AORs(); !slices.Equal(aors, []string{"alice"}) {
				t.Errorf("mode %d: table holds %q after the sweep", mode, aors)
			}
		}
	}
}

func TestUpdateIsAtomic(t *testing.T) {
	clock := &fakeClock{now: t0}
	_, d := open(t, NoDB, "", clock)
	d.Insert("alice", binding("sip:a@h", t0.Add(time.Hour)))
	refuse := errors.New("refused")
	_, err := d.Update("alice", func(_ time.Time, cur []Contact) ([]Contact, error) {
		cur[0].URI = "sip:changed@h"
		return nil, refuse
	})
	if !errors.Is(err, refuse) {
		t.Fatalf("error %v", err)
	}
	if cs, _ := d.Get("alice"); !slices.Equal(uris(cs), []string{"sip:a@h"}) {
		t.Errorf("a refused update changed the table: %q", uris(cs))
	}
	// Concurrent updates of one AOR are serialised: none is lost.
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			d.Update("alice", func(_ time.Time, cur []Contact) ([]Contact, error) {
				return append(cur, binding("sip:"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@h", t0.Add(time.Hour))), nil
			})
		})
	}
	wg.Wait()
	if cs, _ := d.Get("alice"); len(cs) != 51 {
		t.Errorf("%d bindings after 50 concurrent adds, want 51", len(cs))
	}
}

func TestDatabaseFailure(t *testing.T) {
	// A database that stops answering makes writes fail with an error,
	// never a panic or a hang, and write-through keeps memory as it was.
	path := filepath.Join(t.TempDir(), "x.db")
	clock := &fakeClock{now: t0}
	u, d := open(t, WriteThrough, "sqlite://"+path, clock)
	d.Insert("alice", binding("sip:a@h", t0.Add(time.Hour)))
	u.conn.Close()
	if err := d.Insert("bob", binding("sip:b@h", t0.Add(time.Hour))); err == nil {
		t.Fatal("write to a closed database succeeded")
	}
	if cs, _ := d.Get("bob"); len(cs) != 0 {
		t.Errorf("memory changed after a failed write-through: %q", uris(cs))
	}
	u2, err := New(Config{DBMode: WriteThrough, DBURL: "sqlite://" + filepath.Join(path, "missing", "x.db"), NoTimer: true})
	if err == nil {
		_, err = u2.Domain("location")
		u2.Close()
	}
	if err == nil {
		t.Error("a database under a missing directory worked")
	}
	// Write-back: a failed flush keeps the data dirty for the next one.
	y := "sqlite://" + filepath.Join(t.TempDir(), "y.db")
	u3, d3 := open(t, WriteBack, y, clock)
	d3.Insert("carol", binding("sip:c@h", t0.Add(time.Hour)))
	conn, _ := db.Open("sqlite://" + filepath.Join(t.TempDir(), "unused.db"))
	real := u3.conn
	u3.conn = conn
	conn.Close()
	if err := u3.Flush(); err == nil {
		t.Fatal("flush to a closed database succeeded")
	}
	u3.conn = real
	if err := u3.Flush(); err != nil {
		t.Fatalf("retry flush: %v", err)
	}
	if _, d4 := open(t, WriteBack, y, clock); len(mustGet(t, d4, "carol")) != 1 {
		t.Error("carol lost after a failed then retried flush")
	}
}

func mustGet(t *testing.T, d *Domain, aor string) []Contact {
	t.Helper()
	cs, err := d.Get(aor)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}
