package dbtest

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"switchboard/db"
	"switchboard/db/schema"
)

// Open opens url and creates the tables the suite uses.
func Open(t *testing.T, url string, cfg db.Config) db.Conn {
	t.Helper()
	conn, err := db.OpenConfig(url, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", db.Redact(url), err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := schema.CreateSchema(context.Background(), conn, []string{"subscriber", "location", "dialog"}); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	return conn
}

// Subscriber is a full subscriber row (db_text has no column defaults).
func Subscriber(user, domain, password string) db.Row {
	return db.Row{"username": user, "domain": domain, "password": password,
		"ha1": "", "ha1_sha256": "", "ha1_sha512t256": ""}
}

// Contact is a full location row.
func Contact(user, contact string, expires int64) db.Row {
	return db.Row{"username": user, "domain": nil, "contact": contact, "received": nil, "path": nil,
		"expires": expires, "q": 1.0, "callid": "cid", "cseq": int64(1),
		"last_modified": time.Date(2024, 5, 6, 7, 8, 9, 0, time.Local), "flags": int64(0),
		"cflags": nil, "user_agent": "ua", "socket": nil, "methods": nil, "sip_instance": nil,
		"kv_store": nil, "attr": nil}
}

// Suite runs every operation of the db API against fresh databases
// whose URLs newURL returns.
func Suite(t *testing.T, newURL func(t *testing.T) string) {
	ctx := context.Background()
	cases := []struct {
		name string
		run  func(t *testing.T, c db.Conn)
	}{
		{"table_version", func(t *testing.T, c db.Conn) {
			for table, want := range map[string]int{"subscriber": 8, "location": 1013, "dialog": 12} {
				if got, err := c.TableVersion(ctx, table); err != nil || got != want {
					t.Errorf("TableVersion(%s) = %d, %v; want %d", table, got, err, want)
				}
			}
			if _, err := c.TableVersion(ctx, "acc"); !errors.Is(err, db.ErrNoVersion) {
				t.Errorf("TableVersion(acc) error = %v, want ErrNoVersion", err)
			}
		}},
		{"insert_and_query", func(t *testing.T, c db.Conn) {
			mustInsert(t, c, "subscriber", Subscriber("alice", "example.com", "secret"))
			mustInsert(t, c, "subscriber", Subscriber("bob", "example.com", "hunter2"))
			rows := mustQuery(t, c, "subscriber", nil, []db.Cond{{Col: "username", Val: "alice"}}, "", 0)
			if len(rows) != 1 || rows[0]["password"] != "secret" || rows[0]["domain"] != "example.com" {
				t.Fatalf("rows = %v", rows)
			}
			if id, ok := rows[0]["id"].(int64); !ok || id <= 0 {
				t.Errorf("auto id = %#v, want a positive int64", rows[0]["id"])
			}
			rows = mustQuery(t, c, "subscriber", []string{"username"}, nil, "username DESC", 0)
			if len(rows) != 2 || rows[0]["username"] != "bob" || len(rows[0]) != 1 {
				t.Errorf("ordered rows = %v", rows)
			}
		}},
		{"operators_order_limit", func(t *testing.T, c db.Conn) {
			for i := int64(1); i <= 5; i++ {
				mustInsert(t, c, "location", Contact("alice", "sip:a@"+string(rune('0'+i)), i*100))
			}
			for _, tc := range []struct {
				op   string
				val  int64
				want int
			}{{"=", 300, 1}, {"!=", 300, 4}, {"<", 300, 2}, {">", 300, 2}, {"<=", 300, 3}, {">=", 300, 3}} {
				rows := mustQuery(t, c, "location", []string{"expires"}, []db.Cond{{Col: "expires", Op: tc.op, Val: tc.val}}, "", 0)
				if len(rows) != tc.want {
					t.Errorf("expires %s %d: %d rows, want %d", tc.op, tc.val, len(rows), tc.want)
				}
			}
			rows := mustQuery(t, c, "location", []string{"expires"}, []db.Cond{{Col: "username", Val: "alice"}}, "expires DESC", 2)
			if len(rows) != 2 || rows[0]["expires"] != int64(500) || rows[1]["expires"] != int64(400) {
				t.Errorf("order+limit rows = %v", rows)
			}
		}},
		{"update", func(t *testing.T, c db.Conn) {
			mustInsert(t, c, "subscriber", Subscriber("alice", "example.com", "old"))
			n, err := c.Update(ctx, "subscriber", db.Row{"password": "new", "ha1": "abc"}, []db.Cond{{Col: "username", Val: "alice"}})
			if err != nil || n != 1 {
				t.Fatalf("Update = %d, %v", n, err)
			}
			// The rows matched count, even when nothing changes.
			if n, err = c.Update(ctx, "subscriber", db.Row{"password": "new"}, []db.Cond{{Col: "username", Val: "alice"}}); err != nil || n != 1 {
				t.Errorf("Update with the same value = %d, %v; want 1", n, err)
			}
			if n, err = c.Update(ctx, "subscriber", db.Row{"password": "x"}, []db.Cond{{Col: "username", Val: "nobody"}}); err != nil || n != 0 {
				t.Errorf("Update of no row = %d, %v", n, err)
			}
			rows := mustQuery(t, c, "subscriber", []string{"password", "ha1"}, nil, "", 0)
			if rows[0]["password"] != "new" || rows[0]["ha1"] != "abc" {
				t.Errorf("after update: %v", rows)
			}
		}},
		{"delete", func(t *testing.T, c db.Conn) {
			for _, u := range []string{"a", "b", "c"} {
				mustInsert(t, c, "subscriber", Subscriber(u, "d", "p"))
			}
			if n, err := c.Delete(ctx, "subscriber", []db.Cond{{Col: "username", Val: "b"}}); err != nil || n != 1 {
				t.Fatalf("Delete = %d, %v", n, err)
			}
			if n, err := c.Delete(ctx, "subscriber", nil); err != nil || n != 2 {
				t.Fatalf("Delete all = %d, %v", n, err)
			}
			if rows := mustQuery(t, c, "subscriber", nil, nil, "", 0); len(rows) != 0 {
				t.Errorf("rows left: %v", rows)
			}
		}},
		{"upsert", func(t *testing.T, c db.Conn) {
			keys := []string{"username", "domain"}
			if err := c.Upsert(ctx, "subscriber", Subscriber("alice", "d", "one"), keys); err != nil {
				t.Fatal(err)
			}
			if err := c.Upsert(ctx, "subscriber", Subscriber("alice", "d", "two"), keys); err != nil {
				t.Fatal(err)
			}
			if err := c.Upsert(ctx, "subscriber", Subscriber("alice", "other", "three"), keys); err != nil {
				t.Fatal(err)
			}
			rows := mustQuery(t, c, "subscriber", []string{"domain", "password"}, nil, "domain", 0)
			if len(rows) != 2 || rows[0]["password"] != "two" || rows[1]["password"] != "three" {
				t.Errorf("after upserts: %v", rows)
			}
			if err := c.Upsert(ctx, "subscriber", db.Row{"username": "alice", "domain": "d"}, keys); err != nil {
				t.Errorf("upsert of keys only: %v", err)
			}
			if err := c.Upsert(ctx, "subscriber", Subscriber("x", "d", "p"), []string{"nosuch"}); err == nil {
				t.Errorf("upsert on a key without a value succeeded")
			}
		}},
		{"nulls", func(t *testing.T, c db.Conn) {
			withDomain := Contact("alice", "sip:1", 10)
			withDomain["domain"] = "example.com"
			mustInsert(t, c, "location", withDomain)
			mustInsert(t, c, "location", Contact("bob", "sip:2", 10))
			rows := mustQuery(t, c, "location", []string{"username", "domain", "received"}, []db.Cond{{Col: "domain", Val: nil}}, "", 0)
			if len(rows) != 1 || rows[0]["username"] != "bob" || rows[0]["domain"] != nil || rows[0]["received"] != nil {
				t.Errorf("IS NULL rows = %#v", rows)
			}
			rows = mustQuery(t, c, "location", []string{"username"}, []db.Cond{{Col: "domain", Op: "IS NOT NULL"}}, "", 0)
			if len(rows) != 1 || rows[0]["username"] != "alice" {
				t.Errorf("IS NOT NULL rows = %v", rows)
			}
			if _, err := c.Update(ctx, "location", db.Row{"domain": nil}, []db.Cond{{Col: "username", Val: "alice"}}); err != nil {
				t.Fatal(err)
			}
			if rows = mustQuery(t, c, "location", nil, []db.Cond{{Col: "domain", Op: "=", Val: nil}}, "", 0); len(rows) != 2 {
				t.Errorf("after setting NULL: %d rows", len(rows))
			}
		}},
		{"types", func(t *testing.T, c db.Conn) {
			row := Contact("alice", "sip:1", 3600)
			row["q"] = 0.5
			row["methods"] = int64(2147483647)
			mustInsert(t, c, "location", row)
			got := mustQuery(t, c, "location", nil, nil, "", 0)[0]
			if got["q"] != 0.5 || got["methods"] != int64(2147483647) || got["expires"] != int64(3600) {
				t.Errorf("q, methods, expires = %#v %#v %#v", got["q"], got["methods"], got["expires"])
			}
			lm, ok := got["last_modified"].(time.Time)
			if !ok || !lm.Equal(row["last_modified"].(time.Time)) {
				t.Errorf("last_modified = %#v, want %v", got["last_modified"], row["last_modified"])
			}
			if rows := mustQuery(t, c, "location", []string{"username"}, []db.Cond{{Col: "last_modified", Op: "<", Val: time.Date(2025, 1, 1, 0, 0, 0, 0, time.Local)}}, "", 0); len(rows) != 1 {
				t.Errorf("time comparison: %d rows", len(rows))
			}
		}},
		{"unicode", func(t *testing.T, c db.Conn) {
			name := "Zoë_日本語_🎉"
			mustInsert(t, c, "subscriber", Subscriber(name, "exämple.org", "pässwörd"))
			rows := mustQuery(t, c, "subscriber", []string{"username", "password"}, []db.Cond{{Col: "username", Val: name}}, "", 0)
			if len(rows) != 1 || rows[0]["username"] != name || rows[0]["password"] != "pässwörd" {
				t.Errorf("rows = %v", rows)
			}
		}},
		{"large_values", func(t *testing.T, c db.Conn) {
			contact := "sip:" + strings.Repeat("x", 60000)
			mustInsert(t, c, "location", Contact("alice", contact, 1))
			blob := make([]byte, 60000)
			for i := range blob {
				blob[i] = byte(i % 256)
			}
			mustInsert(t, c, "dialog", dialog(1<<40, blob))
			rows := mustQuery(t, c, "location", []string{"contact"}, nil, "", 0)
			if len(rows) != 1 || rows[0]["contact"] != contact {
				t.Errorf("contact of %d bytes did not survive", len(contact))
			}
			rows = mustQuery(t, c, "dialog", []string{"dlg_id", "vars", "profiles"}, nil, "", 0)
			if len(rows) != 1 || rows[0]["dlg_id"] != int64(1<<40) || !bytes.Equal(rows[0]["vars"].([]byte), blob) {
				t.Errorf("dialog row did not survive: dlg_id %v", rows[0]["dlg_id"])
			}
		}},
		{"injection_in_values", func(t *testing.T, c db.Conn) {
			evil := []string{"x'); DROP TABLE subscriber; --", `a"b\c`, "'; DELETE FROM version; --", "\\'", "$1", "?"}
			for _, v := range evil {
				row := Subscriber(v, "d", "p")
				row["ha1"] = v
				mustInsert(t, c, "subscriber", row)
			}
			for _, v := range evil {
				rows := mustQuery(t, c, "subscriber", []string{"ha1"}, []db.Cond{{Col: "username", Val: v}}, "", 0)
				if len(rows) != 1 || rows[0]["ha1"] != v {
					t.Errorf("value %q: rows %v", v, rows)
				}
			}
			if v, err := c.TableVersion(ctx, "subscriber"); err != nil || v != 8 {
				t.Errorf("version table damaged: %d %v", v, err)
			}
		}},
		{"injection_in_identifiers", func(t *testing.T, c db.Conn) {
			mustInsert(t, c, "subscriber", Subscriber("alice", "d", "p"))
			_, err1 := c.Query(ctx, "subscriber; DROP TABLE version", nil, nil, "", 0)
			_, err2 := c.Query(ctx, "subscriber", []string{"username FROM version --"}, nil, "", 0)
			_, err3 := c.Query(ctx, "subscriber", nil, []db.Cond{{Col: "1=1 OR username", Val: "x"}}, "", 0)
			_, err4 := c.Query(ctx, "subscriber", nil, nil, "id; DROP TABLE version", 0)
			err5 := c.Insert(ctx, "subscriber", db.Row{"username`, `password": "x"})
			_, err6 := c.Delete(ctx, `subscriber"`, nil)
			for i, err := range []error{err1, err2, err3, err4, err5, err6} {
				if !errors.Is(err, db.ErrIdent) {
					t.Errorf("case %d: error %v, want ErrIdent", i+1, err)
				}
			}
			if _, err := c.Query(ctx, "subscriber", nil, []db.Cond{{Col: "username", Op: "= 'x' OR 1=1 --", Val: "x"}}, "", 0); err == nil {
				t.Errorf("operator injection accepted")
			}
			if rows := mustQuery(t, c, "subscriber", nil, nil, "", 0); len(rows) != 1 {
				t.Errorf("subscriber has %d rows, want 1", len(rows))
			}
		}},
		{"errors_name_table_and_operation", func(t *testing.T, c db.Conn) {
			err := c.Insert(ctx, "nosuch", db.Row{"a": int64(1)})
			if err == nil || !strings.Contains(err.Error(), "insert nosuch") {
				t.Errorf("error = %v, want it to name the operation and table", err)
			}
			if err := c.Insert(ctx, "subscriber", db.Row{"username": struct{}{}}); err == nil {
				t.Errorf("a struct value was accepted")
			}
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := c.Query(cancelled, "subscriber", nil, nil, "", 0); err == nil {
				t.Errorf("query with a cancelled context succeeded")
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, Open(t, newURL(t), db.Config{}))
		})
	}
}

func dialog(id int64, vars []byte) db.Row {
	return db.Row{"dlg_id": id, "callid": "c", "from_uri": "sip:a", "from_tag": "ft", "to_uri": "sip:b", "to_tag": "tt",
		"mangled_from_uri": nil, "mangled_to_uri": nil, "caller_cseq": "1", "callee_cseq": "1",
		"caller_ping_cseq": int64(0), "callee_ping_cseq": int64(0), "caller_route_set": nil, "callee_route_set": nil,
		"caller_contact": nil, "callee_contact": nil, "caller_sock": "udp:1.2.3.4:5060", "callee_sock": "udp:1.2.3.4:5060",
		"state": int64(1), "start_time": int64(0), "timeout": int64(0), "vars": vars, "profiles": nil, "script_flags": nil,
		"module_flags": int64(0), "flags": int64(0), "rt_on_answer": nil, "rt_on_timeout": nil, "rt_on_hangup": nil}
}

func mustInsert(t *testing.T, c db.Conn, table string, row db.Row) {
	t.Helper()
	if err := c.Insert(context.Background(), table, row); err != nil {
		t.Fatalf("insert: %v", err)
	}
}

func mustQuery(t *testing.T, c db.Conn, table string, cols []string, where []db.Cond, order string, limit int) []db.Row {
	t.Helper()
	rows, err := c.Query(context.Background(), table, cols, where, order, limit)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	return rows
}

// Reconnect checks a driver of a server dbtest runs: while the server is
// down calls fail quickly; once it is back the next call succeeds on a new
// connection.
func Reconnect(t *testing.T, driver string) {
	conn := Open(t, NewURL(t, driver), db.Config{Timeout: 2 * time.Second})
	ctx := context.Background()
	if err := conn.Insert(ctx, "subscriber", Subscriber("a", "b", "c")); err != nil {
		t.Fatal(err)
	}
	srv := Servers[driver]
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := conn.Query(ctx, "subscriber", nil, nil, "", 0); err == nil {
		t.Errorf("query with the server down succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("query with the server down took %s", d)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, "subscriber", nil, nil, "", 0)
	if err != nil || len(rows) != 1 {
		t.Errorf("first query after the restart: %v, %v", rows, err)
	}
}
