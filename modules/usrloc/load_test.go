package usrloc

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"switchboard/db"
)

// A restart loads the whole location table a page at a time: every row
// once, whatever the count against the page size.
func TestLoadPages(t *testing.T) {
	for _, n := range []int{1, loadPage - 1, loadPage, loadPage + 1, 2*loadPage + 7} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			url := "sqlite://" + filepath.Join(t.TempDir(), "location.db")
			now := time.Now()
			if err := WriteLocationRows(url, n, now); err != nil {
				t.Fatal(err)
			}
			u, err := New(Config{DBMode: WriteThrough, DBURL: url, NoTimer: true})
			if err != nil {
				t.Fatal(err)
			}
			defer u.Close()
			d, err := u.Domain("location")
			if err != nil {
				t.Fatal(err)
			}
			if st := d.Stats(); st.Users != int64(n) || st.Contacts != int64(n) {
				t.Fatalf("loaded %d users, %d contacts; want %d of each", st.Users, st.Contacts, n)
			}
			for _, i := range []int{0, n / 2, n - 1} {
				cs, err := d.Get("user" + strconv.Itoa(i))
				if err != nil || len(cs) != 1 || cs[0].ID != int64(i+1) || cs[0].Socket != "udp:127.0.0.1:5060" {
					t.Errorf("user%d: %+v, %v; want the binding with contact_id %d", i, cs, err, i+1)
				}
			}
		})
	}
}

// slowConn times out the first failures page queries of load.
type slowConn struct {
	db.RawConn
	failures, queries int
}

func (c *slowConn) Query(ctx context.Context, table string, cols []string, where []db.Cond, order string, limit int) ([]db.Row, error) {
	if order != "contact_id" {
		return c.RawConn.Query(ctx, table, cols, where, order, limit)
	}
	c.queries++
	if c.queries <= c.failures {
		return nil, db.Wrap("query", table, context.DeadlineExceeded)
	}
	return c.RawConn.Query(ctx, table, cols, where, order, limit)
}

// A page that times out is read again, up to loadAttempts times.
func TestLoadRetriesSlowPage(t *testing.T) {
	url := "sqlite://" + filepath.Join(t.TempDir(), "location.db")
	if err := WriteLocationRows(url, 3, time.Now()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		failures int
		wantErr  bool
	}{
		{"no timeout", 0, false},
		{"one timeout", 1, false},
		{"timeouts up to the last attempt", loadAttempts - 1, false},
		{"every attempt times out", loadAttempts, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := New(Config{DBMode: WriteThrough, DBURL: url, NoTimer: true})
			if err != nil {
				t.Fatal(err)
			}
			defer u.Close()
			u.conn = &slowConn{RawConn: u.conn.(db.RawConn), failures: tt.failures}
			d, err := u.Domain("location")
			if tt.wantErr {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("Domain: %v, want a timeout", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := d.Stats().Contacts; n != 3 {
				t.Fatalf("loaded %d contacts, want 3", n)
			}
		})
	}
}
