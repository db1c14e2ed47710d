package event_flatstore

import (
	"fmt"
	"strconv"
	"strings"

	"switchboard/events"
)

// Format says how an event becomes a line of the file.
type Format struct {
	// Delimiter goes between the event name and the parameters and
	// between parameters (delimiter, default ",").
	Delimiter string
	// Escape, when set, replaces the delimiter inside string values
	// (escape_delimiter; as long as Delimiter). When empty, the
	// delimiter's first character is replaced by a space, as OpenSIPS
	// does.
	Escape string
	// SuppressName leaves the event name out (suppress_event_name).
	SuppressName bool
}

// DefaultFormat is OpenSIPS's.
func DefaultFormat() Format { return Format{Delimiter: ","} }

// Check validates the combination of parameters.
func (f Format) Check() error {
	if f.Delimiter == "" {
		return fmt.Errorf("delimiter must not be empty")
	}
	if strings.ContainsAny(f.Delimiter+f.Escape, "\r\n") {
		return fmt.Errorf("delimiter and escape_delimiter must not hold a line break: a line is one event")
	}
	if f.Escape != "" && len(f.Escape) != len(f.Delimiter) {
		return fmt.Errorf("escape_delimiter %q must be as long as the delimiter %q", f.Escape, f.Delimiter)
	}
	return nil
}

// AppendLine appends the line of one event, newline included:
// name, then each parameter's value, joined by the delimiter. Parameter
// names are not written; a parameter without value writes nothing between
// its delimiters.
func (f Format) AppendLine(b []byte, event string, params events.Params) []byte {
	first := true
	if !f.SuppressName {
		b = append(b, event...)
		first = false
	}
	for _, p := range params {
		if !first {
			b = append(b, f.Delimiter...)
		}
		first = false
		switch v := p.Value.(type) {
		case nil:
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case string:
			b = f.appendValue(b, v)
		default:
			b = f.appendValue(b, fmt.Sprint(v))
		}
	}
	return append(b, '\n')
}

// appendValue writes a string value so that it cannot be taken for a
// delimiter or end the line.
func (f Format) appendValue(b []byte, s string) []byte {
	if f.Escape != "" {
		s = strings.ReplaceAll(s, f.Delimiter, f.Escape)
	} else if strings.IndexByte(s, f.Delimiter[0]) >= 0 {
		s = strings.ReplaceAll(s, f.Delimiter[:1], " ")
	}
	// A newline inside a value would split the record: OpenSIPS writes
	// it as is; switchboard keeps one event a line.
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	}
	return append(b, s...)
}
