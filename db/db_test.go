package db

import (
	"errors"
	"testing"
)

func TestCheckIdent(t *testing.T) {
	cases := []struct {
		name, ident string
		ok          bool
	}{
		{"plain", "location", true},
		{"mixed_case_digits", "binding_URI2", true},
		{"empty", "", false},
		{"space", "a b", false},
		{"quote", `a"`, false},
		{"backquote", "a`", false},
		{"semicolon", "a;DROP", false},
		{"dot", "db.table", false},
		{"too_long", "a123456789012345678901234567890123456789012345678901234567890123", false},
		{"unicode", "tablé", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckIdent(tc.ident)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrIdent)) {
				t.Errorf("CheckIdent(%q) = %v", tc.ident, err)
			}
		})
	}
}

func TestNormalizeOp(t *testing.T) {
	cases := []struct {
		name string
		cond Cond
		want string
		bad  bool
	}{
		{"default_eq", Cond{Col: "a", Val: int64(1)}, "=", false},
		{"eq_nil", Cond{Col: "a", Op: "=", Val: nil}, "IS NULL", false},
		{"ne_nil", Cond{Col: "a", Op: "!=", Val: nil}, "IS NOT NULL", false},
		{"sql_ne", Cond{Col: "a", Op: "<>", Val: "x"}, "!=", false},
		{"lower_is_null", Cond{Col: "a", Op: "is null"}, "IS NULL", false},
		{"injection", Cond{Col: "a", Op: "= 1 OR 1=1 --", Val: "x"}, "", true},
		{"like", Cond{Col: "a", Op: "LIKE", Val: "x"}, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeOp(tc.cond)
			if (err != nil) != tc.bad || got != tc.want {
				t.Errorf("NormalizeOp(%+v) = %q, %v", tc.cond, got, err)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"password", "mysql://u:secret@h/db", "mysql://u:xxx@h/db"},
		{"no_password", "postgres://u@h/db", "postgres://u@h/db"},
		{"file", "sqlite:///var/x.db", "sqlite:///var/x.db"},
		{"at_in_password", "mysql://u:p@ss@h/db", "mysql://u:xxx@h/db"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Redact(tc.in); got != tc.want {
				t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestOpenUnknownScheme(t *testing.T) {
	if _, err := Open("oracle://x/y"); err == nil {
		t.Errorf("unknown scheme opened")
	}
	if _, err := Open("no-scheme"); err == nil {
		t.Errorf("URL without a scheme opened")
	}
}
