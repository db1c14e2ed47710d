// Package db_text is the db_text driver of the db API (URL scheme
// "text"): one file per table in a directory, in OpenSIPS's db_text
// format, so a db_text database of OpenSIPS works as is.
package db_text

import (
	"switchboard/core"
	"switchboard/db"
	"switchboard/engine"
)

func init() {
	db.Register("text", Open)
	core.Register(&engine.Module{Name: "db_text"})
}
