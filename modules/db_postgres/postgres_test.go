package db_postgres

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"switchboard/db"
	"switchboard/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m, "postgres") }

func TestConformance(t *testing.T) {
	dbtest.Suite(t, func(t *testing.T) string { return dbtest.NewURL(t, "postgres") })
}

func TestTimeouts(t *testing.T) {
	url := dbtest.NewURL(t, "postgres")
	conn := dbtest.Open(t, url, db.Config{Timeout: 300 * time.Millisecond})
	ctx := context.Background()
	t.Run("pg_sleep", func(t *testing.T) {
		start := time.Now()
		_, err := conn.(db.RawConn).Raw(ctx, "SELECT pg_sleep(10)")
		if err == nil || time.Since(start) > 2*time.Second {
			t.Errorf("pg_sleep(10): %v after %s", err, time.Since(start))
		}
	})
	t.Run("locked_table", func(t *testing.T) {
		other, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		tx, err := other.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "LOCK TABLE subscriber IN ACCESS EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = conn.Query(ctx, "subscriber", nil, nil, "", 0)
		if err == nil || time.Since(start) > 2*time.Second {
			t.Errorf("query of a locked table: %v after %s", err, time.Since(start))
		}
	})
}

// TestReconnect: calls fail fast while the server is down and succeed
// again once it is back.
func TestReconnect(t *testing.T) { dbtest.Reconnect(t, "postgres") }
