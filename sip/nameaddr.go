package sip

import "strings"

// NameAddr is an address with an optional display name and header
// parameters: the value of From, To, Contact, Route, Record-Route, Path,
// P-Asserted-Identity, Diversion, Refer-To and their kin (RFC 3261 §20).
type NameAddr struct {
	Display string // as received: a quoted-string with its quotes, or tokens; "" when absent
	URI     URI
	Params  Params // header parameters, after the address

	// Bracketed reports that the URI was written inside '<' '>'.
	Bracketed bool

	// Start and End are offsets in the message of this value; End is
	// where a new header parameter such as ";tag=" is inserted.
	Start, End int
}

// DisplayName returns the display name without quotes or escapes.
func (n *NameAddr) DisplayName() string { return Unquote(n.Display) }

// Tag returns the tag parameter (From/To), or "".
func (n *NameAddr) Tag() string {
	v, _ := n.Params.Get("tag")
	return v
}

// Expires returns the expires parameter of a Contact. ok is false when it
// is absent; err is set when it is present but not a 32-bit delta-seconds.
func (n *NameAddr) Expires() (secs uint32, ok bool, err error) {
	v, ok := n.Params.Get("expires")
	if !ok {
		return 0, false, nil
	}
	d, good := parseUint(v, 1<<32-1)
	if !good {
		return 0, true, errorAt(0, "invalid expires parameter "+quoteForError(v))
	}
	return uint32(d), true, nil
}

// Q returns the q parameter of a Contact in thousandths (q=0.5 is 500);
// ok is false when it is absent or malformed.
func (n *NameAddr) Q() (q int, ok bool) {
	v, present := n.Params.Get("q")
	if !present {
		return 0, false
	}
	return parseQValue(v)
}

// parseQValue reads qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ).
func parseQValue(v string) (int, bool) {
	if v == "" || v[0] != '0' && v[0] != '1' {
		return 0, false
	}
	q := int(v[0]-'0') * 1000
	if len(v) == 1 {
		return q, true
	}
	if v[1] != '.' || len(v) > 5 {
		return 0, false
	}
	scale := 100
	for i := 2; i < len(v); i++ {
		if !isDigit(v[i]) {
			return 0, false
		}
		q += int(v[i]-'0') * scale
		scale /= 10
	}
	if q > 1000 {
		return 0, false
	}
	return q, true
}

// Instance returns the +sip.instance parameter (RFC 5626) without quotes.
func (n *NameAddr) Instance() string {
	v, _ := n.Params.Get("+sip.instance")
	return Unquote(v)
}

// RegID returns the reg-id parameter (RFC 5626), or "".
func (n *NameAddr) RegID() string {
	v, _ := n.Params.Get("reg-id")
	return v
}

// parseNameAddr parses the ( name-addr / addr-spec ) *( SEMI param ) value
// that starts at s[i] and returns it with the index where the next value of
// a list starts, or len(s).
func parseNameAddr(s string, i int) (NameAddr, int, error) {
	var n NameAddr
	i = skipLWS(s, i)
	n.Start = i
	if i >= len(s) {
		return n, i, errorAt(i, "empty address")
	}
	if s[i] == '"' {
		end := scanQuoted(s, i)
		if end < 0 {
			return n, i, errorAt(i, "unterminated quoted display name")
		}
		n.Display = s[i:end]
		i = skipLWS(s, end)
		if i >= len(s) || s[i] != '<' {
			return n, i, errorAt(i, "expected '<' after display name")
		}
	} else if lt, ok := displayTokens(s, i); ok {
		n.Display = trimLWS(s[i:lt])
		i = lt
	}
	var err error
	if i < len(s) && s[i] == '<' {
		i, err = n.parseBracketed(s, i)
	} else {
		i, err = n.parseAddrSpec(s, i)
	}
	if err != nil {
		return n, i, err
	}
	paramsStart := i
	if i, err = scanHeaderParams(s, i); err != nil {
		return n, i, err
	}
	n.Params = Params(s[paramsStart:i])
	n.End = i
	next, err := listNext(s, i)
	return n, next, err
}

// displayTokens reports whether s[i:] starts with *(token LWS) followed by
// '<' and returns the index of the '<'.
func displayTokens(s string, i int) (int, bool) {
	for {
		end := scanToken(s, i)
		if end == i {
			return i, i < len(s) && s[i] == '<'
		}
		i = skipLWS(s, end)
	}
}

func (n *NameAddr) parseBracketed(s string, lt int) (int, error) {
	gt := strings.IndexByte(s[lt:], '>')
	if gt < 0 {
		return lt, errorAt(lt, "no '>' after '<'")
	}
	gt += lt
	text := s[lt+1 : gt]
	if text != "" && (isWS(text[0]) || isWS(text[len(text)-1])) {
		// RFC 4475 badaspec: an element may be lenient here, switchboard
		// is not, as the RFC's grammar has no LWS inside the brackets.
		return lt + 1, errorAt(lt+1, "white space inside '<' '>'")
	}
	uri, err := ParseURI(text)
	if err != nil {
		return lt, rebase(err, lt+1)
	}
	n.URI, n.Bracketed = uri, true
	return gt + 1, nil
}

// parseAddrSpec parses an address without brackets: it ends at the first
// ';', ',' or white space, which is why RFC 3261 §20 requires brackets
// around a URI that holds any of them or a '?' (RFC 4475 regbadct).
func (n *NameAddr) parseAddrSpec(s string, i int) (int, error) {
	end := i
	for end < len(s) && !isParamStop(s[end]) {
		end++
	}
	text := s[i:end]
	if q := strings.IndexByte(text, '?'); q >= 0 {
		return i + q, errorAt(i+q, "URI with headers must be enclosed in '<' '>'")
	}
	uri, err := ParseURI(text)
	if err != nil {
		if strings.IndexByte(s[i:], '<') >= 0 {
			return i, errorAt(i, "display name must be tokens or a quoted string")
		}
		return i, rebase(err, i)
	}
	n.URI = uri
	return end, nil
}
