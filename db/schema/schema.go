// Package schema holds the OpenSIPS 3.6 table layout and creates it in
// any database the db package can open, so that switchboard and OpenSIPS
// can share a database: the same tables, columns, defaults, indexes and
// version rows as OpenSIPS's scripts/<dialect>/*-create.sql.
package schema

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"switchboard/db"
)

// Table is one OpenSIPS table.
type Table struct {
	Name    string
	Version int    // its row in the version table
	Module  string // the OpenSIPS script that creates it (auth_db-create.sql)
	Columns []Column
	Unique  []Index // CONSTRAINT name UNIQUE (...)
	Indexes []Index // CREATE INDEX name ON table (...)
}

// Index is a named unique constraint or index.
type Index struct {
	Name    string
	Columns []string
}

// Column is one column, parsed from its MySQL definition.
type Column struct {
	Name     string
	Def      string // the MySQL definition, as OpenSIPS writes it
	Base     string // INT, BIGINT, SMALLINT, TINYINT, CHAR, TEXT, BLOB, MEDIUMBLOB, LONGBLOB, DATETIME, FLOAT
	Args     string // "64" of CHAR(64), "10,2" of FLOAT(10,2), "" when absent
	Unsigned bool
	Auto     bool
	Primary  bool
	NotNull  bool
	Default  string // the SQL literal ('' quoted, 1.0, NULL); "" for none
}

// colDef matches the MySQL column definitions of section f.
var colDef = regexp.MustCompile(`^([A-Z]+)(?:\(([0-9,]+)\))?( UNSIGNED)?( AUTO_INCREMENT)?( PRIMARY KEY)?(?: DEFAULT ('[^']*'|[0-9.]+|NULL))?( NOT NULL)?$`)

// col parses a definition; a bad one is a bug in tables.go and panics at
// init.
func col(name, def string) Column {
	m := colDef.FindStringSubmatch(def)
	if m == nil {
		panic(fmt.Sprintf("schema: cannot parse column %s %q", name, def))
	}
	return Column{Name: name, Def: def, Base: m[1], Args: m[2], Unsigned: m[3] != "",
		Auto: m[4] != "", Primary: m[5] != "", Default: m[6], NotNull: m[7] != ""}
}

// Kind is the db API kind of the column (for db_text and for checks).
func (c Column) Kind() db.Kind {
	switch c.Base {
	case "INT", "SMALLINT", "TINYINT":
		return db.KindInt
	case "BIGINT":
		return db.KindBigInt
	case "FLOAT":
		return db.KindFloat
	case "BLOB", "MEDIUMBLOB", "LONGBLOB":
		return db.KindBlob
	case "DATETIME":
		return db.KindTime
	}
	return db.KindString
}

// Lookup returns the table called name.
func Lookup(name string) (*Table, bool) {
	for _, t := range tables {
		if t.Name == name {
			return t, true
		}
	}
	return nil, false
}

// Names lists the tables switchboard can create, version first.
func Names() []string {
	out := make([]string, len(tables))
	for i, t := range tables {
		out[i] = t.Name
	}
	return out
}

// DefaultTables are what `switchboard-cli db create` makes when no table
// is named: the OpenSIPS "standard" set a residential setup needs.
var DefaultTables = []string{"version", "subscriber", "uri", "location", "dbaliases", "domain",
	"address", "acc", "missed_calls", "dialog", "dispatcher"}

// resolve checks names, adds "version" first (every other table needs its
// row there) and drops duplicates.
func resolve(names []string) ([]*Table, error) {
	if len(names) == 0 {
		names = DefaultTables
	}
	seen := map[string]bool{"version": true}
	version, _ := Lookup("version")
	out := []*Table{version}
	var unknown []string
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		t, ok := Lookup(n)
		if !ok {
			unknown = append(unknown, n)
			continue
		}
		out = append(out, t)
	}
	if len(unknown) > 0 {
		known := Names()
		sort.Strings(known)
		return nil, fmt.Errorf("unknown table(s) %s; known: %s", strings.Join(unknown, ", "), strings.Join(known, " "))
	}
	return out, nil
}
