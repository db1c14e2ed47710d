package db_mysql

import (
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"

	"switchboard/db"
)

// dialect is MySQL's SQL: backquoted identifiers, ? binds, and the ON
// DUPLICATE KEY UPDATE that OpenSIPS's db_mysql uses for insert_update.
var dialect = db.Dialect{
	Name:        "mysql",
	Quote:       func(s string) string { return "`" + s + "`" },
	Placeholder: func(int) string { return "?" },
	UpsertClause: func(keys, update []string) string {
		if len(update) == 0 {
			// Nothing to change: a no-op assignment keeps the row.
			return " ON DUPLICATE KEY UPDATE " + keys[0] + " = " + keys[0]
		}
		sets := make([]string, len(update))
		for i, c := range update {
			sets[i] = c + " = VALUES(" + c + ")"
		}
		return " ON DUPLICATE KEY UPDATE " + strings.Join(sets, ", ")
	},
}

// Config turns mysql://user:pass@host[:port]/dbname into the driver's
// configuration.
func Config(rawURL string, cfg db.Config) (*mysql.Config, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "mysql" {
		return nil, fmt.Errorf("not a mysql:// URL")
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	if dbName == "" || strings.Contains(dbName, "/") {
		return nil, fmt.Errorf("no database name in the URL (mysql://user:pass@host/dbname)")
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "3306")
	}
	mc := mysql.NewConfig()
	mc.User = u.User.Username()
	mc.Passwd, _ = u.User.Password()
	mc.Net = "tcp"
	mc.Addr = host
	mc.DBName = dbName
	mc.Timeout = cfg.EffectiveTimeout()
	// Update returns the rows matched, not only those changed, as the
	// other drivers (and OpenSIPS's db_mysql) report them.
	mc.ClientFoundRows = true
	// utf8mb4, so that a display name with an emoji survives.
	mc.Collation = "utf8mb4_general_ci"
	return mc, nil
}

// Open implements db.Opener.
func Open(rawURL string, cfg db.Config) (db.Conn, error) {
	mc, err := Config(rawURL, cfg)
	if err != nil {
		return nil, err
	}
	connector, err := mysql.NewConnector(mc)
	if err != nil {
		return nil, err
	}
	return db.NewSQLConn(sql.OpenDB(connector), dialect, cfg), nil
}
