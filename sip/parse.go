package sip

import "strings"

// MaxHeaders bounds the header lines of one message, so a hostile message
// cannot make the index grow without limit.
const MaxHeaders = 512

// Parse parses one message received as a datagram (UDP, SCTP). It copies
// data, so the caller may reuse its buffer. Parse checks the first line,
// builds the header index and finds the body; header values are parsed
// when first used, and Check validates the headers every SIP element needs.
//
// Datagram rules (RFC 3261 §18.3): a body shorter than Content-Length is an
// error; octets after Content-Length are discarded; without Content-Length
// the body is the rest of the datagram.
//
// On error the message is still returned when its first line could be read,
// holding the headers indexed before the error, so that the caller can
// answer 400 with the reason (RFC 3261 §8.2.6 needs the request's Via); the
// Msg is nil when not even the first line made sense.
func Parse(data []byte) (*Msg, error) {
	return ParseString(string(data))
}

// ParseString is Parse for a message already held in a string; it does not
// copy.
func ParseString(s string) (*Msg, error) {
	return parseNew(s, false)
}

func parseNew(s string, stream bool) (*Msg, error) {
	m := new(Msg)
	if err := m.parse(s, stream); err != nil {
		if m.version == "" {
			return nil, err
		}
		return m, err
	}
	return m, nil
}

// Reset empties m for reuse by a pool, keeping its buffers.
func (m *Msg) Reset() {
	headers := m.headers[:0]
	lumps := m.Lumps
	lumps.Reset()
	vias := m.cache.vias.val[:0]
	scratch := m.edits.scratch
	scratch.Reset()
	*m = Msg{}
	if cap(headers) > len(m.headerBuf) {
		m.headers = headers // a grown index is worth keeping
	}
	m.Lumps = lumps
	m.cache.vias.val = vias
	m.edits.scratch = scratch
}

// Clone returns a copy of m that shares no mutable state with it: its own
// header index, edits (lumps, new Request-URI and body) and typed-value
// cache, which it fills again on first use. The message text is shared;
// it never changes. Keep a clone, not the message, when a Msg must outlive
// the function it was handed to: the core reuses received messages.
func (m *Msg) Clone() *Msg {
	c := new(Msg)
	*c = *m
	c.cache = typedCache{}
	c.edits.scratch = Lumps{}
	c.Lumps = m.Lumps.Clone()
	if len(m.headers) <= len(c.headerBuf) {
		c.headers = c.headerBuf[:len(m.headers)]
		copy(c.headers, m.headers)
	} else {
		c.headers = append([]Header(nil), m.headers...)
	}
	return c
}

// ParseInto is Parse into a Msg the caller owns (for example one from a
// pool), which it resets first. s must stay unchanged while m is in use.
func ParseInto(m *Msg, s string) error {
	m.Reset()
	return m.parse(s, false)
}

func (m *Msg) parse(s string, stream bool) error {
	// RFC 3261 §7.5: CRLFs before the start-line are ignored.
	for len(s) > 0 && (s[0] == '\r' || s[0] == '\n') {
		s = s[1:]
	}
	if s == "" {
		return &ParseError{Reason: "empty message"}
	}
	m.raw = s
	if m.headers == nil {
		m.headers = m.headerBuf[:0]
	}
	next, err := m.parseFirstLine()
	if err != nil {
		return err
	}
	if err := m.indexHeaders(next); err != nil {
		return err
	}
	return m.findBody(stream)
}

// lineEnd returns the index of the '\n' that ends the line starting at i and
// the index of the line's last content byte plus one (before any '\r').
func lineEnd(s string, i int) (contentEnd, nl int) {
	j := strings.IndexByte(s[i:], '\n')
	if j < 0 {
		return -1, -1
	}
	nl = i + j
	contentEnd = nl
	if contentEnd > i && s[contentEnd-1] == '\r' {
		contentEnd--
	}
	return contentEnd, nl
}

func (m *Msg) parseFirstLine() (next int, err error) {
	s := m.raw
	end, nl := lineEnd(s, 0)
	if nl < 0 {
		return 0, &ParseError{Offset: len(s), Reason: "no end of first line"}
	}
	line := s[:end]
	if len(line) >= 4 && EqualFold(line[:4], "SIP/") {
		return nl + 1, m.parseStatusLine(line)
	}
	return nl + 1, m.parseRequestLine(line)
}

// parseRequestLine: Method SP Request-URI SP SIP-Version, with exactly one
// SP between the elements (RFC 3261 §7.1; RFC 4475 lwsstart and trws).
func (m *Msg) parseRequestLine(line string) error {
	sp1 := strings.IndexByte(line, ' ')
	if sp1 <= 0 {
		return &ParseError{Reason: "request line is not Method SP Request-URI SP SIP-Version"}
	}
	if !isTokenString(line[:sp1]) {
		return &ParseError{Reason: "method is not a token"}
	}
	sp2 := strings.LastIndexByte(line, ' ')
	if sp2 == sp1 {
		return &ParseError{Offset: sp1, Reason: "no SIP-Version in request line"}
	}
	if sp2 == len(line)-1 {
		return &ParseError{Offset: sp2, Reason: "white space after SIP-Version"}
	}
	uri := line[sp1+1 : sp2]
	if uri == "" || uri[0] == ' ' {
		return &ParseError{Offset: sp1 + 1, Reason: "more than one SP before Request-URI"}
	}
	if i := strings.IndexAny(uri, " \t"); i >= 0 {
		return &ParseError{Offset: sp1 + 1 + i, Reason: "white space in Request-URI"}
	}
	if err := checkVersion(line[sp2+1:]); err != nil {
		err.Offset += sp2 + 1
		return err
	}
	m.isRequest = true
	m.methodName = line[:sp1]
	m.method = LookupMethod(m.methodName)
	m.requestURI = uri
	m.version = line[sp2+1:]
	return nil
}

// parseStatusLine: SIP-Version SP Status-Code SP Reason-Phrase. The reason
// may be empty (RFC 4475 noreason) and hold UTF-8 (unreason).
func (m *Msg) parseStatusLine(line string) error {
	sp1 := strings.IndexByte(line, ' ')
	if sp1 < 0 {
		return &ParseError{Reason: "status line is not SIP-Version SP Status-Code SP Reason-Phrase"}
	}
	if err := checkVersion(line[:sp1]); err != nil {
		return err
	}
	rest := line[sp1+1:]
	codeEnd := strings.IndexByte(rest, ' ')
	if codeEnd < 0 {
		codeEnd = len(rest) // tolerate a missing SP when the reason is empty
	}
	code := rest[:codeEnd]
	n, ok := parseUint(code, 999)
	if !ok || len(code) != 3 || n < 100 {
		return &ParseError{Offset: sp1 + 1, Reason: "status code is not three digits from 100 to 699"}
	}
	if n > 699 {
		return &ParseError{Offset: sp1 + 1, Reason: "status code above 699"}
	}
	for i := codeEnd + 1; i < len(rest); i++ {
		if c := rest[i]; c < ' ' && c != '\t' || c == 0x7f {
			return &ParseError{Offset: sp1 + 1 + i, Reason: "control character in reason phrase"}
		}
	}
	m.version = line[:sp1]
	m.statusCode = int(n)
	if codeEnd < len(rest) {
		m.reason = rest[codeEnd+1:]
	}
	return nil
}

// checkVersion accepts any "SIP/digits.digits", whatever the case of "SIP";
// a version other than 2.0 is reported by Check (505), not here, so that the
// element can still build a reply.
func checkVersion(v string) *ParseError {
	if len(v) < 7 || !EqualFold(v[:4], "SIP/") {
		return &ParseError{Reason: "invalid SIP-Version " + quoteForError(v)}
	}
	major, minor, ok := strings.Cut(v[4:], ".")
	if !ok || !allDigits(major) || !allDigits(minor) {
		return &ParseError{Reason: "invalid SIP-Version " + quoteForError(v)}
	}
	return nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// quoteForError shortens hostile input before it goes into an error text.
func quoteForError(s string) string {
	if len(s) > 32 {
		s = s[:32] + "..."
	}
	return "\"" + strings.ToValidUTF8(s, "?") + "\""
}

// indexHeaders records every header line from s[i] to the empty line that
// ends the header section.
func (m *Msg) indexHeaders(i int) error {
	s := m.raw
	for {
		if i >= len(s) {
			// A datagram whose last header line ends the data has no empty
			// line. RFC 3261 requires one; like most elements we take the
			// end of the datagram as the end of the headers (RFC 4475 baddn
			// ships that way).
			m.headerEnd, m.bodyStart = len(s), len(s)
			return nil
		}
		if s[i] == '\n' || s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			m.headerEnd = i
			if s[i] == '\r' {
				i++
			}
			m.bodyStart = i + 1
			return nil
		}
		if isWS(s[i]) {
			return &ParseError{Offset: i, Reason: "continuation line without a header"}
		}
		next, err := m.indexHeader(i)
		if err != nil {
			return err
		}
		i = next
	}
}

// indexHeader records the header line starting at s[start], following
// folded continuation lines, and returns where the next line starts.
func (m *Msg) indexHeader(start int) (int, error) {
	s := m.raw
	nameEnd := scanToken(s, start)
	if nameEnd == start {
		return 0, &ParseError{Offset: start, Reason: "header name is not a token"}
	}
	name := s[start:nameEnd]
	colon := nameEnd
	for colon < len(s) && isWS(s[colon]) {
		colon++
	}
	if colon >= len(s) || s[colon] != ':' {
		return 0, &ParseError{Header: truncateName(name), Offset: colon, Reason: "no colon after header name"}
	}
	valueStart := colon + 1
	i := valueStart
	for {
		_, nl := lineEnd(s, i)
		if nl < 0 {
			return 0, &ParseError{Header: truncateName(name), Offset: len(s), Reason: "header line does not end"}
		}
		i = nl + 1
		if i >= len(s) || !isWS(s[i]) {
			break // no continuation
		}
	}
	if len(m.headers) >= MaxHeaders {
		return 0, &ParseError{Offset: start, Reason: "too many headers"}
	}
	value := trimLWS(s[valueStart:i])
	vs := valueStart + skipLWS(s[valueStart:i], 0)
	if len(value) == 0 {
		vs = valueStart
	}
	m.headers = append(m.headers, Header{
		Type:       LookupHeader(name),
		Name:       name,
		Value:      value,
		Start:      start,
		End:        i,
		ValueStart: vs,
	})
	return i, nil
}

func truncateName(name string) string {
	if len(name) > 64 {
		return name[:64] + "..."
	}
	return name
}

// findBody applies Content-Length. On a stream the caller has framed the
// message with FrameLen already, so the data ends where the body ends.
func (m *Msg) findBody(stream bool) error {
	rest := len(m.raw) - m.bodyStart
	n, present, err := m.contentLengthHeader()
	if err != nil {
		return err
	}
	switch {
	case !present && stream:
		n = 0 // see FrameLen
	case !present:
		n = rest
	case n > rest:
		return &ParseError{Header: "Content-Length", Offset: m.bodyStart,
			Reason: "Content-Length larger than the message body"}
	}
	// RFC 3261 §18.3 (RFC 4475 dblreq): octets past Content-Length in a
	// datagram are discarded.
	m.raw = m.raw[:m.bodyStart+n]
	m.body = m.raw[m.bodyStart:]
	return nil
}
