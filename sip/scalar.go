package sip

// CSeq is the value of the CSeq header (RFC 3261 §20.16).
type CSeq struct {
	Seq    uint32
	Method string
}

// CSeq returns the CSeq header. A sequence number must fit in 32 bits (RFC
// 4475 scalar02, scalarlg).
func (m *Msg) CSeq() (CSeq, error) {
	c := &m.cache.cseq
	if !c.done {
		c.done = true
		c.val, c.err = m.parseCSeq()
	}
	return c.val, c.err
}

func (m *Msg) parseCSeq() (CSeq, error) {
	h, ok := m.Header(HdrCSeq)
	if !ok {
		return CSeq{}, &ParseError{Header: "CSeq", Reason: "missing CSeq"}
	}
	s := h.Value
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	seq, ok := parseUint(s[:i], 1<<32-1)
	if !ok {
		return CSeq{}, headerError(h, errorAt(0, "sequence number is not a 32-bit number"))
	}
	j := skipLWS(s, i)
	if j == i {
		return CSeq{}, headerError(h, errorAt(i, "no white space after sequence number"))
	}
	end := scanToken(s, j)
	if end == j || end != len(s) {
		return CSeq{}, headerError(h, errorAt(end, "method is not a token"))
	}
	return CSeq{Seq: uint32(seq), Method: s[j:end]}, nil
}

// CallID returns the Call-ID (RFC 3261 §20.8: word [ "@" word ]).
func (m *Msg) CallID() (string, error) {
	c := &m.cache.callID
	if !c.done {
		c.done = true
		c.val, c.err = m.parseCallID()
	}
	return c.val, c.err
}

func (m *Msg) parseCallID() (string, error) {
	h, ok := m.Header(HdrCallID)
	if !ok {
		return "", &ParseError{Header: "Call-ID", Reason: "missing Call-ID"}
	}
	s := h.Value
	if s == "" {
		return "", headerError(h, errorAt(0, "empty Call-ID"))
	}
	at := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '@' && !at && i > 0 && i < len(s)-1:
			at = true
		case !isWordChar(s[i]):
			return "", headerError(h, errorAt(i, "invalid character in Call-ID"))
		}
	}
	return s, nil
}

// MaxForwards returns the Max-Forwards value; ok is false when the header
// is absent. Values above 255 are errors (RFC 3261 §20.22 is 1*DIGIT, RFC
// 4475 scalar02 calls 300 overlarge).
func (m *Msg) MaxForwards() (hops int, ok bool, err error) {
	h, ok := m.Header(HdrMaxForwards)
	if !ok {
		return 0, false, nil
	}
	n, good := parseUint(h.Value, 255)
	if !good {
		return 0, true, headerError(h, errorAt(0, "Max-Forwards is not a number from 0 to 255"))
	}
	return int(n), true, nil
}

// ContentLength returns the Content-Length value; ok is false when the
// header is absent.
func (m *Msg) ContentLength() (n int, ok bool, err error) {
	return m.contentLengthHeader()
}

// maxContentLength is far above any SIP message and below int32 limits.
const maxContentLength = 1 << 30

// contentLengthHeader reads every Content-Length: several headers must
// agree (RFC 4475 mcl01 has two that do not), and negative values are
// errors (ncl).
func (m *Msg) contentLengthHeader() (n int, present bool, err error) {
	for hi := range m.headers {
		h := &m.headers[hi]
		if h.Type != HdrContentLength {
			continue
		}
		v, ok := parseUint(h.Value, maxContentLength)
		if !ok {
			return 0, true, headerError(h, errorAt(0, "Content-Length is not a non-negative number"))
		}
		if present && int(v) != n {
			return 0, true, headerError(h, errorAt(0, "Content-Length headers disagree"))
		}
		n, present = int(v), true
	}
	return n, present, nil
}

// Expires returns the Expires header as delta-seconds; ok is false when it
// is absent. RFC 3261 §20.19 allows only delta-seconds in SIP; a value over
// 2^32-1 is an error the caller may treat as the default (RFC 4475
// scalar02).
func (m *Msg) Expires() (secs uint32, ok bool, err error) {
	return m.deltaSeconds(HdrExpires)
}

// MinExpires returns the Min-Expires header (RFC 3261 §20.23).
func (m *Msg) MinExpires() (secs uint32, ok bool, err error) {
	return m.deltaSeconds(HdrMinExpires)
}

func (m *Msg) deltaSeconds(t HeaderType) (uint32, bool, error) {
	h, ok := m.Header(t)
	if !ok {
		return 0, false, nil
	}
	n, good := parseUint(h.Value, 1<<32-1)
	if !good {
		return 0, true, headerError(h, errorAt(0, t.String()+" is not a 32-bit delta-seconds"))
	}
	return uint32(n), true, nil
}
