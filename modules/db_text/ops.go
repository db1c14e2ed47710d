package db_text

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"switchboard/db"
)

// coerce converts an input value to the type of column c.
func coerce(v db.Value, c column) (db.Value, error) {
	v, err := db.Normalize(v)
	if err != nil || v == nil {
		return v, err
	}
	switch c.kind() {
	case db.KindInt, db.KindBigInt:
		if n, ok := v.(int64); ok {
			return n, nil
		}
	case db.KindFloat:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	case db.KindTime:
		switch x := v.(type) {
		case time.Time:
			return time.Unix(x.Unix(), 0), nil // the format keeps seconds
		case int64:
			return time.Unix(x, 0), nil
		}
	case db.KindString:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		}
	case db.KindBlob:
		switch x := v.(type) {
		case []byte:
			return append([]byte{}, x...), nil
		case string:
			return []byte(x), nil
		}
	}
	return nil, fmt.Errorf("column %s (%s) cannot hold a %T", c.Name, c.Type, v)
}

// compare orders two non-nil values of one column's type.
func compare(a, b db.Value) int {
	switch x := a.(type) {
	case int64:
		return cmp(x, b.(int64))
	case float64:
		return cmp(x, b.(float64))
	case time.Time:
		return x.Compare(b.(time.Time))
	case string:
		return strings.Compare(x, b.(string))
	case []byte:
		return bytes.Compare(x, b.([]byte))
	}
	return 0
}

func cmp[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// matcher is a compiled WHERE clause.
type matcher []struct {
	col int
	op  string
	val db.Value
}

func (t *table) compile(where []db.Cond) (matcher, error) {
	m := make(matcher, len(where))
	for i, w := range where {
		op, err := db.NormalizeOp(w)
		if err != nil {
			return nil, err
		}
		col, err := t.index(w.Col)
		if err != nil {
			return nil, err
		}
		m[i].col, m[i].op = col, op
		if op != "IS NULL" && op != "IS NOT NULL" {
			if m[i].val, err = coerce(w.Val, t.cols[col]); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m matcher) match(row []db.Value) bool {
	for _, c := range m {
		v := row[c.col]
		switch c.op {
		case "IS NULL":
			if v != nil {
				return false
			}
			continue
		case "IS NOT NULL":
			if v == nil {
				return false
			}
			continue
		}
		if v == nil { // as in SQL, NULL compares to nothing
			return false
		}
		r := compare(v, c.val)
		ok := map[string]bool{"=": r == 0, "!=": r != 0, "<": r < 0, ">": r > 0, "<=": r <= 0, ">=": r >= 0}[c.op]
		if !ok {
			return false
		}
	}
	return true
}

// do runs fn on the loaded table under the lock, after checking ctx.
func (c *Conn) do(ctx context.Context, op, name string, fn func(t *table) error) error {
	if err := ctx.Err(); err != nil {
		return db.Wrap(op, name, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t, err := c.load(name)
	if err != nil {
		return db.Wrap(op, name, err)
	}
	return db.Wrap(op, name, fn(t))
}

// Query implements db.Conn.
func (c *Conn) Query(ctx context.Context, name string, cols []string, where []db.Cond, order string, limit int) ([]db.Row, error) {
	var out []db.Row
	err := c.do(ctx, "query", name, func(t *table) error {
		m, err := t.compile(where)
		if err != nil {
			return err
		}
		idx := make([]int, 0, len(cols))
		for _, col := range cols {
			i, err := t.index(col)
			if err != nil {
				return err
			}
			idx = append(idx, i)
		}
		if len(cols) == 0 {
			for i := range t.cols {
				idx = append(idx, i)
			}
		}
		var hits [][]db.Value
		for _, r := range t.rows {
			if m.match(r) {
				hits = append(hits, r)
			}
		}
		orderCol, desc, err := db.ParseOrder(order)
		if err != nil {
			return err
		}
		if orderCol != "" {
			oi, err := t.index(orderCol)
			if err != nil {
				return err
			}
			// NULLs first, as SQLite and MySQL sort them ascending.
			sort.SliceStable(hits, func(a, b int) bool {
				x, y := hits[a][oi], hits[b][oi]
				var r int
				switch {
				case x == nil && y == nil:
				case x == nil:
					r = -1
				case y == nil:
					r = 1
				default:
					r = compare(x, y)
				}
				if desc {
					return r > 0
				}
				return r < 0
			})
		}
		if limit > 0 && len(hits) > limit {
			hits = hits[:limit]
		}
		for _, r := range hits {
			row := make(db.Row, len(idx))
			for _, i := range idx {
				row[t.cols[i].Name] = copyValue(r[i])
			}
			out = append(out, row)
		}
		return nil
	})
	return out, err
}

func copyValue(v db.Value) db.Value {
	if b, ok := v.([]byte); ok {
		return append([]byte{}, b...)
	}
	return v
}

// build makes a full row from row, filling auto columns and NULLs.
func (t *table) build(row db.Row) ([]db.Value, error) {
	out := make([]db.Value, len(t.cols))
	for name := range row {
		if _, err := t.index(name); err != nil {
			return nil, err
		}
	}
	for i, c := range t.cols {
		v, given := row[c.Name]
		if !given && c.Auto {
			var max int64
			for _, r := range t.rows {
				if n, ok := r[i].(int64); ok && n > max {
					max = n
				}
			}
			v = max + 1
		}
		cv, err := coerce(v, c)
		if err != nil {
			return nil, err
		}
		if cv == nil && !c.Null {
			if !given {
				return nil, fmt.Errorf("column %s has no value (db_text has no column defaults)", c.Name)
			}
			return nil, fmt.Errorf("column %s cannot be NULL", c.Name)
		}
		out[i] = cv
	}
	return out, nil
}

// Insert implements db.Conn.
func (c *Conn) Insert(ctx context.Context, name string, row db.Row) error {
	return c.do(ctx, "insert", name, func(t *table) error {
		r, err := t.build(row)
		if err != nil {
			return err
		}
		t.rows = append(t.rows, r)
		return c.save(name, t)
	})
}

// set applies set to row r.
func (t *table) set(r []db.Value, set db.Row) error {
	for name, v := range set {
		i, err := t.index(name)
		if err != nil {
			return err
		}
		cv, err := coerce(v, t.cols[i])
		if err != nil {
			return err
		}
		if cv == nil && !t.cols[i].Null {
			return fmt.Errorf("column %s cannot be NULL", name)
		}
		r[i] = cv
	}
	return nil
}

// Update implements db.Conn.
func (c *Conn) Update(ctx context.Context, name string, set db.Row, where []db.Cond) (int64, error) {
	var n int64
	err := c.do(ctx, "update", name, func(t *table) error {
		m, err := t.compile(where)
		if err != nil {
			return err
		}
		// Check every value before changing any row.
		if err := t.set(make([]db.Value, len(t.cols)), set); err != nil {
			return err
		}
		for _, r := range t.rows {
			if m.match(r) {
				_ = t.set(r, set)
				n++
			}
		}
		if n == 0 {
			return nil
		}
		return c.save(name, t)
	})
	return n, err
}

// Delete implements db.Conn.
func (c *Conn) Delete(ctx context.Context, name string, where []db.Cond) (int64, error) {
	var n int64
	err := c.do(ctx, "delete", name, func(t *table) error {
		m, err := t.compile(where)
		if err != nil {
			return err
		}
		kept := t.rows[:0]
		for _, r := range t.rows {
			if m.match(r) {
				n++
			} else {
				kept = append(kept, r)
			}
		}
		t.rows = kept
		if n == 0 {
			return nil
		}
		return c.save(name, t)
	})
	return n, err
}

// Upsert implements db.Conn: the row whose keys equal row's is updated,
// else row is inserted.
func (c *Conn) Upsert(ctx context.Context, name string, row db.Row, keys []string) error {
	return c.do(ctx, "upsert", name, func(t *table) error {
		if len(keys) == 0 {
			return fmt.Errorf("no key columns")
		}
		where := make([]db.Cond, len(keys))
		for i, k := range keys {
			v, ok := row[k]
			if !ok {
				return fmt.Errorf("key column %s has no value", k)
			}
			where[i] = db.Cond{Col: k, Val: v}
		}
		m, err := t.compile(where)
		if err != nil {
			return err
		}
		for _, r := range t.rows {
			if m.match(r) {
				if err := t.set(r, row); err != nil {
					return err
				}
				return c.save(name, t)
			}
		}
		r, err := t.build(row)
		if err != nil {
			return err
		}
		t.rows = append(t.rows, r)
		return c.save(name, t)
	})
}
