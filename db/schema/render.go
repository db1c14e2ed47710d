package schema

import (
	"fmt"
	"strings"
)

// Statements returns the SQL that creates t in dialect ("sqlite",
// "postgres", "mysql"), one statement per string, as OpenSIPS's
// scripts/<dialect>/<module>-create.sql has it, including the version
// row (the version table itself has none).
func (t *Table) Statements(dialect string) ([]string, error) {
	var lines []string
	for _, c := range t.Columns {
		typ, err := columnType(c, dialect)
		if err != nil {
			return nil, fmt.Errorf("table %s column %s: %w", t.Name, c.Name, err)
		}
		lines = append(lines, "    "+c.Name+" "+typ)
	}
	// MySQL index names are per table; PostgreSQL and SQLite share one
	// namespace per schema, so OpenSIPS prefixes them with the table.
	indexName := func(n string) string {
		if dialect == "mysql" {
			return n
		}
		return t.Name + "_" + n
	}
	for _, u := range t.Unique {
		lines = append(lines, fmt.Sprintf("    CONSTRAINT %s UNIQUE (%s)", indexName(u.Name), strings.Join(u.Columns, ", ")))
	}
	create := "CREATE TABLE " + t.Name + " (\n" + strings.Join(lines, ",\n") + "\n)"
	if dialect == "mysql" {
		create += " ENGINE=InnoDB"
	}
	out := []string{create}
	for _, ix := range t.Indexes {
		out = append(out, fmt.Sprintf("CREATE INDEX %s ON %s (%s)", indexName(ix.Name), t.Name, strings.Join(ix.Columns, ", ")))
	}
	if dialect == "postgres" {
		// OpenSIPS keeps INT ids within 32 bits and lets them wrap.
		for _, c := range t.Columns {
			if c.Auto && c.Base == "INT" {
				out = append(out, fmt.Sprintf("ALTER SEQUENCE %s_%s_seq MAXVALUE 2147483647 CYCLE", t.Name, c.Name))
			}
		}
	}
	if t.Name != "version" {
		out = append(out, fmt.Sprintf("INSERT INTO version (table_name, table_version) values ('%s','%d')", t.Name, t.Version))
	}
	return out, nil
}

// columnType translates a MySQL column definition the way OpenSIPS's
// schema generator does for each dialect.
func columnType(c Column, dialect string) (string, error) {
	switch dialect {
	case "mysql":
		return c.Def, nil
	case "postgres":
		return postgresType(c), nil
	case "sqlite":
		return sqliteType(c), nil
	}
	return "", fmt.Errorf("no SQL dialect %q", dialect)
}

func postgresType(c Column) string {
	var typ string
	switch c.Base {
	case "INT":
		typ = "INTEGER"
		if c.Auto {
			typ = "SERIAL"
		}
	case "BIGINT":
		typ = "BIGINT"
		if c.Auto {
			typ = "BIGSERIAL"
		}
	case "SMALLINT", "TINYINT":
		typ = "SMALLINT"
	case "CHAR":
		typ = "VARCHAR(" + c.Args + ")"
	case "TEXT":
		typ = "TEXT"
	case "BLOB", "MEDIUMBLOB", "LONGBLOB":
		typ = "BYTEA"
	case "DATETIME":
		typ = "TIMESTAMP WITHOUT TIME ZONE"
	case "FLOAT":
		typ = "REAL"
	default:
		typ = c.Base
	}
	return typ + tail(c, c.Auto)
}

func sqliteType(c Column) string {
	typ := c.Base
	if c.Args != "" {
		typ += "(" + c.Args + ")"
	}
	switch {
	case c.Auto:
		// SQLite's rowid alias must be spelled exactly INTEGER.
		return "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"
	case c.Base == "INT" || c.Base == "SMALLINT" || c.Base == "TINYINT":
		typ = "INTEGER"
	}
	return typ + tail(c, false)
}

// tail is the PRIMARY KEY / DEFAULT / NOT NULL part; serial types carry
// their own default.
func tail(c Column, serial bool) string {
	var s string
	if c.Primary {
		s += " PRIMARY KEY"
	}
	if c.Default != "" && !serial {
		s += " DEFAULT " + c.Default
	}
	if c.NotNull {
		s += " NOT NULL"
	}
	return s
}
