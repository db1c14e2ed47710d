package db_sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"switchboard/db"
	"switchboard/db/dbtest"
)

func TestConformance(t *testing.T) {
	dbtest.Suite(t, func(t *testing.T) string {
		return "sqlite://" + filepath.Join(t.TempDir(), "test.db")
	})
}

func TestMemory(t *testing.T) {
	dbtest.Suite(t, func(t *testing.T) string { return "sqlite://memory" })
}

func TestPath(t *testing.T) {
	cases := []struct {
		name, url, path string
		memory, bad     bool
	}{
		{"absolute", "sqlite:///var/lib/sb.db", "/var/lib/sb.db", false, false},
		{"relative", "sqlite://sb.db", "sb.db", false, false},
		{"memory", "sqlite://memory", "", true, false},
		{"memory_colons", "sqlite://:memory:", "", true, false},
		{"empty", "sqlite://", "", false, true},
		{"other_scheme", "mysql://x/y", "", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, memory, err := Path(tc.url)
			if (err != nil) != tc.bad || path != tc.path || memory != tc.memory {
				t.Errorf("Path(%q) = %q, %v, %v", tc.url, path, memory, err)
			}
		})
	}
}

// TestTimeouts: a write against a database another process holds
// locked, and a runaway query, both give up after the call's timeout.
func TestTimeouts(t *testing.T) {
	file := filepath.Join(t.TempDir(), "locked.db")
	conn := dbtest.Open(t, "sqlite://"+file, db.Config{Timeout: 300 * time.Millisecond})
	ctx := context.Background()

	t.Run("locked_database", func(t *testing.T) {
		other, err := sql.Open("sqlite", "file:"+file)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		otherConn, err := other.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer otherConn.Close()
		if _, err := otherConn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
			t.Fatal(err)
		}
		defer otherConn.ExecContext(ctx, "ROLLBACK")
		start := time.Now()
		err = conn.Insert(ctx, "subscriber", dbtest.Subscriber("a", "b", "c"))
		if err == nil || time.Since(start) > 2*time.Second {
			t.Errorf("insert into a locked database: %v after %s", err, time.Since(start))
		}
	})
	t.Run("runaway_query", func(t *testing.T) {
		start := time.Now()
		_, err := conn.(db.RawConn).Raw(ctx, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c")
		if err == nil || time.Since(start) > 2*time.Second {
			t.Errorf("endless query: %v after %s", err, time.Since(start))
		}
	})
}

// TestPersistence: rows survive closing and reopening the file.
func TestPersistence(t *testing.T) {
	url := "sqlite://" + filepath.Join(t.TempDir(), "p.db")
	conn := dbtest.Open(t, url, db.Config{})
	if err := conn.Insert(context.Background(), "subscriber", dbtest.Subscriber("a", "b", "c")); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	again, err := db.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	rows, err := again.Query(context.Background(), "subscriber", nil, nil, "", 0)
	if err != nil || len(rows) != 1 {
		t.Errorf("after reopen: %v %v", rows, err)
	}
}
