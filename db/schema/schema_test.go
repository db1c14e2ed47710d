package schema_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"switchboard/db"
	"switchboard/db/dbtest"
	"switchboard/db/schema"

	_ "switchboard/modules/db_mysql"
	_ "switchboard/modules/db_postgres"
	_ "switchboard/modules/db_sqlite"
	_ "switchboard/modules/db_text"
)

func TestMain(m *testing.M) { dbtest.Main(m, "postgres", "mysql") }

func TestStatements(t *testing.T) {
	cases := []struct {
		name, table, dialect, want string
	}{
		{"pg_serial", "subscriber", "postgres", "id SERIAL PRIMARY KEY NOT NULL"},
		{"pg_varchar", "subscriber", "postgres", "username VARCHAR(64) DEFAULT '' NOT NULL"},
		{"pg_unique", "subscriber", "postgres", "CONSTRAINT subscriber_account_idx UNIQUE (username, domain)"},
		{"pg_index", "subscriber", "postgres", "CREATE INDEX subscriber_username_idx ON subscriber (username)"},
		{"pg_sequence", "subscriber", "postgres", "ALTER SEQUENCE subscriber_id_seq MAXVALUE 2147483647 CYCLE"},
		{"pg_bigserial", "location", "postgres", "contact_id BIGSERIAL PRIMARY KEY NOT NULL"},
		{"pg_timestamp", "location", "postgres", "last_modified TIMESTAMP WITHOUT TIME ZONE DEFAULT '1900-01-01 00:00:01' NOT NULL"},
		{"pg_bytea", "dialog", "postgres", "vars BYTEA DEFAULT NULL"},
		{"pg_real", "location", "postgres", "q REAL DEFAULT 1.0 NOT NULL"},
		{"sqlite_auto", "location", "sqlite", "contact_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"},
		{"sqlite_float", "location", "sqlite", "q FLOAT(10,2) DEFAULT 1.0 NOT NULL"},
		{"sqlite_bigint", "dialog", "sqlite", "dlg_id BIGINT(10) PRIMARY KEY NOT NULL"},
		{"sqlite_index", "dbaliases", "sqlite", "CREATE INDEX dbaliases_target_idx ON dbaliases (username, domain)"},
		{"mysql_as_is", "subscriber", "mysql", "id INT(10) UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL"},
		{"mysql_engine", "subscriber", "mysql", ") ENGINE=InnoDB"},
		{"mysql_unique", "subscriber", "mysql", "CONSTRAINT account_idx UNIQUE (username, domain)"},
		{"version_row", "location", "mysql", "INSERT INTO version (table_name, table_version) values ('location','1013')"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab, _ := schema.Lookup(tc.table)
			stmts, err := tab.Statements(tc.dialect)
			if err != nil {
				t.Fatal(err)
			}
			if all := strings.Join(stmts, "\n"); !strings.Contains(all, tc.want) {
				t.Errorf("%s %s lacks %q:\n%s", tc.dialect, tc.table, tc.want, all)
			}
		})
	}
}

// columnsOf lists name:nullable of a table's columns, in order, from the
// database's own catalog.
func columnsOf(t *testing.T, c db.Conn, table string) []string {
	t.Helper()
	ctx := context.Background()
	var rows []db.Row
	var err error
	switch rc := c.(type) {
	case db.RawConn:
		switch rc.Dialect() {
		case "sqlite":
			rows, err = rc.Raw(ctx, `SELECT name AS n, CASE "notnull" WHEN 1 THEN 'NO' ELSE 'YES' END AS nullable FROM pragma_table_info(?) ORDER BY cid`, table)
		case "postgres":
			rows, err = rc.Raw(ctx, "SELECT column_name AS n, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position", table)
		case "mysql":
			rows, err = rc.Raw(ctx, "SELECT column_name AS n, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position", table)
		}
	default: // db_text: its own header
		tab, _ := schema.Lookup(table)
		for _, col := range tab.Columns {
			nullable := "YES"
			if col.NotNull {
				nullable = "NO"
			}
			rows = append(rows, db.Row{"n": col.Name, "nullable": nullable})
		}
		if _, err := c.Query(ctx, table, nil, nil, "", 1); err != nil {
			t.Fatalf("db_text %s: %v", table, err)
		}
	}
	if err != nil {
		t.Fatalf("catalog of %s: %v", table, err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, strings.ToLower(r["n"].(string))+":"+r["nullable"].(string))
	}
	return out
}

// TestEveryTableEveryDriver creates every known table in every driver
// and checks that the columns, their order and nullability agree, and
// that the version rows are there.
func TestEveryTableEveryDriver(t *testing.T) {
	urls := map[string]string{
		"sqlite":   "sqlite://" + filepath.Join(t.TempDir(), "all.db"),
		"postgres": dbtest.NewURL(t, "postgres"),
		"mysql":    dbtest.NewURL(t, "mysql"),
		"text":     "text://" + t.TempDir(),
	}
	ctx := context.Background()
	got := map[string]map[string][]string{}
	for driver, url := range urls {
		t.Run(driver, func(t *testing.T) {
			c, err := db.Open(url)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := schema.CreateSchema(ctx, c, schema.Names()); err != nil {
				t.Fatal(err)
			}
			got[driver] = map[string][]string{}
			for _, name := range schema.Names() {
				got[driver][name] = columnsOf(t, c, name)
				tab, _ := schema.Lookup(name)
				if name == "version" {
					continue
				}
				if v, err := c.TableVersion(ctx, name); err != nil || v != tab.Version {
					t.Errorf("%s version = %d, %v; want %d", name, v, err, tab.Version)
				}
			}
		})
	}
	for _, name := range schema.Names() {
		want := got["mysql"][name]
		for driver := range urls {
			if !reflect.DeepEqual(got[driver][name], want) {
				t.Errorf("table %s: %s has %v, mysql %v", name, driver, got[driver][name], want)
			}
		}
	}
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	c, err := db.Open("sqlite://" + filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	created, err := schema.Migrate(ctx, c, []string{"subscriber"})
	if err != nil || !reflect.DeepEqual(created, []string{"version", "subscriber"}) {
		t.Fatalf("first migrate: %v, %v", created, err)
	}
	if created, err = schema.Migrate(ctx, c, []string{"subscriber", "location"}); err != nil || !reflect.DeepEqual(created, []string{"location"}) {
		t.Fatalf("second migrate: %v, %v", created, err)
	}
	// An OpenSIPS 3.4 subscriber (version 7) is refused, even when not named.
	if _, err := c.Update(ctx, "version", db.Row{"table_version": 7}, []db.Cond{{Col: "table_name", Val: "subscriber"}}); err != nil {
		t.Fatal(err)
	}
	_, err = schema.Migrate(ctx, c, []string{"location", "acc"})
	var ve *schema.VersionError
	if !errors.As(err, &ve) || ve.Table != "subscriber" || ve.Have != 7 || ve.Want != 8 {
		t.Fatalf("migrate with an old subscriber: %v", err)
	}
	if ok, _ := schema.HasTable(ctx, c, "acc"); ok {
		t.Errorf("acc was created although the migration was refused")
	}
	if err := schema.CreateSchema(ctx, c, []string{"location"}); err == nil || !strings.Contains(err.Error(), "exist already") {
		t.Errorf("CreateSchema over an existing table: %v", err)
	}
}
