package db

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is how a time travels to and from SQL: the wall clock in the
// server's local zone, to the second, as OpenSIPS writes DATETIME columns.
const TimeLayout = "2006-01-02 15:04:05"

// Normalize converts an input Value to one of the six canonical types, or
// fails for anything else (a struct, a pointer) rather than letting a
// driver guess.
func Normalize(v Value) (Value, error) {
	switch x := v.(type) {
	case nil, int64, float64, string, []byte, time.Time:
		return v, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	default:
		return nil, fmt.Errorf("unsupported value type %T", v)
	}
}

// BindSQL converts an input Value to what the SQL drivers are given: a
// time becomes its local wall-clock text, which every dialect casts to
// its DATETIME / TIMESTAMP type and which is what OpenSIPS stores.
func BindSQL(v Value) (any, error) {
	v, err := Normalize(v)
	if err != nil {
		return nil, err
	}
	if t, ok := v.(time.Time); ok {
		return t.In(time.Local).Format(TimeLayout), nil
	}
	return v, nil
}

// KindOfSQLType classifies a database type name (as database/sql's
// ColumnType.DatabaseTypeName reports it: "VARCHAR", "INT4", "CHAR(64)",
// "UNSIGNED INT", "TIMESTAMP", "BYTEA"...). ok is false for an unknown or
// empty name (an expression column in SQLite), where the Go type decides.
func KindOfSQLType(name string) (k Kind, ok bool) {
	n := strings.ToUpper(name)
	switch {
	case n == "":
		return 0, false
	case strings.Contains(n, "INT") || strings.Contains(n, "SERIAL"):
		return KindBigInt, true
	case strings.Contains(n, "FLOAT") || strings.Contains(n, "REAL") || strings.Contains(n, "DOUBLE") ||
		strings.Contains(n, "NUMERIC") || strings.Contains(n, "DECIMAL"):
		return KindFloat, true
	case strings.Contains(n, "BLOB") || strings.Contains(n, "BYTEA") || strings.Contains(n, "BINARY"):
		return KindBlob, true
	case strings.Contains(n, "DATE") || strings.Contains(n, "TIME"):
		return KindTime, true
	case strings.Contains(n, "CHAR") || strings.Contains(n, "TEXT") || strings.Contains(n, "CLOB"):
		return KindString, true
	}
	return 0, false
}

// FromSQL converts what database/sql scanned into an any to a canonical
// Value of the column's kind. Drivers differ (MySQL returns text as
// []byte, PostgreSQL a timestamp as a UTC time.Time holding the wall
// clock, SQLite whatever was stored); callers get one shape.
func FromSQL(v any, typeName string) (Value, error) {
	if v == nil {
		return nil, nil
	}
	kind, known := KindOfSQLType(typeName)
	if !known {
		if b, ok := v.([]byte); ok {
			return string(b), nil
		}
		if u, ok := v.(uint64); ok {
			return int64(u), nil
		}
		return v, nil
	}
	switch kind {
	case KindInt, KindBigInt:
		switch x := v.(type) {
		case int64:
			return x, nil
		case uint64:
			return int64(x), nil
		case float64:
			return int64(x), nil
		case []byte:
			return strconv.ParseInt(string(x), 10, 64)
		case string:
			return strconv.ParseInt(x, 10, 64)
		}
	case KindFloat:
		switch x := v.(type) {
		case float64:
			return x, nil
		case float32:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case []byte:
			return strconv.ParseFloat(string(x), 64)
		case string:
			return strconv.ParseFloat(x, 64)
		}
	case KindBlob:
		switch x := v.(type) {
		case []byte:
			return append([]byte{}, x...), nil
		case string:
			return []byte(x), nil
		}
	case KindString:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), nil
		}
	case KindTime:
		switch x := v.(type) {
		case time.Time:
			// The stored wall clock is local time (see BindSQL),
			// whatever zone the driver labelled it with.
			return time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.Local), nil
		case []byte:
			return ParseTime(string(x))
		case string:
			return ParseTime(x)
		case int64: // a unix time, as db_text and some old tables hold
			return time.Unix(x, 0), nil
		}
	}
	return nil, fmt.Errorf("cannot convert %T to a %s value", v, typeName)
}

// ParseTime reads a DATETIME text in local time, with or without
// fractional seconds or a 'T'.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{TimeLayout, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999 -0700 MST"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.In(time.Local), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse time %q", s)
}

// Text reads a text column as modules want it: a string or the bytes a
// driver gave for one; NULL and other types are "".
func Text(v Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}
