package script

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"switchboard/script/ast"
)

// maxIncludeDepth matches OpenSIPS's limit on nested include_file.
const maxIncludeDepth = 50

// Load parses the cfg file at path and splices in every include_file /
// import_file it names, recursively. Relative include paths are resolved
// against the directory of the including file, as OpenSIPS does. Each node
// keeps the file it came from in its Pos. Errors from all files are
// returned together.
func Load(path string) (*ast.Script, error) {
	return LoadWith(path, os.ReadFile)
}

// LoadWith is Load with a custom file reader (tests, embedded configs).
func LoadWith(path string, read func(string) ([]byte, error)) (*ast.Script, error) {
	l := &includer{read: read}
	src, err := read(path)
	if err != nil {
		return nil, err
	}
	s, err := Parse(path, src)
	l.collect(err)
	l.stack = []string{filepath.Clean(path)}
	out := &ast.Script{Pos: s.Pos}
	l.spliceDecls(out, s.Items, path)
	l.errs.sortByPos()
	return out, l.errs.Err()
}

type includer struct {
	read  func(string) ([]byte, error)
	stack []string // files being included, outermost first
	errs  ErrorList
}

func (l *includer) collect(err error) {
	var list ErrorList
	if errors.As(err, &list) {
		l.errs = append(l.errs, list...)
	} else if err != nil {
		l.errs = append(l.errs, &Error{Msg: err.Error()})
	}
}

// open resolves, reads and cycle-checks an included file. ok is false
// (with the error recorded) when it must not be included.
func (l *includer) open(inc *ast.Include, from string) (path string, src []byte, ok bool) {
	path = inc.Path
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(from), path)
	}
	path = filepath.Clean(path)
	for _, p := range l.stack {
		if p == path {
			chain := append(append([]string{}, l.stack...), path)
			l.errs = append(l.errs, &Error{Pos: inc.Pos, Msg: "include cycle: " + strings.Join(chain, " -> ")})
			return "", nil, false
		}
	}
	if len(l.stack) >= maxIncludeDepth {
		l.errs = append(l.errs, &Error{Pos: inc.Pos, Msg: "includes nested too deep (more than 50 levels)"})
		return "", nil, false
	}
	src, err := l.read(path)
	if err != nil {
		l.errs = append(l.errs, &Error{Pos: inc.Pos, Msg: inc.Keyword + ": cannot read " + path + ": " + err.Error()})
		return "", nil, false
	}
	return path, src, true
}

// spliceDecls copies items into out, replacing top-level includes with the
// included file's items, and resolving includes inside route bodies.
func (l *includer) spliceDecls(out *ast.Script, items []ast.Decl, from string) {
	for _, d := range items {
		inc, isInclude := d.(*ast.Include)
		if !isInclude {
			if rb, ok := d.(*ast.RouteBlock); ok && rb.Body != nil {
				rb.Body.Stmts = l.spliceStmts(rb.Body.Stmts, from)
			}
			out.Add(d)
			continue
		}
		path, src, ok := l.open(inc, from)
		if !ok {
			continue
		}
		s, err := Parse(path, src)
		l.collect(err)
		l.stack = append(l.stack, path)
		l.spliceDecls(out, s.Items, path)
		l.stack = l.stack[:len(l.stack)-1]
	}
}

// spliceStmts replaces include statements with the included statements,
// descending into nested blocks.
func (l *includer) spliceStmts(list []ast.Stmt, from string) []ast.Stmt {
	var out []ast.Stmt
	for _, s := range list {
		inc, isInclude := s.(*ast.Include)
		if !isInclude {
			l.spliceInside(s, from)
			out = append(out, s)
			continue
		}
		path, src, ok := l.open(inc, from)
		if !ok {
			continue
		}
		stmts, err := ParseStatements(path, src)
		l.collect(err)
		l.stack = append(l.stack, path)
		out = append(out, l.spliceStmts(stmts, path)...)
		l.stack = l.stack[:len(l.stack)-1]
	}
	return out
}

// spliceInside resolves includes in the blocks nested in s.
func (l *includer) spliceInside(s ast.Stmt, from string) {
	switch s := s.(type) {
	case *ast.Block:
		s.Stmts = l.spliceStmts(s.Stmts, from)
	case *ast.IfStmt:
		l.spliceInside(s.Then, from)
		if s.Else != nil {
			l.spliceInside(s.Else, from)
		}
	case *ast.WhileStmt:
		l.spliceInside(s.Body, from)
	case *ast.ForEachStmt:
		l.spliceInside(s.Body, from)
	case *ast.SwitchStmt:
		for _, c := range s.Cases {
			c.Body = l.spliceStmts(c.Body, from)
		}
	}
}
