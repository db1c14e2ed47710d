package sip

// Tokens returns the comma-separated tokens of every header of type t, for
// Supported, Require, Proxy-Require, Unsupported, Allow and Allow-Events.
// An empty header contributes nothing (RFC 3261 allows an empty Supported).
func (m *Msg) Tokens(t HeaderType) ([]string, error) {
	var list []string
	for hi := range m.headers {
		h := &m.headers[hi]
		if h.Type != t {
			continue
		}
		s := h.Value
		for i := 0; i < len(s); {
			start := skipLWS(s, i)
			end := scanToken(s, start)
			if end == start {
				return list, headerError(h, errorAt(start, "expected a token"))
			}
			list = append(list, s[start:end])
			next, err := listNext(s, end)
			if err != nil {
				return list, headerError(h, err)
			}
			i = next
		}
	}
	return list, nil
}

// TokenParams is a token with parameters: the value of Event,
// Subscription-State and Content-Disposition.
type TokenParams struct {
	Value  string
	Params Params
}

// Event returns the Event header (RFC 6665: event-type with params such as
// id); ok is false when it is absent.
func (m *Msg) Event() (TokenParams, bool, error) { return m.tokenParams(HdrEvent) }

// SubscriptionState returns the Subscription-State header (RFC 6665).
func (m *Msg) SubscriptionState() (TokenParams, bool, error) {
	return m.tokenParams(HdrSubscriptionState)
}

// ContentDisposition returns the Content-Disposition header.
func (m *Msg) ContentDisposition() (TokenParams, bool, error) {
	return m.tokenParams(HdrContentDisposition)
}

func (m *Msg) tokenParams(t HeaderType) (TokenParams, bool, error) {
	h, ok := m.Header(t)
	if !ok {
		return TokenParams{}, false, nil
	}
	s := h.Value
	end := scanToken(s, 0)
	if end == 0 {
		return TokenParams{}, true, headerError(h, errorAt(0, "expected a token"))
	}
	pend, err := scanHeaderParams(s, end)
	if err == nil && skipLWS(s, pend) != len(s) {
		err = errorAt(pend, "unexpected character after value")
	}
	if err != nil {
		return TokenParams{}, true, headerError(h, err)
	}
	return TokenParams{Value: s[:end], Params: Params(s[end:pend])}, true, nil
}

// MediaType is a media type with parameters (Content-Type, Accept).
type MediaType struct {
	Type, Subtype string
	Params        Params
}

// ContentType returns the Content-Type header; ok is false when absent.
func (m *Msg) ContentType() (MediaType, bool, error) {
	h, ok := m.Header(HdrContentType)
	if !ok {
		return MediaType{}, false, nil
	}
	mt, next, err := parseMediaType(h.Value, 0)
	if err == nil && next != len(h.Value) {
		err = errorAt(next, "more than one media type")
	}
	if err != nil {
		return mt, true, headerError(h, err)
	}
	return mt, true, nil
}

// Accept returns the media ranges of every Accept header.
func (m *Msg) Accept() ([]MediaType, error) {
	var list []MediaType
	for hi := range m.headers {
		h := &m.headers[hi]
		if h.Type != HdrAccept {
			continue
		}
		for i := 0; i < len(h.Value); {
			mt, next, err := parseMediaType(h.Value, i)
			if err != nil {
				return list, headerError(h, err)
			}
			list = append(list, mt)
			i = next
		}
	}
	return list, nil
}

// parseMediaType parses m-type SLASH m-subtype *(SEMI m-parameter) at s[i]
// and returns where the next list value starts.
func parseMediaType(s string, i int) (MediaType, int, error) {
	var mt MediaType
	i = skipLWS(s, i)
	end := scanToken(s, i)
	if end == i {
		return mt, i, errorAt(i, "expected a media type")
	}
	mt.Type = s[i:end]
	i = skipLWS(s, end)
	if i >= len(s) || s[i] != '/' {
		return mt, i, errorAt(i, "expected '/' in media type")
	}
	i = skipLWS(s, i+1)
	end = scanToken(s, i)
	if end == i {
		return mt, i, errorAt(i, "expected a media subtype")
	}
	mt.Subtype = s[i:end]
	pend, err := scanHeaderParams(s, end)
	if err != nil {
		return mt, pend, err
	}
	mt.Params = Params(s[end:pend])
	next, err := listNext(s, pend)
	return mt, next, err
}

// Credentials returns the parsed Authorization (t = HdrAuthorization) or
// Proxy-Authorization (HdrProxyAuthorization) headers, one per header.
func (m *Msg) Credentials(t HeaderType) ([]Credentials, error) {
	var list []Credentials
	for hi := range m.headers {
		h := &m.headers[hi]
		if h.Type != t {
			continue
		}
		c, err := ParseCredentials(h.Value)
		if err != nil {
			return list, headerError(h, err)
		}
		list = append(list, c)
	}
	return list, nil
}

// Challenges returns the parsed WWW-Authenticate (t = HdrWWWAuthenticate)
// or Proxy-Authenticate (HdrProxyAuthenticate) headers.
func (m *Msg) Challenges(t HeaderType) ([]Challenge, error) {
	var list []Challenge
	for hi := range m.headers {
		h := &m.headers[hi]
		if h.Type != t {
			continue
		}
		c, err := ParseChallenge(h.Value)
		if err != nil {
			return list, headerError(h, err)
		}
		list = append(list, c)
	}
	return list, nil
}
