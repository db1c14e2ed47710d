package sip

import (
	"slices"
	"strconv"
)

// The Msg-level edits below are what script functions and tm use; each is
// recorded in m.Lumps except the Request-URI and body, which are values a
// script may set several times (the last one wins), so they are kept on the
// message and turned into edits when it is written out.

// override holds the Request-URI and body a script set.
type override struct {
	requestURI    string
	hasRequestURI bool
	body          string
	contentType   string
	hasBody       bool

	scratch Lumps // reused to merge the overrides with m.Lumps
}

// AddHeader appends a header at the end of the header section (OpenSIPS
// append_hf). Headers added this way come out in call order.
func (m *Msg) AddHeader(name, value string) {
	m.Lumps.InsertAfter(m.headerEnd, name+": "+value+"\r\n")
}

// InsertHeader puts a header before the first header (OpenSIPS insert_hf).
// Headers inserted this way come out in call order, before every original
// header.
func (m *Msg) InsertHeader(name, value string) {
	m.Lumps.InsertAfter(m.firstHeaderOffset(), name+": "+value+"\r\n")
}

// InsertTopVia puts a Via header on top of all headers, before anything a
// script inserted there: a proxy's own Via must be the first (RFC 3261
// §16.6 step 8). Use it on a clone of m.Lumps per branch.
func InsertTopVia(l *Lumps, m *Msg, value string) {
	l.InsertBefore(m.firstHeaderOffset(), "Via: "+value+"\r\n")
}

func (m *Msg) firstHeaderOffset() int {
	if len(m.headers) > 0 {
		return m.headers[0].Start
	}
	return m.headerEnd
}

// RemoveHeader removes a header line (OpenSIPS remove_hf).
func (m *Msg) RemoveHeader(h *Header) {
	m.Lumps.Delete(h.Start, h.End)
}

// SetHeaderValue replaces the value of a header line, keeping its name.
func (m *Msg) SetHeaderValue(h *Header, value string) {
	m.Lumps.Replace(h.ValueStart, h.ValueStart+len(h.Value), value)
}

// SetRequestURI sets the Request-URI the request is written out with.
func (m *Msg) SetRequestURI(uri string) {
	m.edits.requestURI, m.edits.hasRequestURI = uri, true
}

// ResetRequestURI forgets a Request-URI set by SetRequestURI (OpenSIPS
// revert_uri): the request is written out with the one it came with.
func (m *Msg) ResetRequestURI() {
	m.edits.requestURI, m.edits.hasRequestURI = "", false
}

// NewRequestURI returns the Request-URI the message will be written out
// with: the one set by SetRequestURI, or the received one.
func (m *Msg) NewRequestURI() string {
	if m.edits.hasRequestURI {
		return m.edits.requestURI
	}
	return m.requestURI
}

// SetBody replaces the body and fixes Content-Length. A non-empty
// contentType replaces (or adds) Content-Type; an empty body with an empty
// contentType removes Content-Type.
func (m *Msg) SetBody(body, contentType string) {
	m.edits.body, m.edits.contentType, m.edits.hasBody = body, contentType, true
}

// NewBody returns the body the message will be written out with.
func (m *Msg) NewBody() string {
	if m.edits.hasBody {
		return m.edits.body
	}
	return m.body
}

// AppendTo writes the message with its edits to dst.
func (m *Msg) AppendTo(dst []byte) []byte {
	return m.AppendWith(dst, &m.Lumps)
}

// Bytes returns the message with its edits.
func (m *Msg) Bytes() []byte { return m.AppendTo(nil) }

// AppendWith writes the message with the edits l instead of m.Lumps (tm
// writes each branch with its own clone), plus the Request-URI and body
// set on m.
func (m *Msg) AppendWith(dst []byte, l *Lumps) []byte {
	if m.edits.hasRequestURI || m.edits.hasBody {
		s := &m.edits.scratch
		s.edits = append(s.edits[:0], l.edits...)
		m.addOverrides(s)
		l = s
	}
	dst = slices.Grow(dst, l.Size(m.raw))
	return l.Apply(dst, m.raw)
}

func (m *Msg) addOverrides(l *Lumps) {
	if m.edits.hasRequestURI && m.isRequest {
		start := len(m.methodName) + 1
		l.Replace(start, start+len(m.requestURI), m.edits.requestURI)
	}
	if !m.edits.hasBody {
		return
	}
	body, ctype := m.edits.body, m.edits.contentType
	l.Replace(m.bodyStart, len(m.raw), body)
	if m.bodyStart == m.headerEnd {
		// No empty line was received (a datagram that ends after its last
		// header): write one before the body.
		l.InsertAfter(m.headerEnd, "\r\n")
	}
	length := strconv.Itoa(len(body))
	m.setOrAddHeader(l, HdrContentLength, length)
	switch {
	case ctype != "":
		m.setOrAddHeader(l, HdrContentType, ctype)
	case body == "":
		for i := range m.headers {
			if h := &m.headers[i]; h.Type == HdrContentType {
				l.Delete(h.Start, h.End)
			}
		}
	}
}

// setOrAddHeader makes the first header of type t carry value, removing any
// other header of that type, or adds one.
func (m *Msg) setOrAddHeader(l *Lumps, t HeaderType, value string) {
	found := false
	for i := range m.headers {
		h := &m.headers[i]
		if h.Type != t {
			continue
		}
		if found {
			l.Delete(h.Start, h.End)
			continue
		}
		found = true
		l.Replace(h.ValueStart, h.ValueStart+len(h.Value), value)
	}
	if !found {
		l.InsertAfter(m.headerEnd, t.String()+": "+value+"\r\n")
	}
}

// SetViaReceived completes the top Via of a received request as RFC 3261
// §18.2.1 and RFC 3581 §4 ask before it is forwarded: received added when
// set, and an empty rport given rport's value when rport is not 0.
func (m *Msg) SetViaReceived(received string, rport int) {
	via, err := m.Via()
	if err != nil {
		return
	}
	if rport != 0 && via.HasRPort && via.RPort == "" {
		if end, ok := paramNameEnd(via.Params, "rport"); ok {
			m.Lumps.InsertAfter(via.End-len(via.Params)+end, "="+strconv.Itoa(rport))
		}
	}
	if received != "" {
		m.Lumps.InsertAfter(via.End, ";received="+received)
	}
}
