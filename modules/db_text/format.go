package db_text

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"switchboard/db"
)

// column is one column of a db_text table header, "name(type[,flag])".
// The types are OpenSIPS's: int, long, double, str, string, blob, time
// (only the first letter counts, as in OpenSIPS's dbt_file.c), the flags
// null (the column takes NULL) and auto (an int filled with max+1).
type column struct {
	Name string
	Type string
	Null bool
	Auto bool
}

func (c column) kind() db.Kind {
	switch c.Type {
	case "int":
		return db.KindInt
	case "long":
		return db.KindBigInt
	case "double":
		return db.KindFloat
	case "blob":
		return db.KindBlob
	case "time":
		return db.KindTime
	}
	return db.KindString
}

// typeName is the header spelling of a kind.
func typeName(k db.Kind) string {
	return [...]string{db.KindInt: "int", db.KindBigInt: "long", db.KindFloat: "double",
		db.KindString: "string", db.KindBlob: "blob", db.KindTime: "time"}[k]
}

// parseHeader reads the first line of a table file.
func parseHeader(line string) ([]column, error) {
	var cols []column
	for _, def := range strings.Fields(line) {
		name, rest, ok := strings.Cut(def, "(")
		if !ok || !strings.HasSuffix(rest, ")") || name == "" {
			return nil, fmt.Errorf("column definition %q is not name(type[,flag])", def)
		}
		if err := db.CheckIdent(name); err != nil {
			return nil, err
		}
		typ, flag, _ := strings.Cut(strings.TrimSuffix(rest, ")"), ",")
		c := column{Name: name}
		switch strings.ToLower(typ) {
		case "int", "i":
			c.Type = "int"
		case "long", "l":
			c.Type = "long"
		case "double", "d":
			c.Type = "double"
		case "str", "s":
			c.Type = "str"
		case "string":
			c.Type = "string"
		case "blob", "b":
			c.Type = "blob"
		case "time", "t", "datetime":
			c.Type = "time"
		default:
			return nil, fmt.Errorf("column %s: unknown type %q", name, typ)
		}
		switch strings.ToLower(flag) {
		case "":
		case "null":
			c.Null = true
		case "auto":
			if c.Type != "int" && c.Type != "long" {
				return nil, fmt.Errorf("column %s: auto on a %s column", name, c.Type)
			}
			c.Auto = true
		default:
			return nil, fmt.Errorf("column %s: unknown flag %q", name, flag)
		}
		cols = append(cols, c)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("no column definitions")
	}
	return cols, nil
}

// formatHeader writes the header line (without the newline).
func formatHeader(cols []column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		flag := ""
		if c.Null {
			flag = ",null"
		} else if c.Auto {
			flag = ",auto"
		}
		parts[i] = c.Name + "(" + c.Type + flag + ")"
	}
	return strings.Join(parts, " ")
}

// splitFields splits a row at the ':' that are not escaped.
func splitFields(line string) []string {
	var fields []string
	start := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case ':':
			fields = append(fields, line[start:i])
			start = i + 1
		}
	}
	return append(fields, line[start:])
}

// parseRow reads one data line. An empty field is NULL; in a string
// column that does not take NULL it is the empty string, since the
// format cannot tell the two apart.
func parseRow(line string, cols []column) ([]db.Value, error) {
	fields := splitFields(line)
	if len(fields) != len(cols) {
		return nil, fmt.Errorf("%d fields for %d columns", len(fields), len(cols))
	}
	row := make([]db.Value, len(cols))
	for i, f := range fields {
		v, err := parseField(f, cols[i])
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", cols[i].Name, err)
		}
		row[i] = v
	}
	return row, nil
}

func parseField(f string, c column) (db.Value, error) {
	if f == "" {
		switch {
		case c.Null:
			return nil, nil
		case c.kind() == db.KindString:
			return "", nil
		case c.kind() == db.KindBlob:
			return []byte{}, nil
		}
		return nil, fmt.Errorf("empty value in a column without the null flag")
	}
	switch c.kind() {
	case db.KindInt, db.KindBigInt, db.KindTime:
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, err
		}
		if c.kind() == db.KindTime {
			return time.Unix(n, 0), nil
		}
		return n, nil
	case db.KindFloat:
		if strings.ContainsAny(f, "eEnNiI") {
			return nil, fmt.Errorf("%q is not a decimal number", f)
		}
		return strconv.ParseFloat(f, 64)
	}
	s, err := unescape(f)
	if err != nil {
		return nil, err
	}
	if c.kind() == db.KindBlob {
		return []byte(s), nil
	}
	return s, nil
}

func unescape(f string) (string, error) {
	if !strings.Contains(f, `\`) {
		return f, nil
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '\\' {
			b.WriteByte(f[i])
			continue
		}
		i++
		if i == len(f) {
			return "", fmt.Errorf("a lone backslash at the end")
		}
		switch f[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case '\\':
			b.WriteByte('\\')
		case ':':
			b.WriteByte(':')
		case '0':
			b.WriteByte(0)
		default:
			return "", fmt.Errorf("unknown escape \\%c", f[i])
		}
	}
	return b.String(), nil
}

// formatRow writes one data line (without the newline). Numbers are
// written in full, which OpenSIPS's own reader also takes (it writes
// doubles with two decimals; that would lose a q of 0.125).
func formatRow(row []db.Value, cols []column) string {
	var b strings.Builder
	for i, v := range row {
		if i > 0 {
			b.WriteByte(':')
		}
		switch x := v.(type) {
		case nil:
		case int64:
			b.WriteString(strconv.FormatInt(x, 10))
		case float64:
			b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
		case time.Time:
			b.WriteString(strconv.FormatInt(x.Unix(), 10))
		case string:
			escape(&b, x)
		case []byte:
			escape(&b, string(x))
		}
	}
	return b.String()
}

func escape(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\\':
			b.WriteString(`\\`)
		case ':':
			b.WriteString(`\:`)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
}
