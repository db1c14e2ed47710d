package sip

import "bytes"

// MaxMessageSize is the default bound on one message read from a stream:
// a header section or body larger than this is treated as an attack, not
// waited for.
const MaxMessageSize = 1 << 16

// FrameLen finds the first message in a stream buffer (TCP, TLS, WS) and
// returns its length, leading CRLFs included: the caller passes buf[:n] to
// ParseStream and keeps the rest for the next message. It returns
// ErrIncomplete when more bytes are needed, and a *ParseError when the
// bytes can never become a valid message (no Content-Length number,
// conflicting Content-Lengths, or more than max bytes).
//
// RFC 3261 §18.3 requires Content-Length on streams. Like OpenSIPS, a
// message without one is taken to have no body.
func FrameLen(buf []byte, max int) (int, error) {
	start := KeepaliveLen(buf)
	b := buf[start:]
	end := bytes.Index(b, []byte("\r\n\r\n"))
	sepLen := 4
	if lf := bytes.Index(b, []byte("\n\n")); lf >= 0 && (end < 0 || lf < end) {
		end, sepLen = lf, 2
	}
	if end < 0 {
		if len(b) > max {
			return 0, &ParseError{Offset: start + max, Reason: "header section larger than the limit"}
		}
		return 0, ErrIncomplete
	}
	headers := b[:end+sepLen/2] // up to and including the last header's line end
	n, err := streamContentLength(headers)
	if err != nil {
		return 0, err
	}
	total := end + sepLen + n
	if total > max {
		return 0, &ParseError{Offset: start, Reason: "message larger than the limit"}
	}
	if len(b) < total {
		return 0, ErrIncomplete
	}
	return start + total, nil
}

// KeepaliveLen returns how many CR and LF bytes start buf: RFC 5626 §3.5.1
// keep-alive pings ("\r\n\r\n") and the CRLFs RFC 3261 §7.5 says to ignore
// before a start-line.
func KeepaliveLen(buf []byte) int {
	n := 0
	for n < len(buf) && (buf[n] == '\r' || buf[n] == '\n') {
		n++
	}
	return n
}

// streamContentLength reads Content-Length (or "l") from a header section
// without building the index: framing runs on every read of a stream.
func streamContentLength(headers []byte) (int, error) {
	n, found := 0, false
	for len(headers) > 0 {
		line := headers
		next := len(headers)
		if i := bytes.IndexByte(headers, '\n'); i >= 0 {
			line, next = headers[:i], i+1
		}
		headers = headers[next:]
		v, ok := contentLengthLine(line)
		if !ok {
			continue
		}
		val, good := parseUint(string(bytes.TrimRight(trimSpaceBytes(v), "\r")), maxContentLength)
		if !good {
			return 0, &ParseError{Header: "Content-Length", Reason: "Content-Length is not a non-negative number"}
		}
		if found && int(val) != n {
			return 0, &ParseError{Header: "Content-Length", Reason: "Content-Length headers disagree"}
		}
		n, found = int(val), true
	}
	return n, nil
}

// contentLengthLine returns the value part of a Content-Length header line.
func contentLengthLine(line []byte) ([]byte, bool) {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return nil, false
	}
	name := bytes.TrimRight(line[:colon], " \t")
	if len(name) != 1 && len(name) != len("content-length") {
		return nil, false
	}
	if LookupHeader(string(name)) != HdrContentLength {
		return nil, false
	}
	return line[colon+1:], true
}

func trimSpaceBytes(b []byte) []byte { return bytes.Trim(b, " \t") }

// ParseStream parses one message framed by FrameLen. It copies frame.
func ParseStream(frame []byte) (*Msg, error) {
	return parseNew(string(frame), true)
}
