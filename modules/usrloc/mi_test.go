package usrloc

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestMICommands(t *testing.T) {
	url := "sqlite://" + filepath.Join(t.TempDir(), "x.db")
	clock := &fakeClock{now: t0}
	u, _ := open(t, WriteBack, url, clock)
	steps := []struct {
		name string
		do   func() error
		want map[string][]string // ul_dump afterwards: AOR -> contacts
	}{
		{"ul_add adds", func() error {
			return u.Add("location", "alice", "sip:a@h", 3600, 1000, 0, 0, AllMethods)
		}, map[string][]string{"alice": {"sip:a@h"}}},
		{"ul_add a second contact, lower q last", func() error {
			return u.Add("location", "alice", "sip:b@h", 3600, 100, 0, 0, AllMethods)
		}, map[string][]string{"alice": {"sip:a@h", "sip:b@h"}}},
		{"ul_add permanent for bob", func() error {
			return u.Add("location", "bob", "sip:bob@h", 0, 1000, 0, 0, AllMethods)
		}, map[string][]string{"alice": {"sip:a@h", "sip:b@h"}, "bob": {"sip:bob@h"}}},
		{"ul_rm_contact removes one", func() error { return u.RmContact("location", "alice", "sip:a@h") },
			map[string][]string{"alice": {"sip:b@h"}, "bob": {"sip:bob@h"}}},
		{"ul_rm removes the AOR", func() error { return u.Rm("location", "alice") },
			map[string][]string{"bob": {"sip:bob@h"}}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		dump, err := u.Dump()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, r := range dump[0].Records {
			got[r.AOR] = uris(r.Contacts)
		}
		if len(got) != len(s.want) {
			t.Fatalf("%s: dump %v, want %v", s.name, got, s.want)
		}
		for aor, cs := range s.want {
			if !slices.Equal(got[aor], cs) {
				t.Errorf("%s: %s has %q, want %q", s.name, aor, got[aor], cs)
			}
		}
	}
	if _, err := u.ShowContact("location", "alice"); err == nil {
		t.Error("ul_show_contact of a removed AOR succeeded")
	}
	if cs, err := u.ShowContact("location", "bob"); err != nil || cs[0].Expires != 0 {
		t.Errorf("ul_show_contact bob: %v %+v", err, cs)
	}
	if err := u.RmContact("location", "bob", "sip:nobody@h"); err == nil {
		t.Error("ul_rm_contact of a missing contact succeeded")
	}
	if _, err := u.ShowContact("nosuch", "bob"); err == nil {
		t.Error("unknown table accepted")
	}
	// ul_flush writes the write-back cache; ul_sync rewrites everything.
	if err := u.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := u.Sync("location", ""); err != nil {
		t.Fatal(err)
	}
	clock.Set(t0.Add(100 * 365 * 24 * time.Hour)) // permanent means permanent
	_, d2 := open(t, WriteBack, url, clock)
	if cs := mustGet(t, d2, "bob"); len(cs) != 1 {
		t.Errorf("bob after restart: %q", uris(cs))
	}
}

func TestPresets(t *testing.T) {
	tests := []struct {
		preset string
		mode   int
		ok     bool
	}{
		{"single-instance-no-db", NoDB, true},
		{"single-instance-sql-write-through", WriteThrough, true},
		{"single-instance-sql-write-back", WriteBack, true},
		{"sql-only", DBOnly, true},
		{"full-sharing-cachedb-cluster", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.preset, func(t *testing.T) {
			pending = defaults()
			err := setPreset(tc.preset)
			if (err == nil) != tc.ok || tc.ok && pending.DBMode != tc.mode {
				t.Errorf("err %v, db_mode %d", err, pending.DBMode)
			}
			pending = defaults()
		})
	}
}

func TestSortContacts(t *testing.T) {
	cs := []Contact{
		{URI: "old-low", Q: 100, LastModified: t0},
		{URI: "unspecified", Q: QUnspecified, LastModified: t0.Add(3)},
		{URI: "old-high", Q: 900, LastModified: t0.Add(1)},
		{URI: "new-high", Q: 900, LastModified: t0.Add(2)},
	}
	SortContacts(cs, false)
	if got := uris(cs); !slices.Equal(got, []string{"old-high", "new-high", "old-low", "unspecified"}) {
		t.Errorf("by q: %q", got)
	}
	SortContacts(cs, true)
	if got := uris(cs); !slices.Equal(got, []string{"unspecified", "new-high", "old-high", "old-low"}) {
		t.Errorf("desc_time_order: %q", got)
	}
}
