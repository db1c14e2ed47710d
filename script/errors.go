package script

import (
	"sort"
	"strings"

	"switchboard/script/ast"
)

// Error is one positioned problem in a script.
type Error struct {
	Pos ast.Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every problem found in a script, in source order. The parser
// does not stop at the first one.
type ErrorList []*Error

// Error lists every error, one per line.
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Err returns nil for an empty list, so that a nil ErrorList never becomes a
// non-nil error interface.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// sortByPos orders errors by file, line and column; lexer and parser errors
// are found in separate passes.
func (l ErrorList) sortByPos() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
