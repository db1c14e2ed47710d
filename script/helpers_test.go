package script

import (
	"reflect"
	"strings"
	"testing"

	"switchboard/script/ast"
)

// sexpr renders an expression with explicit grouping so tests can check
// precedence and associativity.
func sexpr(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BinaryExpr:
		return "(" + string(e.Op) + " " + sexpr(e.X) + " " + sexpr(e.Y) + ")"
	case *ast.UnaryExpr:
		return "(" + string(e.Op) + " " + sexpr(e.X) + ")"
	case *ast.ParenExpr:
		return "(paren " + sexpr(e.X) + ")"
	case *ast.BracketExpr:
		return "[" + sexpr(e.X) + "]"
	case *ast.CallExpr:
		parts := []string{e.Name}
		for _, a := range e.Args {
			parts = append(parts, sexpr(a))
		}
		return "(call " + strings.Join(parts, " ") + ")"
	case *ast.EmptyArg:
		return "_"
	case *ast.Ident:
		return "id:" + e.Name
	case *ast.IPLit:
		return "ip:" + e.Text
	case *ast.NullLit:
		return "NULL"
	case *ast.StringLit:
		return ast.Quote(e.Value)
	}
	return ast.ExprString(e)
}

// stripPositions zeroes every ast.Pos in the tree so that trees parsed
// from different text can be compared.
func stripPositions(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			stripPositions(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(ast.Pos{}) {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			stripPositions(v.Field(i))
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			stripPositions(v.Index(i))
		}
	}
}

func sameTree(a, b ast.Node) bool {
	stripPositions(reflect.ValueOf(a))
	stripPositions(reflect.ValueOf(b))
	return reflect.DeepEqual(a, b)
}

// mustParse parses src and fails the test on any error.
func mustParse(t *testing.T, src string) *ast.Script {
	t.Helper()
	s, err := Parse("test.cfg", []byte(src))
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return s
}

// roundTrip checks that printing s and parsing the result gives s again.
func roundTrip(t *testing.T, s *ast.Script) {
	t.Helper()
	out := s.String()
	again, err := Parse("printed.cfg", []byte(out))
	if err != nil {
		t.Fatalf("re-parse of printed script failed: %v\n%s", err, out)
	}
	if !sameTree(s, again) {
		t.Fatalf("printed script parses to a different tree:\n%s\nprinted again:\n%s", out, again.String())
	}
}

// firstStmt returns the first statement of the first route.
func firstStmt(t *testing.T, s *ast.Script) ast.Stmt {
	t.Helper()
	if len(s.Routes) == 0 || len(s.Routes[0].Body.Stmts) == 0 {
		t.Fatalf("no statement parsed")
	}
	return s.Routes[0].Body.Stmts[0]
}

func bytesReader(b []byte) *strings.Reader { return strings.NewReader(string(b)) }
