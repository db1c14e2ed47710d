// Package db_mysql is the MySQL / MariaDB driver of the db API (URL
// scheme "mysql"), built on github.com/go-sql-driver/mysql.
package db_mysql

import (
	"switchboard/core"
	"switchboard/db"
	"switchboard/engine"
)

func init() {
	db.Register("mysql", Open)
	core.Register(&engine.Module{Name: "db_mysql"})
}
