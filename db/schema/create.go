package schema

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"switchboard/db"
)

// CreateSchema creates tables (none: DefaultTables) and their version
// rows; "version" is always created first. It fails, before creating
// anything, if one of them exists already: use Migrate for a database
// that is partly there.
func CreateSchema(ctx context.Context, conn db.Conn, names []string) error {
	ts, err := resolve(names)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	var existing []string
	for _, t := range ts {
		ok, err := HasTable(ctx, conn, t.Name)
		if err != nil {
			return fmt.Errorf("schema: %w", err)
		}
		if ok {
			existing = append(existing, t.Name)
		}
	}
	if len(existing) > 0 {
		return fmt.Errorf("schema: table(s) %s exist already; use migrate to add what is missing", strings.Join(existing, ", "))
	}
	for _, t := range ts {
		if err := createTable(ctx, conn, t); err != nil {
			return err
		}
	}
	return nil
}

// VersionError is a table whose version row is not the one switchboard
// supports: its layout is another OpenSIPS release's.
type VersionError struct {
	Table      string
	Have, Want int
	MissingRow bool
}

func (e *VersionError) Error() string {
	if e.MissingRow {
		return fmt.Sprintf("table %s exists but has no row in the version table (OpenSIPS 3.6 expects version %d); add the row if its layout is 3.6's", e.Table, e.Want)
	}
	return fmt.Sprintf("table %s is at version %d, switchboard supports %d (OpenSIPS 3.6); upgrade it with OpenSIPS's migration scripts first", e.Table, e.Have, e.Want)
}

// Migrate creates the tables of names (none: DefaultTables) that are
// missing and checks the version of the others, and of every other
// table the version table lists that OpenSIPS 3.6 knows. It refuses,
// before creating anything, if a version differs: switchboard does not
// rewrite another release's tables. It returns the tables it created.
func Migrate(ctx context.Context, conn db.Conn, names []string) ([]string, error) {
	ts, err := resolve(names)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	var missing []*Table
	var problems []error
	listed := map[string]bool{}
	for _, t := range ts {
		ok, err := HasTable(ctx, conn, t.Name)
		if err != nil {
			return nil, fmt.Errorf("schema: %w", err)
		}
		if !ok {
			missing = append(missing, t)
			continue
		}
		listed[t.Name] = true
		if t.Name == "version" {
			continue
		}
		have, err := conn.TableVersion(ctx, t.Name)
		switch {
		case errors.Is(err, db.ErrNoVersion):
			problems = append(problems, &VersionError{Table: t.Name, Want: t.Version, MissingRow: true})
		case err != nil:
			return nil, fmt.Errorf("schema: %w", err)
		case have != t.Version:
			problems = append(problems, &VersionError{Table: t.Name, Have: have, Want: t.Version})
		}
	}
	if len(missing) == 0 || missing[0].Name != "version" {
		// The other rows of an existing version table: a table of
		// another release is refused even if it was not named.
		rows, err := conn.Query(ctx, "version", []string{"table_name", "table_version"}, nil, "table_name", 0)
		if err != nil {
			return nil, fmt.Errorf("schema: %w", err)
		}
		for _, r := range rows {
			name, _ := r["table_name"].(string)
			have, _ := r["table_version"].(int64)
			want, known := Versions[name]
			if known && !listed[name] && int(have) != want {
				problems = append(problems, &VersionError{Table: name, Have: int(have), Want: want})
			}
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, fmt.Errorf("schema: refusing to migrate: %w", err)
	}
	var created []string
	for _, t := range missing {
		if err := createTable(ctx, conn, t); err != nil {
			return created, err
		}
		created = append(created, t.Name)
	}
	return created, nil
}

// HasTable reports whether table exists in the database of conn.
func HasTable(ctx context.Context, conn db.Conn, table string) (bool, error) {
	if err := db.CheckIdent(table); err != nil {
		return false, err
	}
	switch c := conn.(type) {
	case db.TableCreator:
		return c.HasTable(ctx, table)
	case db.RawConn:
		var q string
		switch c.Dialect() {
		case "sqlite":
			q = "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?"
		case "postgres":
			q = "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
		case "mysql":
			q = "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
		default:
			return false, fmt.Errorf("no catalog query for dialect %q", c.Dialect())
		}
		rows, err := c.Raw(ctx, q, table)
		if err != nil {
			return false, err
		}
		n, _ := rows[0]["n"].(int64)
		return n > 0, nil
	}
	return false, fmt.Errorf("driver %T can neither run SQL nor create tables", conn)
}

func createTable(ctx context.Context, conn db.Conn, t *Table) error {
	switch c := conn.(type) {
	case db.TableCreator:
		cols := make([]db.Column, len(t.Columns))
		for i, col := range t.Columns {
			cols[i] = db.Column{Name: col.Name, Kind: col.Kind(), Null: !col.NotNull, Auto: col.Auto}
		}
		if err := c.CreateTable(ctx, t.Name, cols); err != nil {
			return fmt.Errorf("schema: create %s: %w", t.Name, err)
		}
		if t.Name == "version" {
			return nil
		}
		return c.Insert(ctx, "version", db.Row{"table_name": t.Name, "table_version": int64(t.Version)})
	case db.RawConn:
		stmts, err := t.Statements(c.Dialect())
		if err != nil {
			return fmt.Errorf("schema: %w", err)
		}
		for _, s := range stmts {
			if _, err := c.Exec(ctx, s); err != nil {
				return fmt.Errorf("schema: create %s: %w", t.Name, err)
			}
		}
		return nil
	}
	return fmt.Errorf("schema: driver %T can neither run SQL nor create tables", conn)
}
