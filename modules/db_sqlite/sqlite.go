package db_sqlite

import (
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"switchboard/db"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// dialect is SQLite's SQL: standard double-quoted identifiers, ? binds
// and ON CONFLICT upserts (3.24+).
var dialect = db.Dialect{
	Name:      "sqlite",
	LocksOnly: true, // busy_timeout below bounds every wait
	// Brackets, not double quotes: SQLite reads a double-quoted name
	// that matches no column as a string literal, so a typo in a column
	// modparam would silently match nothing instead of failing.
	Quote:       func(s string) string { return "[" + s + "]" },
	Placeholder: func(int) string { return "?" },
	UpsertClause: func(keys, update []string) string {
		return onConflict(keys, update, "excluded")
	},
}

// onConflict is the ON CONFLICT clause SQLite and PostgreSQL share.
func onConflict(keys, update []string, excluded string) string {
	clause := " ON CONFLICT (" + strings.Join(keys, ", ") + ") DO "
	if len(update) == 0 {
		return clause + "NOTHING"
	}
	sets := make([]string, len(update))
	for i, c := range update {
		sets[i] = c + " = " + excluded + "." + c
	}
	return clause + "UPDATE SET " + strings.Join(sets, ", ")
}

// Path returns the file of a sqlite URL: sqlite:///abs/file.db is
// /abs/file.db, sqlite://rel.db is rel.db, and sqlite://memory (or
// sqlite://:memory:) a private in-memory database.
func Path(rawURL string) (path string, memory bool, err error) {
	rest, ok := strings.CutPrefix(rawURL, "sqlite://")
	if !ok {
		return "", false, fmt.Errorf("not a sqlite:// URL")
	}
	rest, _, _ = strings.Cut(rest, "?")
	switch rest {
	case "":
		return "", false, fmt.Errorf("no file in the URL (sqlite:///path/to/file.db)")
	case "memory", ":memory:":
		return "", true, nil
	}
	return rest, false, nil
}

// Open implements db.Opener.
func Open(rawURL string, cfg db.Config) (db.Conn, error) {
	path, memory, err := Path(rawURL)
	if err != nil {
		return nil, err
	}
	// busy_timeout makes a writer wait for a lock rather than fail at
	// once, but never longer than a call may take; WAL lets readers go
	// on while one process writes.
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", cfg.EffectiveTimeout().Milliseconds()))
	dsn := "file:" + path
	if memory {
		dsn = "file::memory:"
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
	}
	sqlDB, err := sql.Open("sqlite", dsn+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	d := dialect
	if memory {
		// Each connection would open its own empty database.
		sqlDB.SetMaxOpenConns(1)
		// A call may then also wait for the one connection: keep the
		// deadline on every call.
		d.LocksOnly = false
	}
	return db.NewSQLConn(sqlDB, d, cfg), nil
}
