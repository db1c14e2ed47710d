package db

import (
	"fmt"
	"strings"
)

// maxIdent is MySQL's limit; PostgreSQL truncates at 63, so a longer name
// would silently mean another table there.
const maxIdent = 63

// CheckIdent returns an ErrIdent error unless name is [A-Za-z0-9_]+ and
// at most 63 bytes. Table and column names come from modparams (the
// *_column and *_table parameters) and so are user input.
func CheckIdent(name string) error {
	if name == "" || len(name) > maxIdent {
		return fmt.Errorf("%w %q: 1 to %d characters of [A-Za-z0-9_]", ErrIdent, name, maxIdent)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return fmt.Errorf("%w %q: only [A-Za-z0-9_] is allowed", ErrIdent, name)
		}
	}
	return nil
}

// ParseOrder splits an order argument ("", "col", "col ASC", "col DESC")
// into a checked column and whether it is descending.
func ParseOrder(order string) (col string, desc bool, err error) {
	fields := strings.Fields(order)
	switch {
	case len(fields) == 0:
		return "", false, nil
	case len(fields) == 2 && strings.EqualFold(fields[1], "desc"):
		desc = true
	case len(fields) == 2 && strings.EqualFold(fields[1], "asc"):
	case len(fields) != 1:
		return "", false, fmt.Errorf("%w: order %q is not \"col [ASC|DESC]\"", ErrIdent, order)
	}
	if err := CheckIdent(fields[0]); err != nil {
		return "", false, err
	}
	return fields[0], desc, nil
}

// NormalizeOp returns the canonical operator of c ("=" "!=" "<" ">" "<="
// ">=" "IS NULL" "IS NOT NULL"), turning = nil and != nil into the NULL
// tests, or an error for anything else: operators are spliced into SQL.
func NormalizeOp(c Cond) (string, error) {
	op := strings.ToUpper(strings.TrimSpace(c.Op))
	switch op {
	case "", "=", "==":
		op = "="
	case "!=", "<>":
		op = "!="
	case "<", ">", "<=", ">=", "IS NULL", "IS NOT NULL":
	default:
		return "", fmt.Errorf("unsupported operator %q on column %q", c.Op, c.Col)
	}
	if c.Val == nil && op == "=" {
		op = "IS NULL"
	}
	if c.Val == nil && op == "!=" {
		op = "IS NOT NULL"
	}
	return op, nil
}
