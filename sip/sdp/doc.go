// Package sdp reads and edits SDP bodies (RFC 4566) the way a SIP proxy
// needs to: without copying, without reordering, and without changing a
// byte it was not asked to change.
//
// Parse indexes a body line by line. Every value is a substring of the
// body and every line keeps its own line end (CRLF or a bare LF, both seen
// in the wild), so an unmodified Session written out with AppendTo is the
// body it was parsed from, byte for byte. The edit helpers (RemoveCodec,
// KeepCodecs, MoveCodec, RemoveStream, SetConnection) never touch the
// Session: they return a new body in which only the affected lines are
// rewritten, ready for the next Parse.
//
// What the parser accepts, and why:
//
//   - The first line that is not empty must be v=. Empty lines are kept
//     (a trailing CRLF after the last line is common) but mean nothing.
//   - Every other line must be "<letter>=<value>" with a lower-case
//     letter. RFC 4566 §5 tells a parser to ignore a whole description
//     with a type letter it does not know; a proxy that did so would drop
//     calls over an extension it does not need to understand, so lines
//     with unknown letters are kept, passed through and otherwise ignored
//     (OpenSIPS does the same). Unknown a= attributes are ignored as RFC
//     4566 §5.13 says.
//   - The lines whose fields a proxy reads (o=, c=, b=, t=, m=, a=) are
//     checked: a malformed one is an *Error with its line number, since
//     editing a line we cannot read would corrupt it.
//   - Field order is not enforced (RFC 4566 §5 gives one) and an m= line
//     with no format is accepted: neither harms a pass-through, and real
//     user agents get both wrong.
//   - A CR is only accepted right before the LF that ends a line; NUL is
//     refused anywhere (RFC 4566 §5 "text" excludes both).
package sdp
