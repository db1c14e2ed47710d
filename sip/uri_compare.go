package sip

import (
	"net/netip"
	"strings"
)

// This file holds what depends on the meaning of %-escapes: URI comparison
// (RFC 3261 §19.1.4, RFC 3966 §4) and escaping/unescaping of URI parts.

// Equal reports whether u and v are the same URI under RFC 3261 §19.1.4
// for sip and sips, RFC 3966 §4 for tel, and byte equality of the opaque
// part (with the scheme compared without case) for other schemes. It
// allocates nothing. Like the RFC rules it is symmetric but not transitive.
func (u *URI) Equal(v *URI) bool {
	if v == nil || !EqualFold(u.Scheme, v.Scheme) {
		return false // this also keeps sip and sips apart
	}
	switch {
	case u.IsSIP():
		return equalSIPURI(u, v)
	case EqualFold(u.Scheme, "tel"):
		return equalPhone(u.User, v.User) &&
			uriParamsAgree(u.Params, v.Params, true) &&
			uriParamsAgree(v.Params, u.Params, true)
	default:
		return u.Opaque == v.Opaque
	}
}

func equalSIPURI(u, v *URI) bool {
	return equalEscaped(u.User, v.User, false) && // userinfo is case-sensitive
		equalEscaped(u.Password, v.Password, false) &&
		equalURIHost(u.Host, v.Host) &&
		// An absent port is not 5060: the URIs may resolve differently.
		u.Port == v.Port && u.hasPort() == v.hasPort() &&
		uriParamsAgree(u.Params, v.Params, false) &&
		uriParamsAgree(v.Params, u.Params, false) &&
		equalURIHeaders(u.Headers, v.Headers)
}

// equalURIHost compares hosts without case, and IP literals by value, so
// "[2001:DB8::10]" equals "[2001:db8:0::10]". An IPv4-mapped IPv6
// reference such as [::ffff:192.0.2.2] (RFC 5118 §4.9) equals 192.0.2.2:
// RFC 4291 §2.5.5.2 makes it the same IPv4 node; §19.1.4 does not say, so
// this is our reading. Unlike HostEqual (host.go) it only hands netip what
// can be an IP literal, so comparing host names never allocates an error.
func equalURIHost(a, b string) bool {
	if EqualFold(a, b) {
		return true
	}
	x, okX := uriHostIP(a)
	y, okY := uriHostIP(b)
	return okX && okY && x == y
}

// uriHostIP returns the address of an IP-literal host, IPv4-mapped IPv6
// addresses unmapped to IPv4.
func uriHostIP(h string) (netip.Addr, bool) {
	if len(h) > 2 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	} else if h == "" || !onlyDigitsAndDots(h) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(h)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// hasPort reports whether the URI text carries a port. Only an explicit
// ":0" needs the text: the host-port part ends where the parameters and
// headers begin, and it ends with Host only when there is no port (a
// port's digits follow a ':', which no host ends with).
func (u *URI) hasPort() bool {
	if u.Port != 0 {
		return true
	}
	end := len(u.Raw) - len(u.Params)
	if u.Headers != "" {
		end -= len(u.Headers) + 1
	}
	return end >= 0 && !strings.HasSuffix(u.Raw[:end], u.Host)
}

// mustMatchParams are the sip URI parameters that RFC 3261 §19.1.4 wants
// in both URIs or in neither.
var mustMatchParams = [...]string{"user", "ttl", "method", "maddr", "transport"}

// uriParamsAgree checks the parameters of p against q. For sip, a parameter
// present in both must have the same value (without case, escapes decoded)
// and one of mustMatchParams must not be missing from q; other parameters
// that only p has do not matter. For tel, every parameter must be in both
// (RFC 3966 §4). Callers check both directions. A repeated name counts
// with its first value only, so that every URI equals itself.
func uriParamsAgree(p, q Params, tel bool) bool {
	for param, i, ok := p.next(0); ok; param, i, ok = p.next(i) {
		first, _ := lookupURIParam(p, param.Name)
		other, found := lookupURIParam(q, param.Name)
		switch {
		case !found:
			if tel || isMustMatchParam(param.Name) {
				return false
			}
		case tel:
			if !equalTelParam(param.Name, first, other) {
				return false
			}
		default:
			if !equalEscaped(first, other, true) {
				return false
			}
		}
	}
	return true
}

// lookupURIParam is Params.Get with names compared the §19.1.4 way, so
// ";%6C%72" is found as "lr" (RFC 4475 esc01).
func lookupURIParam(p Params, name string) (string, bool) {
	for param, i, ok := p.next(0); ok; param, i, ok = p.next(i) {
		if equalEscaped(param.Name, name, true) {
			return param.Value, true
		}
	}
	return "", false
}

func isMustMatchParam(name string) bool {
	for _, m := range mustMatchParams {
		if equalEscaped(name, m, true) {
			return true
		}
	}
	return false
}

// equalTelParam compares tel parameter values without case; an extension
// and a global-number phone-context compare digit by digit, ignoring
// visual separators (RFC 3966 §4). A domain phone-context keeps its dots.
func equalTelParam(name, a, b string) bool {
	if EqualFold(name, "ext") || EqualFold(name, "phone-context") &&
		(strings.HasPrefix(a, "+") || strings.HasPrefix(b, "+")) {
		return equalPhone(a, b)
	}
	return equalEscaped(a, b, true)
}

// equalPhone compares telephone numbers without their visual separators
// and without case (local numbers may hold hex digits).
func equalPhone(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && isVisualSeparator(a[i]) {
			i++
		}
		for j < len(b) && isVisualSeparator(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if lower(a[i]) != lower(b[j]) {
			return false
		}
		i++
		j++
	}
}

// equalURIHeaders compares URI headers as a multiset: order does not matter,
// but each header must occur as often in one as in the other. Names are
// compared without case, values with case, both with escapes decoded.
func equalURIHeaders(a, b string) bool {
	return a == b || uriHeadersIn(a, b) && uriHeadersIn(b, a)
}

// uriHeadersIn reports whether every header of a occurs as often in b as in a.
func uriHeadersIn(a, b string) bool {
	for name, value, rest, ok := nextURIHeader(a); ok; name, value, rest, ok = nextURIHeader(rest) {
		if countURIHeader(a, name, value) != countURIHeader(b, name, value) {
			return false
		}
	}
	return true
}

func countURIHeader(s, name, value string) int {
	n := 0
	for hn, hv, rest, ok := nextURIHeader(s); ok; hn, hv, rest, ok = nextURIHeader(rest) {
		if equalEscaped(hn, name, true) && equalEscaped(hv, value, false) {
			n++
		}
	}
	return n
}

// nextURIHeader splits the first hname=hvalue off a headers string.
func nextURIHeader(s string) (name, value, rest string, ok bool) {
	if s == "" {
		return "", "", "", false
	}
	h, rest, _ := strings.Cut(s, "&")
	name, value, _ = strings.Cut(h, "=")
	return name, value, rest, true
}

// equalEscaped compares a and b with %-escapes decoded, without case for
// letters when fold is set. RFC 3261 §19.1.4: an escaped character equals
// its literal form, except a reserved character, whose escape makes it
// data rather than a delimiter ("a%3Bb" is not "a;b").
func equalEscaped(a, b string, fold bool) bool {
	if a == b {
		return true
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, escA, nextA := decodeURIOctet(a, i)
		cb, escB, nextB := decodeURIOctet(b, j)
		if ca != cb && !(fold && lower(ca) == lower(cb)) {
			return false
		}
		if escA != escB && isURIReserved(ca) {
			return false
		}
		i, j = nextA, nextB
	}
	return i == len(a) && j == len(b)
}

// decodeURIOctet returns the octet at s[i], whether it was %-escaped, and the
// index after it. A '%' without two hex digits stands for itself.
func decodeURIOctet(s string, i int) (c byte, escaped bool, next int) {
	if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
		return unhex(s[i+1])<<4 | unhex(s[i+2]), true, i + 3
	}
	return s[i], false, i + 1
}

// isURIReserved reports RFC 3261 reserved characters.
func isURIReserved(c byte) bool {
	return strings.IndexByte(";/?:@&=+$,", c) >= 0
}

// Unescape decodes the %XX escapes of s. It returns s itself, without
// allocating, when there is none, and a *ParseError at the offending '%'
// when one is not followed by two hex digits. A decoded %00 stays in the
// result (RFC 4475 escnull): the result is bytes, not a C string.
func Unescape(s string) (string, error) {
	n := strings.IndexByte(s, '%')
	if n < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:n]...)
	for i := n; i < len(s); {
		if s[i] != '%' {
			b = append(b, s[i])
			i++
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", errorAt(i, "bad escape: '%' not followed by two hex digits")
		}
		b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
		i += 3
	}
	return string(b), nil
}

// EscapeUser escapes s for the user part of a sip URI: unreserved and
// user-unreserved characters stay, anything else becomes %XX. It returns s
// itself when nothing needs escaping.
func EscapeUser(s string) string { return escapeURIPart(s, userChars) }

// EscapeParam escapes s for a uri-parameter name or value: unreserved and
// param-unreserved characters stay, anything else becomes %XX. It returns
// s itself when nothing needs escaping.
func EscapeParam(s string) string { return escapeURIPart(s, paramChars) }

func escapeURIPart(s string, keep uint8) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&keep == 0 {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexDigits = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; charClass[c]&keep != 0 {
			b = append(b, c)
		} else {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		}
	}
	return string(b)
}
