package sip

import (
	"net/netip"
	"strings"
)

// URI is a parsed sip:, sips:, tel: or other-scheme URI. Every string is a
// slice of the input (zero copy); user, password and params keep their
// %-escapes as received.
type URI struct {
	Scheme   string // as received (compare with EqualFold): "sip", "sips", "tel" or any other
	User     string // userinfo user part (may contain ';' for user params, RFC 4475 semiuri), or the tel number for tel:
	Password string
	Host     string // hostname, IPv4, or IPv6 reference WITH its brackets, e.g. "[2001:db8::10]"
	Port     int    // 0 when absent
	Params   Params // ";transport=tcp;lr" — for tel: the tel params
	Headers  string // text after '?', without the '?'
	Opaque   string // for schemes other than sip/sips/tel: everything after "scheme:"
	Raw      string // the whole URI text
}

// Character sets of RFC 3261 §25.1 as charClass masks. None of them holds
// '%': escapes are checked apart so that a bad one gets its own error.
const (
	userChars     = classUnreserved | classUserUnreserved
	passwordChars = classUnreserved | classPassword
	paramChars    = classUnreserved | classParamUnreserved
	headerChars   = classUnreserved | classHnvUnreserved
)

// ParseURI parses s, which must be the URI alone: no angle brackets, no
// surrounding or embedded white space. The result points into s; nothing is
// allocated unless s is invalid. Errors are *ParseError with Offset into s.
func ParseURI(s string) (URI, error) {
	colon, err := scanScheme(s)
	if err != nil {
		return URI{}, err
	}
	u := URI{Scheme: s[:colon], Raw: s}
	switch {
	case EqualFold(u.Scheme, "sip"), EqualFold(u.Scheme, "sips"):
		err = u.parseSIP(s, colon+1)
	case EqualFold(u.Scheme, "tel"):
		err = u.parseTel(s, colon+1)
	default:
		err = u.parseOpaque(s, colon+1)
	}
	if err != nil {
		return URI{}, err
	}
	return u, nil
}

// IsSIP reports whether the scheme is sip or sips.
func (u *URI) IsSIP() bool {
	return EqualFold(u.Scheme, "sip") || EqualFold(u.Scheme, "sips")
}

// HostName returns the host without the brackets of an IPv6 reference, the
// form a resolver or a socket address wants.
func (u *URI) HostName() string {
	if h := u.Host; len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return u.Host
}

// String returns the URI as received.
func (u *URI) String() string { return u.Raw }

// scanScheme validates scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
// and returns the index of the ':' after it.
func scanScheme(s string) (int, error) {
	switch {
	case s == "":
		return 0, errorAt(0, "empty URI")
	case s[0] == '<':
		// RFC 4475 ltgtruri: the brackets belong to name-addr, not to the URI.
		return 0, errorAt(0, "URI must not be enclosed in '<' '>'")
	case strings.IndexByte(s, ':') < 0:
		return 0, errorAt(0, "missing scheme: no ':' in URI")
	case s[0] == ':':
		return 0, errorAt(0, "empty scheme")
	case !isAlnum(s[0]) || isDigit(s[0]): // ALPHA
		return 0, uriCharError(s, 0, "scheme")
	}
	i := 1
	for s[i] != ':' {
		if c := s[i]; !isAlnum(c) && c != '+' && c != '-' && c != '.' {
			return 0, uriCharError(s, i, "scheme")
		}
		i++
	}
	return i, nil
}

// parseSIP parses what follows "sip:" or "sips:":
// [ userinfo ] hostport uri-parameters [ headers ].
func (u *URI) parseSIP(s string, i int) error {
	// No part after the userinfo may hold a literal '@' (RFC 3261 §25.1),
	// so the first '@' ends the userinfo. The user part itself may hold
	// ';', '?', '/' and '=' (RFC 4475 semiuri, intmeth), which is why
	// there is no cheaper way to find where it ends.
	if at := strings.IndexByte(s[i:], '@'); at >= 0 {
		if err := u.parseUserinfo(s, i, i+at); err != nil {
			return err
		}
		i += at + 1
	}
	i, err := u.parseHostPort(s, i)
	if err != nil {
		return err
	}
	start := i
	for i < len(s) && s[i] == ';' {
		if i, err = scanURIParam(s, i+1); err != nil {
			return err
		}
	}
	u.Params = Params(s[start:i])
	if i == len(s) {
		return nil
	}
	if s[i] != '?' { // cannot happen: every scanner above stops at a delimiter
		return uriCharError(s, i, "URI")
	}
	if err = scanHeaders(s, i+1); err != nil {
		return err
	}
	u.Headers = s[i+1:]
	return nil
}

// parseUserinfo parses ( user / telephone-subscriber ) [ ":" password ] in
// s[i:at], where s[at] is the '@'.
func (u *URI) parseUserinfo(s string, i, at int) error {
	start := i
	for {
		var err error
		if i, err = scanURIChars(s, i, userChars); err != nil {
			return err
		}
		// Lenient: phones put '#' from dialled digits unescaped in the user
		// part; OpenSIPS takes it, so we do too. It is never a delimiter.
		if i < at && s[i] == '#' {
			i++
			continue
		}
		break
	}
	if i < at && s[i] != ':' {
		return uriCharError(s, i, "user part")
	}
	if i == start {
		return errorAt(i, "empty user part before '@'")
	}
	u.User = s[start:i]
	if i < at {
		end, err := scanURIChars(s, i+1, passwordChars)
		if err != nil {
			return err
		}
		if end < at {
			return uriCharError(s, end, "password")
		}
		u.Password = s[i+1 : at]
	}
	return nil
}

// parseHostPort parses host [ ":" port ] at s[i:] and returns where it ends.
func (u *URI) parseHostPort(s string, i int) (int, error) {
	end, err := scanURIHost(s, i)
	if err == nil {
		u.Host = s[i:end]
		u.Port, end, err = scanURIPort(s, end)
	}
	if err != nil {
		// RFC 5118 §4.2: "sip:2001:db8::10" fails as a host name or as a
		// port; say what is really wrong.
		if looksLikeBareIPv6(s, i) {
			return i, errorAt(i, "IPv6 address must be enclosed in '[' ']'")
		}
		return i, err
	}
	return end, nil
}

// scanURIHost validates host = hostname / IPv4address / IPv6reference at
// s[i:] and returns where it ends.
func scanURIHost(s string, i int) (int, error) {
	if i < len(s) && s[i] == '[' {
		return scanIPv6Reference(s, i)
	}
	// '_' is outside RFC 3261's hostname, but container and SRV-style names
	// carry it and OpenSIPS accepts it; refusing it would only refuse
	// traffic that every other hop routes.
	start, label, top := i, i, i
	for ; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == '-' || c == '_' {
			continue
		}
		if c != '.' {
			break
		}
		if err := checkHostLabel(s, label, i); err != nil {
			return i, err
		}
		top, label = label, i+1
	}
	if i == start {
		if i < len(s) && s[i] != ':' && s[i] != ';' && s[i] != '?' {
			return i, uriCharError(s, i, "host")
		}
		return i, errorAt(i, "empty host")
	}
	if label < i { // no trailing dot: the last label is the top label
		if err := checkHostLabel(s, label, i); err != nil {
			return i, err
		}
		top = label
	}
	if i < len(s) && s[i] != ':' && s[i] != ';' && s[i] != '?' {
		return i, uriCharError(s, i, "host")
	}
	// A top label starts with a letter, so a host whose last label starts
	// with a digit can only be an IPv4 address. RFC 5954 §4.1 replaced RFC
	// 3261's 1*3DIGIT octets by dec-octet: 0-255 without leading zeros.
	if isDigit(s[top]) {
		host := s[start:i]
		if !onlyDigitsAndDots(host) {
			return top, errorAt(top, "last label of host name must start with a letter")
		}
		if a, err := netip.ParseAddr(host); err != nil || !a.Is4() {
			return start, errorAt(start, "invalid IPv4 address")
		}
	}
	return i, nil
}

// checkHostLabel validates the domain label s[from:to].
func checkHostLabel(s string, from, to int) error {
	if from == to {
		return errorAt(from, "empty label in host name")
	}
	if s[from] == '-' {
		return errorAt(from, "host name label starts with '-'")
	}
	if s[to-1] == '-' {
		return errorAt(to-1, "host name label ends with '-'")
	}
	return nil
}

// scanIPv6Reference validates "[" IPv6address "]" at s[i:]. RFC 5118 §4.10:
// "[2001:db8:::192.0.2.1]" passes RFC 3261's ABNF but is not an IPv6
// address (RFC 4291, ABNF fixed by RFC 5954), so it is rejected. Zone
// indexes are refused by the character check: no SIP URI carries one.
func scanIPv6Reference(s string, i int) (int, error) {
	end := strings.IndexByte(s[i:], ']')
	if end < 0 {
		return i, errorAt(i, "IPv6 reference without closing ']'")
	}
	end += i
	for j := i + 1; j < end; j++ {
		if c := s[j]; !isHex(c) && c != ':' && c != '.' {
			return j, uriCharError(s, j, "IPv6 reference")
		}
	}
	// netip parses a valid address without allocating.
	a, err := netip.ParseAddr(s[i+1 : end])
	if err != nil || !a.Is6() {
		return i + 1, errorAt(i+1, "invalid IPv6 address in '[' ']'")
	}
	end++
	if end < len(s) && s[end] != ':' && s[end] != ';' && s[end] != '?' {
		return end, uriCharError(s, end, "host")
	}
	return end, nil
}

// scanURIPort parses [ ":" port ] at s[i:], after the host.
func scanURIPort(s string, i int) (port, end int, err error) {
	if i >= len(s) || s[i] != ':' {
		return 0, i, nil
	}
	start := i + 1
	end = start
	for end < len(s) && isDigit(s[end]) {
		end++
	}
	if end < len(s) && s[end] != ';' && s[end] != '?' {
		return 0, end, uriCharError(s, end, "port")
	}
	if end == start {
		return 0, start, errorAt(start, "empty port after ':'")
	}
	n, ok := parseUint(s[start:end], 65535)
	if !ok {
		return 0, start, errorAt(start, "port out of range 0-65535")
	}
	return int(n), end, nil
}

// looksLikeBareIPv6 reports whether the hostport at s[i:] is an IPv6
// address written without brackets: hex digits, dots and at least two
// colons up to the parameters.
func looksLikeBareIPv6(s string, i int) bool {
	colons := 0
	for ; i < len(s) && s[i] != ';' && s[i] != '?'; i++ {
		switch c := s[i]; {
		case c == ':':
			colons++
		case !isHex(c) && c != '.':
			return false
		}
	}
	return colons >= 2
}

// scanURIParam validates pname [ "=" pvalue ] at s[i:], just after its ';',
// and returns where it ends.
func scanURIParam(s string, i int) (int, error) {
	end, err := scanURIChars(s, i, paramChars)
	if err != nil {
		return end, err
	}
	if end == i {
		return i, uriEmptyOrBad(s, i, "parameter name")
	}
	if end < len(s) && s[end] == '=' {
		i = end + 1
		if end, err = scanURIChars(s, i, paramChars); err != nil {
			return end, err
		}
		if end == i {
			return i, uriEmptyOrBad(s, i, "parameter value")
		}
	}
	if end < len(s) && s[end] != ';' && s[end] != '?' {
		return end, uriCharError(s, end, "parameter")
	}
	return end, nil
}

// scanHeaders validates header *( "&" header ) at s[i:], just after the
// '?', up to the end of s; header = hname "=" hvalue.
func scanHeaders(s string, i int) error {
	for {
		end, err := scanURIChars(s, i, headerChars)
		if err != nil {
			return err
		}
		if end == i {
			return uriEmptyOrBad(s, i, "header name")
		}
		if end == len(s) || s[end] == '&' {
			return errorAt(end, "header without '=' and value")
		}
		if s[end] != '=' {
			return uriCharError(s, end, "header name")
		}
		if end, err = scanURIChars(s, end+1, headerChars); err != nil {
			return err
		}
		if end == len(s) {
			return nil
		}
		if s[end] != '&' {
			return uriCharError(s, end, "header")
		}
		i = end + 1
	}
}

// parseTel parses a tel URI (RFC 3966): telephone-subscriber, that is a
// global "+digits" or local number, then ";"-parameters. Lenient: a local
// number need not carry phone-context, and isub/ext values are checked as
// plain parameter values.
func (u *URI) parseTel(s string, i int) error {
	start := i
	end, err := scanPhoneNumber(s, i)
	if err != nil {
		return err
	}
	u.User = s[start:end]
	i = end
	for i < len(s) && s[i] == ';' {
		i++
		name := i
		for i < len(s) && (isAlnum(s[i]) || s[i] == '-') {
			i++
		}
		if i == name {
			return uriEmptyOrBad(s, i, "tel parameter name")
		}
		if i < len(s) && s[i] == '=' {
			value := i + 1
			if i, err = scanURIChars(s, value, paramChars); err != nil {
				return err
			}
			if i == value {
				return uriEmptyOrBad(s, i, "tel parameter value")
			}
		}
	}
	if i < len(s) {
		return uriCharError(s, i, "tel URI")
	}
	u.Params = Params(s[end:])
	return nil
}

// scanPhoneNumber validates global-number-digits ("+" digits and visual
// separators) or local-number-digits (hex digits, '*', '#' and visual
// separators) at s[i:]; at least one digit is required.
func scanPhoneNumber(s string, i int) (int, error) {
	start := i
	global := i < len(s) && s[i] == '+'
	if global {
		i++
	}
	digits := 0
	for ; i < len(s); i++ {
		c := s[i]
		if isVisualSeparator(c) {
			continue
		}
		if !isDigit(c) && (global || !isHex(c) && c != '*' && c != '#') {
			break
		}
		digits++
	}
	if i < len(s) && s[i] != ';' {
		return i, uriCharError(s, i, "telephone number")
	}
	if digits == 0 {
		return start, errorAt(start, "telephone number without digits")
	}
	return i, nil
}

func isVisualSeparator(c byte) bool {
	return c == '-' || c == '.' || c == '(' || c == ')'
}

// parseOpaque takes the rest of a URI whose scheme we do not know (RFC 4475
// unkscm, novelsc, unksm2) as opaque text: it only has to be one printable
// ASCII word that cannot be mistaken for the end of a name-addr.
func (u *URI) parseOpaque(s string, i int) error {
	if i == len(s) {
		return errorAt(i, "empty URI after scheme")
	}
	for j := i; j < len(s); j++ {
		if c := s[j]; c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' {
			return uriCharError(s, j, "URI")
		}
	}
	u.Opaque = s[i:]
	return nil
}

// scanURIChars returns the end of the run at s[i:] of characters in classes
// and %-escapes. A '%' that is not followed by two hex digits is an error.
func scanURIChars(s string, i int, classes uint8) (int, error) {
	for i < len(s) {
		c := s[i]
		if charClass[c]&classes != 0 {
			i++
			continue
		}
		if c != '%' {
			break
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return i, errorAt(i, "bad escape: '%' not followed by two hex digits")
		}
		i += 3
	}
	return i, nil
}

// uriEmptyOrBad reports an empty what at s[i], unless s[i] is a character that
// has no business there, which is the more useful thing to say.
func uriEmptyOrBad(s string, i int, what string) error {
	if i < len(s) && !isURIDelimiter(s[i]) {
		return uriCharError(s, i, what)
	}
	return errorAt(i, "empty "+what)
}

func isURIDelimiter(c byte) bool {
	return c == ';' || c == '?' || c == '=' || c == '&'
}

// uriCharError says what is wrong with s[i] inside where. White space and
// control characters get one message whatever the position (RFC 4475
// lwsruri), and so do angle brackets (ltgtruri).
func uriCharError(s string, i int, where string) error {
	if i >= len(s) {
		return errorAt(i, "unexpected end of URI in "+where)
	}
	switch c := s[i]; {
	case c <= ' ' || c == 0x7f:
		return errorAt(i, "white space or control character in "+where)
	case c == '<' || c == '>':
		return errorAt(i, "angle bracket in "+where)
	case c >= 0x80:
		return errorAt(i, "non-ASCII byte in "+where)
	default:
		return errorAt(i, "invalid character '"+string(rune(c))+"' in "+where)
	}
}

// onlyDigitsAndDots reports whether s holds nothing but digits and dots
// (what strings.Trim(s, "0123456789.") == "" says, without building a
// character set on every call: it runs for every IPv4 host parsed).
func onlyDigitsAndDots(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && s[i] != '.' {
			return false
		}
	}
	return true
}
