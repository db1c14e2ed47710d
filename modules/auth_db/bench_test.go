package auth_db

import (
	"context"
	"fmt"
	"testing"

	"switchboard/db"
)

// BenchmarkSubscriberLookup is the subscriber read of www_authorize
// through the db layer's Query, which prepares each shape once, against
// the same SELECT run unprepared through the connection's Raw.
func BenchmarkSubscriberLookup(b *testing.B) {
	_, conn := newDB(b)
	ctx := context.Background()
	for i := range 1000 {
		if err := AddUser(ctx, conn, fmt.Sprintf("user%d", i), "example.com", "pw", false); err != nil {
			b.Fatal(err)
		}
	}
	cols := []string{"ha1"}
	for _, bench := range []struct {
		name string
		run  func(where []db.Cond) ([]db.Row, error)
	}{
		{"query", func(where []db.Cond) ([]db.Row, error) { return conn.Query(ctx, "subscriber", cols, where, "", 1) }},
		{"raw", func(where []db.Cond) ([]db.Row, error) {
			return conn.(db.RawConn).Raw(ctx, `SELECT "ha1" FROM "subscriber" WHERE "username" = ? LIMIT 1`, where[0].Val)
		}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := range b.N {
				rows, err := bench.run([]db.Cond{{Col: "username", Val: fmt.Sprintf("user%d", i%1000)}})
				if err != nil || len(rows) != 1 {
					b.Fatal(rows, err)
				}
			}
		})
	}
}
