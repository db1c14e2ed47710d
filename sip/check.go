package sip

// Check validates what every SIP element relies on before it acts on a
// message (RFC 3261 §8.2 and §16.3): SIP/2.0, a Request-URI that parses
// and carries no headers, the mandatory headers present once and well
// formed (Via, From, To, Call-ID, CSeq), a CSeq method that matches the
// request method, and a valid Max-Forwards. It parses and caches those
// headers. Headers a proxy need not understand (Contact, Date, Expires...)
// are left to the functions that use them.
//
// The error is a *ParseError; StatusFor tells which reply it calls for.
func (m *Msg) Check() error {
	if !EqualFold(m.version, "SIP/2.0") {
		return &ParseError{Offset: m.versionOffset(), Reason: "unsupported SIP version " + quoteForError(m.version), Code: 505}
	}
	if m.isRequest {
		u, err := m.RequestURI()
		if err != nil {
			return err
		}
		if u.Headers != "" {
			return &ParseError{Offset: len(m.methodName) + 1, Reason: "Request-URI must not carry headers"}
		}
	}
	for _, t := range [...]HeaderType{HdrFrom, HdrTo, HdrCallID, HdrCSeq, HdrMaxForwards} {
		if err := m.checkSingle(t); err != nil {
			return err
		}
	}
	if err := m.scanVias(nil); err != nil {
		return err
	}
	if m.Count(HdrVia) == 0 {
		return &ParseError{Header: "Via", Reason: "missing Via"}
	}
	if _, err := m.From(); err != nil {
		return err
	}
	if _, err := m.To(); err != nil {
		return err
	}
	if _, err := m.CallID(); err != nil {
		return err
	}
	cseq, err := m.CSeq()
	if err != nil {
		return err
	}
	if m.isRequest && cseq.Method != m.methodName {
		h, _ := m.Header(HdrCSeq)
		return &ParseError{Header: truncateName(h.Name), Offset: h.ValueStart, Reason: "CSeq method " + quoteForError(cseq.Method) +
			" does not match request method " + quoteForError(m.methodName)}
	}
	if _, _, err := m.MaxForwards(); err != nil {
		return err
	}
	return nil
}

// checkSingle rejects a header that must appear at most once but appears
// several times (RFC 4475 multi01).
func (m *Msg) checkSingle(t HeaderType) error {
	first := true
	for hi := range m.headers {
		h := &m.headers[hi]
		if h.Type != t {
			continue
		}
		if !first {
			return &ParseError{Header: truncateName(h.Name), Offset: h.Start, Reason: "header must appear only once"}
		}
		first = false
	}
	return nil
}

func (m *Msg) versionOffset() int {
	if m.isRequest {
		return len(m.methodName) + 1 + len(m.requestURI) + 1
	}
	return 0
}

// StatusFor returns the status code a request that failed parsing or Check
// with err should be answered with: 505 for an unsupported version, else
// 400 Bad Request.
func StatusFor(err error) int {
	if pe, ok := err.(*ParseError); ok && pe.Code != 0 {
		return pe.Code
	}
	return 400
}
