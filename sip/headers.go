package sip

// cached holds a typed header value parsed on first use.
type cached[T any] struct {
	done bool
	val  T
	err  error
}

// typedCache holds the typed values a SIP element reads on most messages.
// Others are parsed on each call.
type typedCache struct {
	requestURI   cached[URI]
	via          cached[Via]
	vias         cached[[]Via]
	from, to     cached[NameAddr]
	cseq         cached[CSeq]
	callID       cached[string]
	contacts     cached[Contacts]
	routes       cached[[]NameAddr]
	recordRoutes cached[[]NameAddr]
}

// headerError positions an error from a value parser in the message.
func headerError(h *Header, err error) error {
	return inHeader(err, truncateName(h.Name), h.ValueStart)
}

// RequestURI returns the parsed Request-URI of a request.
func (m *Msg) RequestURI() (*URI, error) {
	c := &m.cache.requestURI
	if !c.done {
		c.done = true
		if !m.isRequest {
			c.err = &ParseError{Reason: "a response has no Request-URI"}
		} else {
			c.val, c.err = ParseURI(m.requestURI)
			if c.err != nil {
				c.err = rebase(c.err, len(m.methodName)+1)
			}
		}
	}
	return &c.val, c.err
}

// Via returns the topmost via-parm.
func (m *Msg) Via() (*Via, error) {
	c := &m.cache.via
	if !c.done {
		c.done = true
		h, ok := m.Header(HdrVia)
		if !ok {
			c.err = &ParseError{Header: "Via", Reason: "missing Via"}
		} else {
			c.val, _, c.err = parseViaParm(h.Value, 0)
			c.val.Start += h.ValueStart
			c.val.End += h.ValueStart
			if c.err != nil {
				c.err = headerError(h, c.err)
			}
		}
	}
	return &c.val, c.err
}

// Vias returns every via-parm of every Via header, topmost first.
func (m *Msg) Vias() ([]Via, error) {
	c := &m.cache.vias
	if !c.done {
		c.done = true
		c.err = m.scanVias(&c.val)
	}
	return c.val, c.err
}

// scanVias parses every via-parm and appends each to keep, which may be
// nil when only validity matters (Check): then nothing is stored.
func (m *Msg) scanVias(keep *[]Via) error {
	for hi := range m.headers {
		h := &m.headers[hi]
		if h.Type != HdrVia {
			continue
		}
		if h.Value == "" {
			return headerError(h, errorAt(0, "empty Via"))
		}
		for i := 0; i < len(h.Value); {
			v, next, err := parseViaParm(h.Value, i)
			if err != nil {
				return headerError(h, err)
			}
			if keep != nil {
				v.Start += h.ValueStart
				v.End += h.ValueStart
				*keep = append(*keep, v)
			}
			i = next
		}
	}
	return nil
}

// From returns the From header.
func (m *Msg) From() (*NameAddr, error) {
	return m.singleNameAddr(&m.cache.from, HdrFrom)
}

// To returns the To header.
func (m *Msg) To() (*NameAddr, error) {
	return m.singleNameAddr(&m.cache.to, HdrTo)
}

func (m *Msg) singleNameAddr(c *cached[NameAddr], t HeaderType) (*NameAddr, error) {
	if !c.done {
		c.done = true
		c.val, c.err = m.parseSingleNameAddr(t)
	}
	return &c.val, c.err
}

func (m *Msg) parseSingleNameAddr(t HeaderType) (NameAddr, error) {
	h, ok := m.Header(t)
	if !ok {
		return NameAddr{}, &ParseError{Header: t.String(), Reason: "missing " + t.String()}
	}
	n, next, err := parseNameAddr(h.Value, 0)
	if err == nil && next < len(h.Value) {
		err = errorAt(next, "more than one value in a single-value header")
	}
	n.Start += h.ValueStart
	n.End += h.ValueStart
	if err != nil {
		return n, headerError(h, err)
	}
	return n, nil
}

// NameAddrs returns every address of every header of type t (Route,
// Record-Route, Path, P-Asserted-Identity, Diversion...), in order.
func (m *Msg) NameAddrs(t HeaderType) ([]NameAddr, error) {
	var list []NameAddr
	for hi := range m.headers {
		h := &m.headers[hi]
		if h.Type != t {
			continue
		}
		if h.Value == "" {
			return list, headerError(h, errorAt(0, "empty address"))
		}
		for i := 0; i < len(h.Value); {
			n, next, err := parseNameAddr(h.Value, i)
			if err != nil {
				return list, headerError(h, err)
			}
			n.Start += h.ValueStart
			n.End += h.ValueStart
			list = append(list, n)
			i = next
		}
	}
	return list, nil
}

// Routes returns the Route set, topmost first.
func (m *Msg) Routes() ([]NameAddr, error) {
	c := &m.cache.routes
	if !c.done {
		c.done = true
		c.val, c.err = m.NameAddrs(HdrRoute)
	}
	return c.val, c.err
}

// RecordRoutes returns the Record-Route addresses, topmost first.
func (m *Msg) RecordRoutes() ([]NameAddr, error) {
	c := &m.cache.recordRoutes
	if !c.done {
		c.done = true
		c.val, c.err = m.NameAddrs(HdrRecordRoute)
	}
	return c.val, c.err
}

// Path returns the Path addresses (RFC 3327), topmost first.
func (m *Msg) Path() ([]NameAddr, error) { return m.NameAddrs(HdrPath) }

// PAssertedIdentity returns the P-Asserted-Identity addresses (RFC 3325).
func (m *Msg) PAssertedIdentity() ([]NameAddr, error) { return m.NameAddrs(HdrPAssertedIdentity) }

// Diversion returns the Diversion addresses (RFC 5806), most recent first.
func (m *Msg) Diversion() ([]NameAddr, error) { return m.NameAddrs(HdrDiversion) }

// ReferTo returns the Refer-To address (RFC 3515).
func (m *Msg) ReferTo() (NameAddr, error) { return m.parseSingleNameAddr(HdrReferTo) }

// Contacts is the value of the Contact headers: either "*" or addresses.
type Contacts struct {
	Star bool
	List []NameAddr
}

// Contacts returns the Contact headers. A "*" must be the only Contact
// value (RFC 3261 §10.2.2).
func (m *Msg) Contacts() (*Contacts, error) {
	c := &m.cache.contacts
	if !c.done {
		c.done = true
		c.val, c.err = m.parseContacts()
	}
	return &c.val, c.err
}

func (m *Msg) parseContacts() (Contacts, error) {
	var cs Contacts
	for hi := range m.headers {
		h := &m.headers[hi]
		if h.Type != HdrContact || h.Value != "*" {
			continue
		}
		if m.Count(HdrContact) > 1 {
			return cs, headerError(h, errorAt(0, "'*' must be the only Contact"))
		}
		cs.Star = true
		return cs, nil
	}
	list, err := m.NameAddrs(HdrContact)
	cs.List = list
	return cs, err
}
