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

// Query keeps its statements prepared: a shape that failed to prepare
// (no table yet) is tried again once the table exists, a kept statement
// reads the data of the moment, and more shapes than the cache holds
// still run (unprepared).
func TestQueryStatements(t *testing.T) {
	conn, err := db.Open("sqlite://" + filepath.Join(t.TempDir(), "stmts.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	raw := conn.(db.RawConn)
	ctx := context.Background()
	where := []db.Cond{{Col: "k", Val: "a"}}
	if _, err := conn.Query(ctx, "t", []string{"v"}, where, "", 1); err == nil {
		t.Fatal("a query of a missing table succeeded")
	}
	if _, err := raw.Exec(ctx, `CREATE TABLE t (k TEXT, v INTEGER, c0 INTEGER)`); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int64{1, 2} {
		if _, err := raw.Exec(ctx, `DELETE FROM t`); err != nil {
			t.Fatal(err)
		}
		if err := conn.Insert(ctx, "t", db.Row{"k": "a", "v": want}); err != nil {
			t.Fatal(err)
		}
		rows, err := conn.Query(ctx, "t", []string{"v"}, where, "", 1)
		if err != nil || len(rows) != 1 || rows[0]["v"] != want {
			t.Fatalf("query %d: %v, %v; want v=%d", i, rows, err, want)
		}
	}
	for i := range 300 { // more shapes than the cache keeps
		if _, err := conn.Query(ctx, "t", []string{"v"}, where, "", i+1); err != nil {
			t.Fatalf("shape %d: %v", i, err)
		}
	}
}
