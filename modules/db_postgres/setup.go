// Package db_postgres is the PostgreSQL driver of the db API (URL scheme
// "postgres"), built on github.com/jackc/pgx/v5 through database/sql.
package db_postgres

import (
	"switchboard/core"
	"switchboard/db"
	"switchboard/engine"
)

func init() {
	db.Register("postgres", Open)
	core.Register(&engine.Module{Name: "db_postgres"})
}
