// Package db is the database API behind OpenSIPS's db_url: a small set of
// table operations (query, insert, update, delete, upsert, table versions)
// shaped after OpenSIPS's db_func_t so the modules that use it port with
// their logic intact. Drivers live in modules/db_* and register themselves
// by URL scheme; nothing here imports a driver.
package db

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Value is one column value: nil (SQL NULL), int64, float64, string,
// []byte or time.Time. Inputs also accept int, int32, uint32 and bool,
// which are stored as int64; query results only ever hold the six types.
type Value any

// Row is one row keyed by column name.
type Row map[string]Value

// Cond is one term of a WHERE clause; the terms are joined with AND, as
// OpenSIPS's db_query does. Op is one of = != < > <= >= "IS NULL" and
// "IS NOT NULL" (Val ignored); "" means "=". An "=" or "!=" with a nil Val
// becomes IS NULL / IS NOT NULL, since SQL's col = NULL matches nothing.
type Cond struct {
	Col, Op string
	Val     Value
}

// Conn is an open database. Every method is bounded by the Config.Timeout
// of the connection as well as by ctx, so a worker never waits on a dead
// or locked database for longer than that.
type Conn interface {
	// Query returns the cols (nil: all) of the rows matching where,
	// ordered by order ("" or "col" or "col DESC"), at most limit rows
	// (0: no limit).
	Query(ctx context.Context, table string, cols []string, where []Cond, order string, limit int) ([]Row, error)
	Insert(ctx context.Context, table string, row Row) error
	// Update sets the columns of set on the rows matching where and
	// returns how many rows matched.
	Update(ctx context.Context, table string, set Row, where []Cond) (int64, error)
	Delete(ctx context.Context, table string, where []Cond) (int64, error)
	// Upsert inserts row, or updates the existing row whose keys columns
	// equal row's (OpenSIPS insert_update). keys must be the columns of
	// a unique constraint of the table, as the SQL drivers use the
	// database's own ON CONFLICT / ON DUPLICATE KEY.
	Upsert(ctx context.Context, table string, row Row, keys []string) error
	// TableVersion is the table_version of table in the version table;
	// ErrNoVersion (wrapped) when the version table has no such row.
	TableVersion(ctx context.Context, table string) (int, error)
	Close() error
}

// RawConn is a Conn that speaks SQL: the SQL drivers implement it, the
// db_text driver does not. CreateSchema runs DDL through it and modules
// with a raw-query function (sqlops) will use Raw.
type RawConn interface {
	Conn
	// Dialect is "sqlite", "postgres" or "mysql".
	Dialect() string
	// Exec runs one statement with bind parameters; rows affected.
	Exec(ctx context.Context, query string, args ...Value) (int64, error)
	// Raw runs one query with bind parameters.
	Raw(ctx context.Context, query string, args ...Value) ([]Row, error)
}

// TableCreator is a Conn that creates tables from a column list rather
// than from SQL (db_text).
type TableCreator interface {
	Conn
	HasTable(ctx context.Context, table string) (bool, error)
	CreateTable(ctx context.Context, table string, cols []Column) error
}

// Column describes a column for a TableCreator.
type Column struct {
	Name string
	Kind Kind
	Null bool // NULL allowed
	Auto bool // auto-increment
}

// Kind is the type of a column as the db API sees it.
type Kind uint8

// Column kinds, after OpenSIPS's db_type_t.
const (
	KindInt Kind = iota
	KindBigInt
	KindFloat
	KindString
	KindBlob
	KindTime
)

// Config tunes a connection.
type Config struct {
	// Timeout bounds every call (and the connect it may need); 0 means
	// DefaultTimeout. A call's ctx may only shorten it.
	Timeout time.Duration
}

// DefaultTimeout bounds a call when Config.Timeout is 0. It is long
// enough for a loaded database and short enough that a SIP transaction
// (Timer B, 32 s) is not lost waiting for a dead one.
const DefaultTimeout = 3 * time.Second

// EffectiveTimeout is c.Timeout, or DefaultTimeout when unset.
func (c Config) EffectiveTimeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// ErrNoVersion is returned (wrapped) by TableVersion when the version
// table has no row for the table.
var ErrNoVersion = errors.New("no row in the version table")

// ErrIdent is returned (wrapped) for a table or column name that is not
// [A-Za-z0-9_]+: such names come from modparams and are never spliced
// into SQL unchecked.
var ErrIdent = errors.New("invalid identifier")

// Error is an error of one operation on one table.
type Error struct {
	Op    string // query, insert, update, delete, upsert, version, exec, open
	Table string
	Err   error
}

func (e *Error) Error() string {
	if e.Table == "" {
		return fmt.Sprintf("db: %s: %v", e.Op, e.Err)
	}
	return fmt.Sprintf("db: %s %s: %v", e.Op, e.Table, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Wrap returns err as an *Error of op on table; nil stays nil.
func Wrap(op, table string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Op: op, Table: table, Err: err}
}

// Bound returns ctx limited to the connection's timeout. Drivers call it
// first thing in every method.
func Bound(ctx context.Context, cfg Config) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, cfg.EffectiveTimeout())
}
