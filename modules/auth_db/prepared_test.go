package auth_db

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"switchboard/db"
)

// The prepared path returns what the db layer's Query returns, for every
// shape the module uses, and falls back to Query for the others.
func TestPreparedQueryMatchesQuery(t *testing.T) {
	_, conn := newDB(t)
	p := newPreparedQueries(conn)
	defer p.close()
	if p.conn == nil {
		t.Fatal("SQLite connection not recognised as SQL")
	}
	tests := []struct {
		name  string
		table string
		cols  []string
		where []db.Cond
		limit int
	}{
		{"user by name", "subscriber", []string{"ha1"}, []db.Cond{{Col: "username", Val: "alice"}}, 1},
		{"user and domain", "subscriber", []string{"ha1", "password"}, []db.Cond{{Col: "username", Val: "bob"}, {Col: "domain", Val: "example.com"}}, 1},
		{"unknown user", "subscriber", []string{"ha1"}, []db.Cond{{Col: "username", Val: "mallory"}}, 1},
		{"plain password column", "subscriber", []string{"password", "ha1_sha256"}, []db.Cond{{Col: "username", Val: "alice"}}, 1},
		{"no limit", "subscriber", []string{"username"}, []db.Cond{{Col: "domain", Val: "example.com"}}, 0},
		{"NULL condition falls back", "subscriber", []string{"username"}, []db.Cond{{Col: "password", Val: nil}}, 0},
		{"other operator falls back", "subscriber", []string{"username"}, []db.Cond{{Col: "username", Op: "!=", Val: "alice"}}, 0},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := conn.Query(ctx, tt.table, tt.cols, tt.where, "", tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 { // prepared on first use, reused on the second
				got, err := p.query(ctx, conn, tt.table, tt.cols, tt.where, tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("prepared: %v\nQuery:    %v", got, want)
				}
			}
		})
	}
	// One statement per equality shape: "unknown user" has the shape of
	// "user by name", the fallbacks prepare nothing.
	if n := len(p.stmts); n != 4 {
		t.Errorf("%d statements kept, want 4", n)
	}
}

func TestPreparedQueryErrors(t *testing.T) {
	_, conn := newDB(t)
	p := newPreparedQueries(conn)
	defer p.close()
	tests := []struct {
		name  string
		table string
		cols  []string
		where []db.Cond
	}{
		{"bad identifier", "subscriber", []string{"ha1; DROP TABLE subscriber"}, []db.Cond{{Col: "username", Val: "alice"}}},
		{"bad table", "sub scriber", []string{"ha1"}, []db.Cond{{Col: "username", Val: "alice"}}},
		{"missing column", "subscriber", []string{"no_such_column"}, []db.Cond{{Col: "username", Val: "alice"}}},
		{"missing table", "no_such_table", []string{"ha1"}, []db.Cond{{Col: "username", Val: "alice"}}},
		{"unbindable value", "subscriber", []string{"ha1"}, []db.Cond{{Col: "username", Val: struct{}{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := p.query(context.Background(), conn, tt.table, tt.cols, tt.where, 1); err == nil {
				t.Fatal("no error")
			}
		})
	}
	if n := len(p.stmts); n != 0 {
		t.Errorf("%d failed statements kept", n)
	}
	// The table is still there and the good shape still works.
	rows, err := p.query(context.Background(), conn, "subscriber", []string{"ha1"}, []db.Cond{{Col: "username", Val: "alice"}}, 1)
	if err != nil || len(rows) != 1 {
		t.Fatalf("after the errors: %v, %v", rows, err)
	}
}

// BenchmarkSubscriberLookup compares the subscriber read of
// www_authorize through the db layer's Query and prepared once.
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
		{"prepared", func() func(where []db.Cond) ([]db.Row, error) {
			p := newPreparedQueries(conn)
			b.Cleanup(p.close)
			return func(where []db.Cond) ([]db.Row, error) { return p.query(ctx, conn, "subscriber", cols, where, 1) }
		}()},
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
