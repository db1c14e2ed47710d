package sip

import "strings"

// HTTP digest authentication headers as SIP uses them (RFC 3261 §22.4 and
// §25.1, RFC 2617, RFC 7616, RFC 8760): Authorization and
// Proxy-Authorization carry credentials, WWW-Authenticate and
// Proxy-Authenticate carry challenges. Both are an auth scheme followed by a
// comma-separated list of auth-params, so one scanner serves all four.

// Credentials is the value of one Authorization or Proxy-Authorization header
// (RFC 3261 §25.1, RFC 2617, RFC 7616/8760). String fields are unquoted and,
// unless a quoted-pair had to be resolved, slices of the parsed text.
type Credentials struct {
	Scheme    string // "Digest" as received, or another scheme
	Username  string
	Realm     string
	Nonce     string
	URI       string // digest-uri
	Response  string
	Algorithm string // MD5, MD5-sess, SHA-256, SHA-512-256, ... as received
	CNonce    string
	Opaque    string
	QOP       string // message-qop: auth or auth-int
	NC        string // nonce-count as received; see NonceCount
	Userhash  bool   // RFC 7616 userhash=true
	Params    string // the raw text after the scheme, every auth-param included
}

// Challenge is the value of one WWW-Authenticate or Proxy-Authenticate header.
type Challenge struct {
	Scheme    string
	Realm     string
	Domain    string
	Nonce     string
	Opaque    string
	Stale     bool // stale=true, compared without case
	Algorithm string
	QOP       string // qop-options, unquoted, e.g. "auth,auth-int"
	Userhash  bool
	Params    string // the raw text after the scheme, every auth-param included
}

// The auth-params the typed fields hold, by index into the name tables; the
// index is also the bit that catches a repeated parameter.
const (
	credUsername = iota
	credRealm
	credNonce
	credURI
	credResponse
	credAlgorithm
	credCNonce
	credOpaque
	credQOP
	credNC
	credUserhash
)

var credentialNames = [...]string{
	credUsername:  "username",
	credRealm:     "realm",
	credNonce:     "nonce",
	credURI:       "uri",
	credResponse:  "response",
	credAlgorithm: "algorithm",
	credCNonce:    "cnonce",
	credOpaque:    "opaque",
	credQOP:       "qop",
	credNC:        "nc",
	credUserhash:  "userhash",
}

const (
	chalRealm = iota
	chalDomain
	chalNonce
	chalOpaque
	chalStale
	chalAlgorithm
	chalQOP
	chalUserhash
)

var challengeNames = [...]string{
	chalRealm:     "realm",
	chalDomain:    "domain",
	chalNonce:     "nonce",
	chalOpaque:    "opaque",
	chalStale:     "stale",
	chalAlgorithm: "algorithm",
	chalQOP:       "qop",
	chalUserhash:  "userhash",
}

// ParseCredentials parses the value of an Authorization or
// Proxy-Authorization header. A scheme other than Digest is accepted with its
// text kept in Params, so that a proxy can pass it on or ignore it (RFC 4475
// §3.1.2.13 sends one that nobody knows).
func ParseCredentials(s string) (Credentials, error) {
	var c Credentials
	a, err := splitScheme(s)
	if err != nil {
		return Credentials{}, err
	}
	c.Scheme, c.Params = a.scheme, a.params
	if !a.digest {
		return c, nil
	}
	var seen uint32
	i, n := a.paramsAt, 0
	for {
		p, next, ok, err := nextAuthParam(a.text, i)
		if err != nil {
			return Credentials{}, err
		}
		if !ok {
			break
		}
		i, n = next, n+1
		k := authFieldIndex(credentialNames[:], p.name)
		if k < 0 {
			continue
		}
		if seen&(1<<k) != 0 {
			return Credentials{}, duplicateError(p)
		}
		seen |= 1 << k
		v := Unquote(p.value)
		switch k {
		case credUsername:
			c.Username = v
		case credRealm:
			c.Realm = v
		case credNonce:
			c.Nonce = v
		case credURI:
			c.URI = v
		case credResponse:
			c.Response = v
		case credAlgorithm:
			c.Algorithm = v
		case credCNonce:
			c.CNonce = v
		case credOpaque:
			c.Opaque = v
		case credQOP:
			c.QOP = v
		case credNC:
			c.NC = v
		case credUserhash:
			c.Userhash = EqualFold(v, "true")
		}
	}
	if n == 0 {
		return Credentials{}, errorAt(a.paramsAt, "Digest credentials without parameters")
	}
	return c, nil
}

// ParseChallenge parses the value of a WWW-Authenticate or
// Proxy-Authenticate header, with the same rules as ParseCredentials.
func ParseChallenge(s string) (Challenge, error) {
	var c Challenge
	a, err := splitScheme(s)
	if err != nil {
		return Challenge{}, err
	}
	c.Scheme, c.Params = a.scheme, a.params
	if !a.digest {
		return c, nil
	}
	var seen uint32
	i, n := a.paramsAt, 0
	for {
		p, next, ok, err := nextAuthParam(a.text, i)
		if err != nil {
			return Challenge{}, err
		}
		if !ok {
			break
		}
		i, n = next, n+1
		k := authFieldIndex(challengeNames[:], p.name)
		if k < 0 {
			continue
		}
		if seen&(1<<k) != 0 {
			return Challenge{}, duplicateError(p)
		}
		seen |= 1 << k
		v := Unquote(p.value)
		switch k {
		case chalRealm:
			c.Realm = v
		case chalDomain:
			c.Domain = v
		case chalNonce:
			c.Nonce = v
		case chalOpaque:
			c.Opaque = v
		case chalStale:
			// RFC 2617 §3.2.1: anything other than TRUE means false.
			c.Stale = EqualFold(v, "true")
		case chalAlgorithm:
			c.Algorithm = v
		case chalQOP:
			c.QOP = v
		case chalUserhash:
			c.Userhash = EqualFold(v, "true")
		}
	}
	if n == 0 {
		return Challenge{}, errorAt(a.paramsAt, "Digest challenge without parameters")
	}
	return c, nil
}

// Param returns the auth-param called name (compared without case), unquoted,
// and whether it is present. It reads Params, so it also finds parameters
// that have no field, such as RFC 7616 charset or username*.
func (c *Credentials) Param(name string) (string, bool) {
	return findAuthParam(c.Params, name)
}

// Param returns the auth-param called name (compared without case), unquoted,
// and whether it is present.
func (c *Challenge) Param(name string) (string, bool) {
	return findAuthParam(c.Params, name)
}

// NonceCount returns the value of NC, which RFC 2617 §3.2.2 fixes at exactly
// eight hex digits. The parser keeps NC as received so that the auth module,
// not the parser, decides what a malformed count means.
func (c *Credentials) NonceCount() (uint32, bool) {
	if len(c.NC) != 8 {
		return 0, false
	}
	var n uint32
	for i := 0; i < len(c.NC); i++ {
		if !isHex(c.NC[i]) {
			return 0, false
		}
		n = n<<4 | uint32(unhex(c.NC[i]))
	}
	return n, true
}

// QOPOptions splits the qop-options of the challenge on commas, with the
// white space around each option and any empty option removed.
func (c *Challenge) QOPOptions() []string {
	var opts []string
	s := c.QOP
	for s != "" {
		opt := s
		if k := strings.IndexByte(s, ','); k >= 0 {
			opt, s = s[:k], s[k+1:]
		} else {
			s = ""
		}
		if opt = trimLWS(opt); opt != "" {
			opts = append(opts, opt)
		}
	}
	return opts
}

// authHeader is a header value split at its scheme.
type authHeader struct {
	text     string // the value without trailing white space
	scheme   string
	params   string // text after the scheme, trimmed
	paramsAt int    // where params starts in text
	digest   bool
}

// splitScheme reads the auth scheme and, for schemes other than Digest,
// checks that the rest is text a header can carry.
func splitScheme(s string) (authHeader, error) {
	// Trailing white space (a stray CRLF included) is not part of the value;
	// cutting it keeps offsets into s valid.
	end := len(s)
	for end > 0 && (isWS(s[end-1]) || s[end-1] == '\r' || s[end-1] == '\n') {
		end--
	}
	a := authHeader{text: s[:end]}
	start := skipLWS(a.text, 0)
	i := scanToken(a.text, start)
	a.scheme = a.text[start:i]
	a.digest = EqualFold(a.scheme, "Digest")
	a.paramsAt = skipLWS(a.text, i)
	if i == start || !a.digest && a.paramsAt < end && a.text[a.paramsAt] == '=' {
		// `username="alice", ...`: the first word is a parameter name.
		return authHeader{}, errorAt(start, "missing auth scheme")
	}
	if a.paramsAt == i && i < end {
		return authHeader{}, errorAt(i, "expected white space after auth scheme")
	}
	a.params = a.text[a.paramsAt:]
	if a.digest {
		if a.params == "" {
			return authHeader{}, errorAt(a.paramsAt, "Digest header without parameters")
		}
		return a, nil
	}
	if bad := badTextAt(a.text, a.paramsAt, end); bad >= 0 {
		return authHeader{}, errorAt(bad, "control character in auth parameters")
	}
	return a, nil
}

// authParam is one auth-param as received: value keeps its quotes.
type authParam struct {
	name, value string
	at          int // offset of the name, for error messages
}

// nextAuthParam scans the auth-param that starts at or after s[i] and
// returns the index where the next one may start; ok is false at the end of
// s. Empty list elements (",,") are skipped, as RFC 7230 §7 asks a recipient
// to do and as some UAs need.
func nextAuthParam(s string, i int) (p authParam, next int, ok bool, err error) {
	i = skipLWS(s, i)
	for i < len(s) && s[i] == ',' {
		i = skipLWS(s, i+1)
	}
	if i >= len(s) {
		return authParam{}, i, false, nil
	}
	end := scanToken(s, i)
	if end == i {
		return authParam{}, i, false, errorAt(i, "expected auth-param name")
	}
	p.name, p.at = s[i:end], i
	i = skipLWS(s, end)
	if i >= len(s) || s[i] != '=' {
		return authParam{}, i, false, errorAt(i, "auth-param "+p.name+" without '='")
	}
	i = skipLWS(s, i+1)
	if i < len(s) && s[i] == '"' {
		end = scanQuoted(s, i)
		if end < 0 {
			return authParam{}, i, false, errorAt(i, "unterminated quoted-string in "+p.name)
		}
		if bad := badTextAt(s, i+1, end-1); bad >= 0 {
			return authParam{}, i, false, errorAt(bad, "control character in "+p.name)
		}
	} else {
		end = scanBareValue(s, i)
		if end == i {
			return authParam{}, i, false, errorAt(i, "missing value for "+p.name)
		}
	}
	p.value = s[i:end]
	i = skipLWS(s, end)
	if i < len(s) && s[i] != ',' {
		return authParam{}, i, false, errorAt(i, "unexpected character after value of "+p.name)
	}
	return p, i, true, nil
}

// scanBareValue returns the end of an unquoted value. The grammar says token,
// but UAs send digest-uri and other URIs unquoted (uri=sip:bob@b.example),
// so the characters of a URI are taken too; white space, ',' and '"' still
// end the value, which keeps "garbage after a value" detectable. A value
// does not start with '=', so that the padding of a token68 ("abc==") is
// not mistaken for an auth-param.
func scanBareValue(s string, i int) int {
	if i < len(s) && s[i] == '=' {
		return i
	}
	for i < len(s) && (isToken(s[i]) || isBareURIChar(s[i])) {
		i++
	}
	return i
}

func isBareURIChar(c byte) bool {
	switch c {
	case ':', '/', '@', '?', '=', ';', '&', '$', '[', ']':
		return true
	}
	return false
}

// badTextAt returns the offset of the first control character in s[from:to]
// that is not part of a fold (CRLF or bare LF followed by SP or HTAB), or -1.
// A CR or LF that passes through here into a value could end the header line
// when the value is written again, so it is refused at the door.
func badTextAt(s string, from, to int) int {
	for k := from; k < to; k++ {
		c := s[k]
		if c >= 0x20 && c != 0x7f || c == '\t' {
			continue
		}
		if n := foldLenAt(s[:to], k); n > 0 {
			k += n - 1
			continue
		}
		return k
	}
	return -1
}

// foldLenAt returns the length of the line fold at s[k], or 0 if there is none.
func foldLenAt(s string, k int) int {
	switch {
	case s[k] == '\r' && k+2 < len(s) && s[k+1] == '\n' && isWS(s[k+2]):
		return 3
	case s[k] == '\n' && k+1 < len(s) && isWS(s[k+1]):
		return 2
	}
	return 0
}

func authFieldIndex(names []string, name string) int {
	for k, known := range names {
		if EqualFold(known, name) {
			return k
		}
	}
	return -1
}

// duplicateError refuses a repeated parameter: two nonces or two responses
// in one header leave a server to guess which one the client meant, and a
// guess is where authentication bypasses come from.
func duplicateError(p authParam) error {
	return errorAt(p.at, "duplicate auth-param "+p.name)
}

// findAuthParam looks name up in the parameter text of a header. Text that
// does not parse as auth-params (another scheme's token68, say) has none.
func findAuthParam(params, name string) (string, bool) {
	for i := 0; ; {
		p, next, ok, err := nextAuthParam(params, i)
		if err != nil || !ok {
			return "", false
		}
		if EqualFold(p.name, name) {
			return Unquote(p.value), true
		}
		i = next
	}
}

// AppendChallenge appends a challenge header value (without the header name)
// to dst, e.g. `Digest realm="x", nonce="y", qop="auth", algorithm=MD5`.
// Realm and nonce are always written, as RFC 2617 requires them; the other
// fields only when set. Realm, domain, nonce, opaque and qop are quoted;
// algorithm and stale are tokens. Auth-params of Params that have no field
// follow as received. An empty Scheme means Digest; another scheme is
// written with its Params and nothing else.
func AppendChallenge(dst []byte, c *Challenge) []byte {
	if !isDigestScheme(c.Scheme) {
		return appendOtherScheme(dst, c.Scheme, c.Params)
	}
	dst = appendDigestScheme(dst, c.Scheme)
	dst = append(dst, ' ')
	dst = appendQuotedParam(dst, "realm", c.Realm)
	if c.Domain != "" {
		dst = appendQuotedParam(append(dst, ", "...), "domain", c.Domain)
	}
	dst = appendQuotedParam(append(dst, ", "...), "nonce", c.Nonce)
	if c.Opaque != "" {
		dst = appendQuotedParam(append(dst, ", "...), "opaque", c.Opaque)
	}
	if c.QOP != "" {
		dst = appendQuotedParam(append(dst, ", "...), "qop", c.QOP)
	}
	if c.Algorithm != "" {
		dst = appendTokenParam(append(dst, ", "...), "algorithm", c.Algorithm)
	}
	if c.Stale {
		dst = append(dst, ", stale=true"...)
	}
	if c.Userhash {
		dst = append(dst, ", userhash=true"...)
	}
	return appendOtherParams(dst, c.Params, challengeNames[:])
}

// AppendCredentials appends a credentials header value (without the header
// name) to dst, for a UAC answering a challenge. Username, realm, nonce, uri
// and response are always written, as RFC 2617 requires them; the other
// fields only when set. Algorithm, qop and nc are tokens; the rest is quoted.
// Params and Scheme are treated as by AppendChallenge.
func AppendCredentials(dst []byte, c *Credentials) []byte {
	if !isDigestScheme(c.Scheme) {
		return appendOtherScheme(dst, c.Scheme, c.Params)
	}
	dst = appendDigestScheme(dst, c.Scheme)
	dst = append(dst, ' ')
	dst = appendQuotedParam(dst, "username", c.Username)
	dst = appendQuotedParam(append(dst, ", "...), "realm", c.Realm)
	dst = appendQuotedParam(append(dst, ", "...), "nonce", c.Nonce)
	dst = appendQuotedParam(append(dst, ", "...), "uri", c.URI)
	dst = appendQuotedParam(append(dst, ", "...), "response", c.Response)
	if c.Algorithm != "" {
		dst = appendTokenParam(append(dst, ", "...), "algorithm", c.Algorithm)
	}
	if c.CNonce != "" {
		dst = appendQuotedParam(append(dst, ", "...), "cnonce", c.CNonce)
	}
	if c.Opaque != "" {
		dst = appendQuotedParam(append(dst, ", "...), "opaque", c.Opaque)
	}
	if c.QOP != "" {
		dst = appendTokenParam(append(dst, ", "...), "qop", c.QOP)
	}
	if c.NC != "" {
		dst = appendTokenParam(append(dst, ", "...), "nc", c.NC)
	}
	if c.Userhash {
		dst = append(dst, ", userhash=true"...)
	}
	return appendOtherParams(dst, c.Params, credentialNames[:])
}

func isDigestScheme(scheme string) bool {
	return scheme == "" || EqualFold(scheme, "Digest")
}

func appendDigestScheme(dst []byte, scheme string) []byte {
	if scheme == "" {
		scheme = "Digest"
	}
	return append(dst, scheme...)
}

func appendOtherScheme(dst []byte, scheme, params string) []byte {
	dst = append(dst, scheme...)
	if params != "" {
		dst = append(dst, ' ')
		dst = append(dst, params...)
	}
	return dst
}

func appendQuotedParam(dst []byte, name, value string) []byte {
	dst = append(dst, name...)
	dst = append(dst, '=')
	return appendQuotedValue(dst, value)
}

// appendTokenParam writes value bare when it is a token, as RFC 2617 spells
// algorithm, qop and nc, and quoted otherwise so that the output always
// parses again.
func appendTokenParam(dst []byte, name, value string) []byte {
	if !isTokenString(value) {
		return appendQuotedParam(dst, name, value)
	}
	dst = append(dst, name...)
	dst = append(dst, '=')
	return append(dst, value...)
}

// appendQuotedValue writes value as a quoted-string. '"' and '\' are escaped;
// line folds pass through, as the parser keeps them in values; any other
// control character is dropped, because no quoted-pair can carry a CR or LF
// and one written raw would end the header early (header injection).
func appendQuotedValue(dst []byte, value string) []byte {
	dst = append(dst, '"')
	for k := 0; k < len(value); k++ {
		c := value[k]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c >= 0x20 && c != 0x7f || c == '\t':
			dst = append(dst, c)
		default:
			if n := foldLenAt(value, k); n > 0 {
				dst = append(dst, value[k:k+n]...)
				k += n - 1
			}
		}
	}
	return append(dst, '"')
}

// appendOtherParams copies the auth-params of params that have no field
// (names lists the ones that do), so that parsing and writing a header back
// keeps extensions such as RFC 7616 charset.
func appendOtherParams(dst []byte, params string, names []string) []byte {
	for i := 0; ; {
		p, next, ok, err := nextAuthParam(params, i)
		if err != nil || !ok {
			return dst
		}
		if authFieldIndex(names, p.name) < 0 {
			dst = append(dst, ", "...)
			dst = append(dst, p.name...)
			dst = append(dst, '=')
			dst = append(dst, p.value...)
		}
		i = next
	}
}
