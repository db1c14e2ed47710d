package auth_db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"switchboard/db"
)

// preparedQueries runs the module's per-request reads (the subscriber
// row of www_authorize/proxy_authorize, the uri-table checks) as prepared
// statements on SQL databases. The db layer's Query builds and prepares
// its SQL again on every call, which under REGISTER load was a third of
// the time of the read (docs/performance.md); these queries have a few
// fixed shapes, so each is prepared once and kept. database/sql prepares
// a kept statement again by itself on a new pooled connection (after a
// reconnect). Other drivers (db_text) use Query as before.
type preparedQueries struct {
	conn *db.SQLConn // nil: not an SQL database, use Query

	mu    sync.Mutex
	stmts map[string]*sql.Stmt // by SQL text
}

func newPreparedQueries(conn db.Conn) *preparedQueries {
	sc, _ := conn.(*db.SQLConn)
	return &preparedQueries{conn: sc, stmts: map[string]*sql.Stmt{}}
}

// query is conn.Query(ctx, table, cols, where, "", limit) with a
// statement prepared once per shape. Only equality conditions on
// non-NULL values take this path; anything else goes to conn.Query.
func (p *preparedQueries) query(ctx context.Context, conn db.Conn, table string, cols []string, where []db.Cond, limit int) ([]db.Row, error) {
	if p == nil || p.conn == nil || len(cols) == 0 || !equalities(where) {
		return conn.Query(ctx, table, cols, where, "", limit)
	}
	text, err := p.selectText(table, cols, where, limit)
	if err != nil {
		return nil, db.Wrap("query", table, err)
	}
	args := make([]any, len(where))
	for i, c := range where {
		if args[i], err = db.BindSQL(c.Val); err != nil {
			return nil, db.Wrap("query", table, fmt.Errorf("column %s: %w", c.Col, err))
		}
	}
	ctx, cancel := db.Bound(ctx, p.conn.Config)
	defer cancel()
	stmt, err := p.statement(ctx, text)
	if err != nil {
		return nil, db.Wrap("query", table, err)
	}
	rows, err := p.read(ctx, stmt, args)
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("%w (%w)", err, ctx.Err())
	}
	return rows, db.Wrap("query", table, err)
}

func equalities(where []db.Cond) bool {
	for _, c := range where {
		if (c.Op != "" && c.Op != "=") || c.Val == nil {
			return false
		}
	}
	return true
}

// selectText is the SELECT for one shape, identifiers checked and quoted
// as the db layer does.
func (p *preparedQueries) selectText(table string, cols []string, where []db.Cond, limit int) (string, error) {
	d := p.conn.SQL
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, col := range cols {
		if err := db.CheckIdent(col); err != nil {
			return "", err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.Quote(col))
	}
	if err := db.CheckIdent(table); err != nil {
		return "", err
	}
	b.WriteString(" FROM " + d.Quote(table))
	for i, c := range where {
		if err := db.CheckIdent(c.Col); err != nil {
			return "", err
		}
		if i == 0 {
			b.WriteString(" WHERE ")
		} else {
			b.WriteString(" AND ")
		}
		b.WriteString(d.Quote(c.Col) + " = " + d.Placeholder(i+1))
	}
	if limit > 0 {
		b.WriteString(" LIMIT " + strconv.Itoa(limit))
	}
	return b.String(), nil
}

// statement returns the prepared statement for text, preparing it on
// first use. A failed prepare is not kept, so the next call tries again.
func (p *preparedQueries) statement(ctx context.Context, text string) (*sql.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if stmt, ok := p.stmts[text]; ok {
		return stmt, nil
	}
	stmt, err := p.conn.DB.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	p.stmts[text] = stmt
	return stmt, nil
}

// read runs stmt and converts its rows as the db layer's Query does.
func (p *preparedQueries) read(ctx context.Context, stmt *sql.Stmt, args []any) ([]db.Row, error) {
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	var out []db.Row
	scan := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range scan {
		ptrs[i] = &scan[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make(db.Row, len(types))
		for i, t := range types {
			v, err := db.FromSQL(scan[i], t.DatabaseTypeName())
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", t.Name(), err)
			}
			row[t.Name()] = v
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// close releases the statements (when Init replaces the connection).
func (p *preparedQueries) close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for text, stmt := range p.stmts {
		stmt.Close()
		delete(p.stmts, text)
	}
}
