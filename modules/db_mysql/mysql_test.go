package db_mysql

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"switchboard/db"
	"switchboard/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m, "mysql") }

func TestConformance(t *testing.T) {
	dbtest.Suite(t, func(t *testing.T) string { return dbtest.NewURL(t, "mysql") })
}

func TestTimeouts(t *testing.T) {
	url := dbtest.NewURL(t, "mysql")
	conn := dbtest.Open(t, url, db.Config{Timeout: 300 * time.Millisecond})
	ctx := context.Background()
	t.Run("sleep", func(t *testing.T) {
		start := time.Now()
		_, err := conn.(db.RawConn).Raw(ctx, "SELECT SLEEP(10)")
		if err == nil || time.Since(start) > 2*time.Second {
			t.Errorf("pg_sleep(10): %v after %s", err, time.Since(start))
		}
	})
	t.Run("locked_table", func(t *testing.T) {
		mc, err := Config(url, db.Config{})
		if err != nil {
			t.Fatal(err)
		}
		other, err := sql.Open("mysql", mc.FormatDSN())
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		lock, err := other.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer lock.Close()
		if _, err := lock.ExecContext(ctx, "LOCK TABLES subscriber WRITE"); err != nil {
			t.Fatal(err)
		}
		defer lock.ExecContext(ctx, "UNLOCK TABLES")
		start := time.Now()
		_, err = conn.Query(ctx, "subscriber", nil, nil, "", 0)
		if err == nil || time.Since(start) > 2*time.Second {
			t.Errorf("query of a locked table: %v after %s", err, time.Since(start))
		}
	})
}

// TestReconnect: calls fail fast while the server is down and succeed
// again once it is back.
func TestReconnect(t *testing.T) { dbtest.Reconnect(t, "mysql") }
