package usrloc

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"
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
