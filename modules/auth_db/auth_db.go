// Package auth_db is OpenSIPS's auth_db module: digest authentication
// against a subscriber-like table (www_authorize, proxy_authorize, built
// on the auth module's Authorize), checks of users and URI mappings in
// the database (db_does_uri_exist, db_is_to_authorized,
// db_is_from_authorized, db_get_auth_id), and the Go API the admin CLI
// uses to write subscriber rows with their HA1 hashes (see README.md).
package auth_db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"switchboard/db"
	"switchboard/db/schema"
	"switchboard/engine"
)

// authDB is the module's configuration, set by modparam and fixed by
// Init, and its database connection.
type authDB struct {
	dbURL string

	userColumn       string
	domainColumn     string
	passwordColumn   string // plain password (calculate_ha1) or MD5 HA1
	sha256Column     string
	sha512t256Column string

	uriUserColumn    string
	uriDomainColumn  string
	uriURIUserColumn string

	calculateHA1     bool
	useDomain        bool
	skipVersionCheck bool

	credentials []credential
	// credentialsSet is false while load_credentials has its default
	// ("rpid"), which Init drops when the table has no such column.
	credentialsSet bool

	// The constant table arguments of the script's calls, collected by
	// the fixups, whose columns and versions Init checks.
	subscriberTables map[string]bool
	uriTables        map[string]bool

	conn db.Conn // nil until Init
}

// module is the one instance the script functions use. Parameter setters
// and fixups read the variable when they run, so tests may replace it.
var module = newModule()

func newModule() *authDB {
	// Defaults of the OpenSIPS 3.6 auth_db docs.
	return &authDB{
		userColumn:       "username",
		domainColumn:     "domain",
		passwordColumn:   "ha1",
		sha256Column:     "ha1_sha256",
		sha512t256Column: "ha1_sha512t256",
		uriUserColumn:    "username",
		uriDomainColumn:  "domain",
		uriURIUserColumn: "uri_user",
		credentials:      defaultCredentials(),
		subscriberTables: map[string]bool{},
		uriTables:        map[string]bool{},
	}
}

// Table versions the functions need: subscriber-like tables are checked
// against subscriber's, uri-like ones against uri's.
var (
	subscriberVersion = schema.Versions["subscriber"]
	uriVersion        = schema.Versions["uri"]
)

// logger is where runtime failures go: the message's logger, else the
// process's.
func logger(ctx *engine.Context) *slog.Logger {
	if ctx != nil && ctx.Log != nil {
		return ctx.Log
	}
	return slog.Default()
}

// init is the module's Init: open db_url and check every table the
// script names, so that a wrong URL, table, column or schema version
// stops the start-up instead of failing each request.
func (m *authDB) init() error {
	if m.dbURL == "" {
		return errors.New(`db_url is not set: add modparam("auth_db", "db_url", "sqlite:///path/to/switchboard.db")`)
	}
	conn, err := db.OpenConfig(m.dbURL, db.Config{Timeout: db.DefaultTimeout})
	if err != nil {
		return err
	}
	if err := m.checkTables(context.Background(), conn); err != nil {
		conn.Close()
		return err
	}
	// Init runs once per start; a test that runs it again replaces the
	// connection of the previous script.
	if old := m.conn; old != nil {
		old.Close()
	}
	m.conn = conn
	return nil
}

// checkTables reads the columns the functions will query from each
// constant table (which also proves the database answers) and checks
// the tables' versions unless skip_version_check is set.
func (m *authDB) checkTables(ctx context.Context, conn db.Conn) error {
	for _, table := range sortedKeys(m.subscriberTables) {
		cols := []string{m.userColumn, m.domainColumn, m.passwordColumn}
		if !m.calculateHA1 {
			cols = append(cols, m.sha256Column, m.sha512t256Column)
		}
		if err := m.checkTable(ctx, conn, table, cols, subscriberVersion); err != nil {
			return err
		}
		if err := m.checkCredentials(ctx, conn, table); err != nil {
			return err
		}
	}
	for _, table := range sortedKeys(m.uriTables) {
		cols := []string{m.uriUserColumn, m.uriDomainColumn, m.uriURIUserColumn}
		if err := m.checkTable(ctx, conn, table, cols, uriVersion); err != nil {
			return err
		}
	}
	return nil
}

func (m *authDB) checkTable(ctx context.Context, conn db.Conn, table string, cols []string, want int) error {
	if err := probeColumns(ctx, conn, table, cols); err != nil {
		return fmt.Errorf("table %s (columns %s): %w", table, strings.Join(cols, ", "), err)
	}
	if m.skipVersionCheck {
		return nil
	}
	have, err := conn.TableVersion(ctx, table)
	switch {
	case errors.Is(err, db.ErrNoVersion):
		err = &schema.VersionError{Table: table, Want: want, MissingRow: true}
	case err != nil:
		return err
	case have != want:
		err = &schema.VersionError{Table: table, Have: have, Want: want}
	default:
		return nil
	}
	return fmt.Errorf("%w; for a custom table set modparam(\"auth_db\", \"skip_version_check\", 1)", err)
}

// checkCredentials makes sure the load_credentials columns exist. The
// default, rpid, is no longer in the 3.6 subscriber table (its docs say
// to set the parameter to ""): left at the default, a missing rpid column
// is dropped rather than failing every authorization.
func (m *authDB) checkCredentials(ctx context.Context, conn db.Conn, table string) error {
	kept := m.credentials[:0:0]
	for _, c := range m.credentials {
		if err := probeColumns(ctx, conn, table, []string{c.column}); err != nil {
			if !m.credentialsSet {
				slog.Info("auth_db: the table has no column for the default load_credentials; not loading it",
					"module", "auth_db", "table", table, "column", c.column)
				continue
			}
			return fmt.Errorf("load_credentials: table %s: %w", table, err)
		}
		kept = append(kept, c)
	}
	m.credentials = kept
	return nil
}

// probeColumns reads cols from one row of table: an error means the
// table or a column is missing, or the database does not answer. SQLite
// takes an unknown double-quoted column name for a string literal and
// names the result column after the quoted text; a row without the
// column's key catches that when the table has a row.
func probeColumns(ctx context.Context, conn db.Conn, table string, cols []string) error {
	rows, err := conn.Query(ctx, table, cols, nil, "", 1)
	if err != nil {
		return err
	}
	for _, r := range rows {
		for _, c := range cols {
			if _, ok := r[c]; !ok {
				return fmt.Errorf("no column %s", c)
			}
		}
	}
	return nil
}

// fixupTable checks a constant table name when the script loads and
// records it for Init's checks; a table from a variable is checked by
// the database layer when the function runs.
func fixupTable(uri bool) func(string) (any, error) {
	return func(name string) (any, error) {
		if err := db.CheckIdent(name); err != nil {
			return nil, err
		}
		if uri {
			module.uriTables[name] = true
		} else {
			module.subscriberTables[name] = true
		}
		return nil, nil
	}
}

// sortedKeys keeps the checks, and so the first error, in a stable order.
func sortedKeys(set map[string]bool) []string { return slices.Sorted(maps.Keys(set)) }
