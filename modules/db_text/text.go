package db_text

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"switchboard/db"
)

// Conn is a db_text database: a directory of table files. Tables are
// cached in memory and reloaded when their file changes on disk (as
// OpenSIPS's db_mode 1); every change is written back at once, through
// a temporary file and a rename, so a crash never leaves half a table
// and nothing is lost on a restart (OpenSIPS writes on shutdown only).
type Conn struct {
	dir    string
	mu     sync.Mutex
	tables map[string]*table
}

var _ db.TableCreator = (*Conn)(nil)

type table struct {
	cols    []column
	rows    [][]db.Value
	modTime time.Time
	size    int64
}

// Open implements db.Opener for text:///abs/dir (or text://rel/dir,
// relative to the working directory). The directory is created if
// missing, so that `switchboard-cli db create text:///dir` works.
func Open(rawURL string, _ db.Config) (db.Conn, error) {
	dir, ok := strings.CutPrefix(rawURL, "text://")
	if !ok || dir == "" {
		return nil, fmt.Errorf("not a text:///path/to/dir URL")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Conn{dir: dir, tables: map[string]*table{}}, nil
}

// Close implements db.Conn; every change is on disk already.
func (c *Conn) Close() error { return nil }

func (c *Conn) path(name string) string { return filepath.Join(c.dir, name) }

// load returns the table, read again if the file changed.
func (c *Conn) load(name string) (*table, error) {
	if err := db.CheckIdent(name); err != nil {
		return nil, err
	}
	st, err := os.Stat(c.path(name))
	if err != nil {
		return nil, err
	}
	if t := c.tables[name]; t != nil && t.modTime.Equal(st.ModTime()) && t.size == st.Size() {
		return t, nil
	}
	data, err := os.ReadFile(c.path(name))
	if err != nil {
		return nil, err
	}
	t, err := parseTable(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.path(name), err)
	}
	t.modTime, t.size = st.ModTime(), st.Size()
	c.tables[name] = t
	return t, nil
}

func parseTable(data []byte) (*table, error) {
	lines := strings.Split(string(data), "\n")
	cols, err := parseHeader(lines[0])
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	t := &table{cols: cols}
	for i, line := range lines[1:] {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		row, err := parseRow(line, cols)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+2, err)
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

func (c *Conn) save(name string, t *table) error {
	var b bytes.Buffer
	b.WriteString(formatHeader(t.cols) + "\n")
	for _, r := range t.rows {
		b.WriteString(formatRow(r, t.cols) + "\n")
	}
	tmp := c.path("." + name + ".tmp")
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, c.path(name)); err != nil {
		return err
	}
	st, err := os.Stat(c.path(name))
	if err != nil {
		return err
	}
	t.modTime, t.size = st.ModTime(), st.Size()
	return nil
}

func (t *table) index(col string) (int, error) {
	for i, c := range t.cols {
		if c.Name == col {
			return i, nil
		}
	}
	if err := db.CheckIdent(col); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no column %q", col)
}

// HasTable implements db.TableCreator.
func (c *Conn) HasTable(_ context.Context, name string) (bool, error) {
	if err := db.CheckIdent(name); err != nil {
		return false, err
	}
	_, err := os.Stat(c.path(name))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// CreateTable implements db.TableCreator.
func (c *Conn) CreateTable(ctx context.Context, name string, dbCols []db.Column) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ok, err := c.HasTable(ctx, name); err != nil || ok {
		return db.Wrap("create", name, errors.Join(err, errorIf(ok, "exists already")))
	}
	t := &table{}
	for _, dc := range dbCols {
		if err := db.CheckIdent(dc.Name); err != nil {
			return db.Wrap("create", name, err)
		}
		col := column{Name: dc.Name, Type: typeName(dc.Kind), Null: dc.Null, Auto: dc.Auto}
		if col.Auto && col.Type == "long" {
			col.Type = "int" // OpenSIPS's reader only takes auto on int
		}
		t.cols = append(t.cols, col)
	}
	c.tables[name] = t
	return db.Wrap("create", name, c.save(name, t))
}

func errorIf(cond bool, msg string) error {
	if cond {
		return errors.New(msg)
	}
	return nil
}

// TableVersion implements db.Conn.
func (c *Conn) TableVersion(ctx context.Context, name string) (int, error) {
	return db.TableVersionVia(ctx, c, name)
}
