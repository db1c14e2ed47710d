// Package db_sqlite is the SQLite driver of the db API (URL scheme
// "sqlite"), built on modernc.org/sqlite so the binary stays pure Go.
// SQLite is switchboard's embedded default database.
package db_sqlite

import (
	"switchboard/core"
	"switchboard/db"
	"switchboard/engine"
)

func init() {
	db.Register("sqlite", Open)
	core.Register(&engine.Module{Name: "db_sqlite"})
}
