package cachedb

import (
	"testing"
	"time"
)

// Storage ids are what precedes "://" in a cachedb_url (OpenSIPS
// "redis:cluster1://host/" is reached as cache_fetch("redis:cluster1", ...)).
func TestParseID(t *testing.T) {
	tests := []struct {
		url, scheme, id string
		bad             bool
	}{
		{url: "local://", scheme: "local", id: "local"},
		{url: "local:g1:///coll", scheme: "local", id: "local:g1"},
		{url: "redis:cluster1://10.0.0.1:6379/", scheme: "redis", id: "redis:cluster1"},
		{url: "local", bad: true},
		{url: "://x", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			scheme, id, err := ParseID(tt.url)
			if (err != nil) != tt.bad {
				t.Fatalf("err = %v, bad = %v", err, tt.bad)
			}
			if !tt.bad && (scheme != tt.scheme || id != tt.id) {
				t.Fatalf("got %q %q, want %q %q", scheme, id, tt.scheme, tt.id)
			}
		})
	}
}

// The "local" id exists without configuration; "local:x" needs a
// cachedb_url; URLs naming the same collection share data.
func TestLookupAndCollections(t *testing.T) {
	def, ok := Lookup("local")
	if !ok {
		t.Fatal("local not available by default")
	}
	if _, ok := Lookup("local:nope"); ok {
		t.Fatal("unconnected id found")
	}
	shared, err := Connect("local:g1:///default")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Disconnect("local:g1") })
	other, err := Connect("local:g2:///other")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Disconnect("local:g2") })
	if _, err := Connect("local:g1://"); err == nil {
		t.Fatal("second connect of an id accepted")
	}
	_ = def.Set("lookup-test", "x", time.Minute)
	if v, ok, _ := shared.Get("lookup-test"); !ok || v != "x" {
		t.Fatal("local:g1 on the default collection does not see local's data")
	}
	if _, ok, _ := other.Get("lookup-test"); ok {
		t.Fatal("another collection sees the default one's data")
	}
	if _, err := Open("nosuch://"); err == nil {
		t.Fatal("unknown scheme opened")
	}
	if SweepLocal() < 0 {
		t.Fatal("negative sweep")
	}
}

// A second driver for a scheme is a programmer error.
func TestRegisterDuplicatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	Register(LocalScheme, openLocal)
}
