package dbtest

import (
	"fmt"
	"os"
	"testing"
)

// Servers are the servers Main started for this test binary.
var Servers = map[string]*Server{}

// Main is a TestMain that starts the named servers ("postgres",
// "mysql") before the tests and stops them after. A server that cannot
// start fails the whole binary with the reason: a missing package must
// not look like a pass.
func Main(m *testing.M, kinds ...string) {
	code := func() int {
		for _, k := range kinds {
			start := StartPostgres
			if k == "mysql" {
				start = StartMariaDB
			}
			s, err := start()
			if err != nil {
				fmt.Fprintf(os.Stderr, "FAIL: cannot start a %s server for the tests: %v\n", k, err)
				return 1
			}
			defer s.Close()
			Servers[k] = s
		}
		return m.Run()
	}()
	os.Exit(code)
}

// NewURL returns the URL of a fresh empty database on the server of kind.
func NewURL(t testing.TB, kind string) string {
	t.Helper()
	s := Servers[kind]
	if s == nil {
		t.Fatalf("no %s server: call dbtest.Main(m, %q) from TestMain", kind, kind)
	}
	url, err := s.NewDatabase()
	if err != nil {
		t.Fatalf("create a %s database: %v", kind, err)
	}
	return url
}
