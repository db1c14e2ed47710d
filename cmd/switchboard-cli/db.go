package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"switchboard/db"
	"switchboard/db/schema"

	// The drivers register their URL schemes.
	_ "switchboard/modules/db_mysql"
	_ "switchboard/modules/db_postgres"
	_ "switchboard/modules/db_sqlite"
	_ "switchboard/modules/db_text"
)

// ddlTimeout bounds each statement: creating a table with its indexes
// on a busy server may take longer than a routing-time query.
const ddlTimeout = 30 * time.Second

func openURL(args []string) (db.Conn, []string, error) {
	if len(args) == 0 {
		return nil, nil, usageError("missing the database URL (e.g. sqlite:///var/lib/switchboard/switchboard.db)")
	}
	conn, err := db.OpenConfig(args[0], db.Config{Timeout: ddlTimeout})
	return conn, args[1:], err
}

func dbCreate(args []string, out io.Writer) error {
	conn, tables, err := openURL(args)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := schema.CreateSchema(context.Background(), conn, tables); err != nil {
		return err
	}
	if len(tables) == 0 {
		tables = schema.DefaultTables
	}
	fmt.Fprintf(out, "created in %s: %s\n", db.Redact(args[0]), strings.Join(tables, " "))
	return nil
}

func dbMigrate(args []string, out io.Writer) error {
	conn, tables, err := openURL(args)
	if err != nil {
		return err
	}
	defer conn.Close()
	created, err := schema.Migrate(context.Background(), conn, tables)
	if err != nil {
		return err
	}
	if len(created) == 0 {
		fmt.Fprintf(out, "%s is up to date\n", db.Redact(args[0]))
		return nil
	}
	fmt.Fprintf(out, "created in %s: %s\n", db.Redact(args[0]), strings.Join(created, " "))
	return nil
}

func dbTables(_ []string, out io.Writer) error {
	if opts.json {
		type table struct {
			Name    string `json:"table"`
			Version int    `json:"version"`
			Script  string `json:"script"`
		}
		list := []table{}
		for _, name := range schema.Names() {
			t, _ := schema.Lookup(name)
			list = append(list, table{t.Name, t.Version, t.Module + "-create.sql"})
		}
		return writeJSON(out, list)
	}
	for _, name := range schema.Names() {
		t, _ := schema.Lookup(name)
		fmt.Fprintf(out, "%-20s version %-5d (%s-create.sql)\n", t.Name, t.Version, t.Module)
	}
	return nil
}
