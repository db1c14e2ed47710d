package db_postgres

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"switchboard/db"
)

// dialect is PostgreSQL's SQL. OpenSIPS creates its tables with unquoted
// names, which PostgreSQL folds to lower case (binding_URI is stored as
// binding_uri), so quoting folds too: the quotes are there only to make
// a column called "time" or "user" safe.
var dialect = db.Dialect{
	Name:        "postgres",
	Quote:       func(s string) string { return `"` + strings.ToLower(s) + `"` },
	Placeholder: func(n int) string { return "$" + strconv.Itoa(n) },
	UpsertClause: func(keys, update []string) string {
		clause := " ON CONFLICT (" + strings.Join(keys, ", ") + ") DO "
		if len(update) == 0 {
			return clause + "NOTHING"
		}
		sets := make([]string, len(update))
		for i, c := range update {
			sets[i] = c + " = EXCLUDED." + c
		}
		return clause + "UPDATE SET " + strings.Join(sets, ", ")
	},
}

// Open implements db.Opener for postgres://user:pass@host:port/dbname,
// the URL OpenSIPS's db_postgres takes (pgx also reads its query
// parameters, e.g. ?sslmode=disable).
func Open(rawURL string, cfg db.Config) (db.Conn, error) {
	pc, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, err
	}
	// A connect attempt to a host that does not answer must not outlast
	// the call that needed it.
	pc.ConnectTimeout = cfg.EffectiveTimeout()
	sqlDB := stdlib.OpenDB(*pc)
	return db.NewSQLConn(sqlDB, dialect, cfg), nil
}
