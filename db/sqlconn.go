package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Dialect is what differs between the SQL databases.
type Dialect struct {
	Name string // "sqlite", "postgres", "mysql"
	// Quote quotes a checked identifier.
	Quote func(ident string) string
	// Placeholder is the n-th (1-based) bind parameter.
	Placeholder func(n int) string
	// UpsertClause is appended to INSERT ... VALUES (...) to turn it
	// into an insert-or-update on the unique key keys; update are the
	// other columns (possibly none), already quoted.
	UpsertClause func(keys, update []string) string
	// LocksOnly says the database is a file this process opens (SQLite):
	// a read can wait only on file locks, which the driver's busy
	// timeout already bounds by Config.Timeout. Prepared reads then run
	// without a deadline context, which in modernc's driver costs a timer
	// and a goroutine per query: a tenth of a REGISTER's time with auth.
	LocksOnly bool
}

// SQLConn implements Conn and RawConn over database/sql for one Dialect.
// database/sql's pool reconnects: a connection found dead is dropped and
// the call retried on a new one, so after a database restart the next
// call succeeds; while the database is down, calls fail within Timeout.
type SQLConn struct {
	DB     *sql.DB
	SQL    Dialect
	Config Config

	// stmts are the statements Query built, prepared once by their text:
	// the per-request reads (auth_db's subscriber row, registrar
	// lookups in DB-only mode) have a few fixed shapes, and preparing
	// their SQL again on every call was a third of a read's time under
	// REGISTER load (docs/performance.md). database/sql prepares a kept
	// statement again by itself on a new pooled connection.
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
}

// maxStatements bounds the statement cache: Query's shapes are few, and
// beyond this many a query runs unprepared rather than grow the cache.
const maxStatements = 256

var _ RawConn = (*SQLConn)(nil)

// NewSQLConn wraps an opened *sql.DB.
func NewSQLConn(db *sql.DB, d Dialect, cfg Config) *SQLConn {
	return &SQLConn{DB: db, SQL: d, Config: cfg}
}

// Close closes the prepared statements and the pool.
func (c *SQLConn) Close() error {
	c.stmtMu.Lock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
	c.stmtMu.Unlock()
	return c.DB.Close()
}

// prepared returns the prepared statement for text, preparing it on
// first use; nil (and no error) when the cache is full. A failed prepare
// is not kept, so the next call tries again.
func (c *SQLConn) prepared(ctx context.Context, text string) (*sql.Stmt, error) {
	c.stmtMu.Lock()
	defer c.stmtMu.Unlock()
	if st, ok := c.stmts[text]; ok {
		return st, nil
	}
	if len(c.stmts) >= maxStatements {
		return nil, nil
	}
	st, err := c.DB.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	if c.stmts == nil {
		c.stmts = make(map[string]*sql.Stmt)
	}
	c.stmts[text] = st
	return st, nil
}

// Dialect implements RawConn.
func (c *SQLConn) Dialect() string { return c.SQL.Name }

// statement builds one SQL statement and its bind arguments.
type statement struct {
	d    *Dialect
	sql  strings.Builder
	args []any
}

func (s *statement) bind(v Value) error {
	a, err := BindSQL(v)
	if err != nil {
		return err
	}
	s.args = append(s.args, a)
	s.sql.WriteString(s.d.Placeholder(len(s.args)))
	return nil
}

func (s *statement) ident(name string) error {
	if err := CheckIdent(name); err != nil {
		return err
	}
	s.sql.WriteString(s.d.Quote(name))
	return nil
}

func (s *statement) where(conds []Cond) error {
	for i, c := range conds {
		if i == 0 {
			s.sql.WriteString(" WHERE ")
		} else {
			s.sql.WriteString(" AND ")
		}
		op, err := NormalizeOp(c)
		if err != nil {
			return err
		}
		if err := s.ident(c.Col); err != nil {
			return err
		}
		s.sql.WriteString(" " + op)
		if op == "IS NULL" || op == "IS NOT NULL" {
			continue
		}
		s.sql.WriteString(" ")
		if err := s.bind(c.Val); err != nil {
			return fmt.Errorf("column %s: %w", c.Col, err)
		}
	}
	return nil
}

// sortedCols returns the columns of row in a fixed order, so the same
// call always produces the same SQL (and plan-cache entry).
func sortedCols(row Row) []string {
	cols := make([]string, 0, len(row))
	for c := range row {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	return cols
}

// Query implements Conn.
func (c *SQLConn) Query(ctx context.Context, table string, cols []string, where []Cond, order string, limit int) ([]Row, error) {
	s := &statement{d: &c.SQL}
	s.sql.WriteString("SELECT ")
	if len(cols) == 0 {
		s.sql.WriteString("*")
	}
	for i, col := range cols {
		if i > 0 {
			s.sql.WriteString(", ")
		}
		if err := s.ident(col); err != nil {
			return nil, Wrap("query", table, err)
		}
	}
	s.sql.WriteString(" FROM ")
	if err := s.ident(table); err != nil {
		return nil, Wrap("query", table, err)
	}
	if err := s.where(where); err != nil {
		return nil, Wrap("query", table, err)
	}
	orderCol, desc, err := ParseOrder(order)
	if err != nil {
		return nil, Wrap("query", table, err)
	}
	if orderCol != "" {
		s.sql.WriteString(" ORDER BY " + c.SQL.Quote(orderCol))
		if desc {
			s.sql.WriteString(" DESC")
		}
	}
	if limit > 0 {
		s.sql.WriteString(" LIMIT " + strconv.Itoa(limit))
	}
	rows, err := c.rawQuery(ctx, s.sql.String(), s.args, true)
	return rows, Wrap("query", table, err)
}

// Insert implements Conn.
func (c *SQLConn) Insert(ctx context.Context, table string, row Row) error {
	s, err := c.insert(table, row)
	if err != nil {
		return Wrap("insert", table, err)
	}
	_, err = c.exec(ctx, s.sql.String(), s.args)
	return Wrap("insert", table, err)
}

func (c *SQLConn) insert(table string, row Row) (*statement, error) {
	if len(row) == 0 {
		return nil, errors.New("no columns to insert")
	}
	s := &statement{d: &c.SQL}
	s.sql.WriteString("INSERT INTO ")
	if err := s.ident(table); err != nil {
		return nil, err
	}
	cols := sortedCols(row)
	s.sql.WriteString(" (")
	for i, col := range cols {
		if i > 0 {
			s.sql.WriteString(", ")
		}
		if err := s.ident(col); err != nil {
			return nil, err
		}
	}
	s.sql.WriteString(") VALUES (")
	for i, col := range cols {
		if i > 0 {
			s.sql.WriteString(", ")
		}
		if err := s.bind(row[col]); err != nil {
			return nil, fmt.Errorf("column %s: %w", col, err)
		}
	}
	s.sql.WriteString(")")
	return s, nil
}

// Upsert implements Conn.
func (c *SQLConn) Upsert(ctx context.Context, table string, row Row, keys []string) error {
	if len(keys) == 0 {
		return Wrap("upsert", table, errors.New("no key columns"))
	}
	s, err := c.insert(table, row)
	if err != nil {
		return Wrap("upsert", table, err)
	}
	isKey := map[string]bool{}
	quotedKeys := make([]string, len(keys))
	for i, k := range keys {
		if err := CheckIdent(k); err != nil {
			return Wrap("upsert", table, err)
		}
		if _, ok := row[k]; !ok {
			return Wrap("upsert", table, fmt.Errorf("key column %s has no value", k))
		}
		isKey[k] = true
		quotedKeys[i] = c.SQL.Quote(k)
	}
	var update []string
	for _, col := range sortedCols(row) {
		if !isKey[col] {
			update = append(update, c.SQL.Quote(col))
		}
	}
	s.sql.WriteString(c.SQL.UpsertClause(quotedKeys, update))
	_, err = c.exec(ctx, s.sql.String(), s.args)
	return Wrap("upsert", table, err)
}

// Update implements Conn.
func (c *SQLConn) Update(ctx context.Context, table string, set Row, where []Cond) (int64, error) {
	if len(set) == 0 {
		return 0, Wrap("update", table, errors.New("no columns to set"))
	}
	s := &statement{d: &c.SQL}
	s.sql.WriteString("UPDATE ")
	if err := s.ident(table); err != nil {
		return 0, Wrap("update", table, err)
	}
	s.sql.WriteString(" SET ")
	for i, col := range sortedCols(set) {
		if i > 0 {
			s.sql.WriteString(", ")
		}
		if err := s.ident(col); err != nil {
			return 0, Wrap("update", table, err)
		}
		s.sql.WriteString(" = ")
		if err := s.bind(set[col]); err != nil {
			return 0, Wrap("update", table, fmt.Errorf("column %s: %w", col, err))
		}
	}
	if err := s.where(where); err != nil {
		return 0, Wrap("update", table, err)
	}
	n, err := c.exec(ctx, s.sql.String(), s.args)
	return n, Wrap("update", table, err)
}

// Delete implements Conn.
func (c *SQLConn) Delete(ctx context.Context, table string, where []Cond) (int64, error) {
	s := &statement{d: &c.SQL}
	s.sql.WriteString("DELETE FROM ")
	if err := s.ident(table); err != nil {
		return 0, Wrap("delete", table, err)
	}
	if err := s.where(where); err != nil {
		return 0, Wrap("delete", table, err)
	}
	n, err := c.exec(ctx, s.sql.String(), s.args)
	return n, Wrap("delete", table, err)
}

// TableVersion implements Conn.
func (c *SQLConn) TableVersion(ctx context.Context, table string) (int, error) {
	return TableVersionVia(ctx, c, table)
}

// TableVersionVia reads table's row of the version table through conn's
// Query, for drivers that have nothing better.
func TableVersionVia(ctx context.Context, conn Conn, table string) (int, error) {
	if err := CheckIdent(table); err != nil {
		return 0, Wrap("version", table, err)
	}
	rows, err := conn.Query(ctx, "version", []string{"table_version"},
		[]Cond{{Col: "table_name", Val: table}}, "", 2)
	if err != nil {
		return 0, Wrap("version", table, err)
	}
	switch len(rows) {
	case 0:
		return 0, Wrap("version", table, ErrNoVersion)
	case 1:
		v, ok := rows[0]["table_version"].(int64)
		if !ok {
			return 0, Wrap("version", table, fmt.Errorf("table_version is %T, not an integer", rows[0]["table_version"]))
		}
		return int(v), nil
	}
	return 0, Wrap("version", table, errors.New("more than one row in the version table"))
}

// Exec implements RawConn.
func (c *SQLConn) Exec(ctx context.Context, query string, args ...Value) (int64, error) {
	bound, err := bindAll(args)
	if err != nil {
		return 0, Wrap("exec", "", err)
	}
	n, err := c.exec(ctx, query, bound)
	return n, Wrap("exec", "", err)
}

// Raw implements RawConn.
func (c *SQLConn) Raw(ctx context.Context, query string, args ...Value) ([]Row, error) {
	bound, err := bindAll(args)
	if err != nil {
		return nil, Wrap("raw query", "", err)
	}
	rows, err := c.rawQuery(ctx, query, bound, false)
	return rows, Wrap("raw query", "", err)
}

func bindAll(args []Value) ([]any, error) {
	out := make([]any, len(args))
	for i, a := range args {
		b, err := BindSQL(a)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		out[i] = b
	}
	return out, nil
}

func (c *SQLConn) exec(ctx context.Context, query string, args []any) (int64, error) {
	ctx, cancel := Bound(ctx, c.Config)
	defer cancel()
	res, err := c.DB.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, timeoutHint(ctx, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, nil // the statement ran; some DDL has no count
	}
	return n, nil
}

// rawQuery runs query and reads every row before the deadline's context
// is released, converting the values to canonical Values. With prepare,
// the statement is kept for the next call of the same text (Query's
// generated SQL, not the script's raw queries, which could be endless).
func (c *SQLConn) rawQuery(ctx context.Context, query string, args []any, prepare bool) ([]Row, error) {
	if !prepare || !c.SQL.LocksOnly || ctx.Done() != nil {
		var cancel context.CancelFunc
		ctx, cancel = Bound(ctx, c.Config)
		defer cancel()
	}
	var st *sql.Stmt
	if prepare {
		var err error
		if st, err = c.prepared(ctx, query); err != nil {
			return nil, timeoutHint(ctx, err)
		}
	}
	var rows *sql.Rows
	var err error
	if st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = c.DB.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, timeoutHint(ctx, err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	var out []Row
	scan := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range scan {
		ptrs[i] = &scan[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make(Row, len(types))
		for i, t := range types {
			v, err := FromSQL(scan[i], t.DatabaseTypeName())
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", t.Name(), err)
			}
			row[t.Name()] = v
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, timeoutHint(ctx, err)
	}
	return out, nil
}

// timeoutHint makes a driver's bare "context canceled" or "i/o timeout"
// say which deadline ran out, keeping the original error wrapped.
func timeoutHint(ctx context.Context, err error) error {
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("%w (%w)", err, ctx.Err())
	}
	return err
}
