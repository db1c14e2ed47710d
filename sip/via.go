package sip

import "strings"

// Via is one via-parm of a Via header (RFC 3261 §20.42, RFC 3581 rport).
type Via struct {
	Protocol  string // "SIP"
	Version   string // "2.0"
	Transport string // as received, e.g. "UDP"; compare with EqualFold
	Host      string // sent-by host, an IPv6 reference keeps its brackets
	Port      int    // sent-by port, 0 when absent
	Params    Params

	// The parameters a SIP element reads on every message.
	Branch   string
	Received string
	RPort    string // the rport value; empty when absent or without value
	HasRPort bool
	MAddr    string
	TTL      string

	// Start and End are offsets in the message of this via-parm; End is
	// where a new parameter such as ";received=" is inserted.
	Start, End int
}

// BranchMagicCookie starts every RFC 3261 branch (§8.1.1.7).
const BranchMagicCookie = "z9hG4bK"

// HasRFC3261Branch reports whether the branch can identify a transaction
// on its own: it must start with the magic cookie and hold more than the
// cookie (RFC 4475 §3.2.1 badbranch). Otherwise the transaction layer falls
// back to RFC 2543 matching.
func (v *Via) HasRFC3261Branch() bool {
	return len(v.Branch) > len(BranchMagicCookie) && strings.HasPrefix(v.Branch, BranchMagicCookie)
}

// parseViaParm parses the via-parm at s[i] and returns it with the index of
// the ',' that follows it, or len(s).
func parseViaParm(s string, i int) (Via, int, error) {
	var v Via
	i = skipLWS(s, i)
	v.Start = i
	var err error
	if v.Protocol, i, err = viaToken(s, i, "protocol name"); err != nil {
		return v, i, err
	}
	if i, err = viaSlash(s, i); err != nil {
		return v, i, err
	}
	if v.Version, i, err = viaToken(s, i, "protocol version"); err != nil {
		return v, i, err
	}
	if i, err = viaSlash(s, i); err != nil {
		return v, i, err
	}
	if v.Transport, i, err = viaToken(s, i, "transport"); err != nil {
		return v, i, err
	}
	hostStart := skipLWS(s, i)
	if hostStart == i {
		return v, i, errorAt(i, "no white space before sent-by")
	}
	if i, err = scanHost(s, hostStart); err != nil {
		return v, i, err
	}
	v.Host = s[hostStart:i]
	// COLON = SWS ":" SWS, so LWS may surround the port's colon.
	if j := skipLWS(s, i); j < len(s) && s[j] == ':' {
		j = skipLWS(s, j+1)
		end := j
		for end < len(s) && isDigit(s[end]) {
			end++
		}
		port, ok := parseUint(s[j:end], 65535)
		if !ok {
			return v, j, errorAt(j, "invalid sent-by port")
		}
		v.Port, i = int(port), end
	}
	paramsStart := i
	if i, err = scanHeaderParams(s, i); err != nil {
		return v, i, err
	}
	v.Params = Params(s[paramsStart:i])
	v.End = i
	v.readParams()
	next, err := listNext(s, i)
	return v, next, err
}

// viaToken scans a token of sent-protocol after optional LWS.
func viaToken(s string, i int, what string) (string, int, error) {
	i = skipLWS(s, i)
	end := scanToken(s, i)
	if end == i {
		return "", i, errorAt(i, "missing "+what)
	}
	return s[i:end], end, nil
}

// viaSlash scans SLASH = SWS "/" SWS.
func viaSlash(s string, i int) (int, error) {
	i = skipLWS(s, i)
	if i >= len(s) || s[i] != '/' {
		return i, errorAt(i, "expected '/' in sent-protocol")
	}
	return i + 1, nil
}

func (v *Via) readParams() {
	for p, i, ok := v.Params.next(0); ok; p, i, ok = v.Params.next(i) {
		switch {
		case EqualFold(p.Name, "branch"):
			v.Branch = p.Value
		case EqualFold(p.Name, "received"):
			v.Received = p.Value
		case EqualFold(p.Name, "rport"):
			v.RPort, v.HasRPort = p.Value, true
		case EqualFold(p.Name, "maddr"):
			v.MAddr = p.Value
		case EqualFold(p.Name, "ttl"):
			v.TTL = p.Value
		}
	}
}
