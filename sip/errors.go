package sip

import (
	"errors"
	"strconv"
)

// ErrIncomplete means a stream buffer holds the start of a message but not
// all of it yet: read more bytes and try again. It is not a syntax error.
var ErrIncomplete = errors.New("sip: incomplete message")

// ParseError says what is wrong with a message and where, so a 400 reply
// can carry the reason and a log line can point at the byte.
type ParseError struct {
	Header string // header name as received; empty for the first line
	Offset int    // byte offset in the message (or in the parsed value)
	Reason string
	Code   int // the reply the error calls for when not 400 (505 for a bad version)
}

func (e *ParseError) Error() string {
	where := "first line"
	if e.Header != "" {
		where = "header " + e.Header
	}
	return "sip: " + where + " at offset " + strconv.Itoa(e.Offset) + ": " + e.Reason
}

// errorAt makes a ParseError at offset off of the value being parsed; the
// message-level caller adds the header name and rebases the offset.
func errorAt(off int, reason string) *ParseError {
	return &ParseError{Offset: off, Reason: reason}
}

// inHeader rebases an error from a value parser onto the message: the
// value started at base and belongs to header name.
func inHeader(err error, name string, base int) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		return &ParseError{Header: name, Offset: base + pe.Offset, Reason: pe.Reason, Code: pe.Code}
	}
	return err
}

// rebase moves the offset of a ParseError from a sub-value by base.
func rebase(err error, base int) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		return &ParseError{Header: pe.Header, Offset: base + pe.Offset, Reason: pe.Reason, Code: pe.Code}
	}
	return err
}
