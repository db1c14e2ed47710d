package auth

import (
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// Kind says which pair of headers an authentication uses: WWW for a
// registrar or UAS (401, WWW-Authenticate, Authorization), Proxy for a
// proxy (407, Proxy-Authenticate, Proxy-Authorization).
type Kind uint8

// The two kinds.
const (
	WWW Kind = iota
	Proxy
)

func (k Kind) credentialsHeader() sip.HeaderType {
	if k == Proxy {
		return sip.HdrProxyAuthorization
	}
	return sip.HdrAuthorization
}

// Return codes of the authorize functions, OpenSIPS's auth_result_t:
// pv_www_authorize, and auth_db's www_authorize built on Authorize, give
// them to the script.
const (
	Authorized      = 1  // the credentials are right
	Replied         = 0  // an error reply (400, 500) was sent; the script stops
	UserUnknown     = -1 // no such user
	InvalidPassword = -2 // the user exists, the response is wrong
	StaleNonce      = -3 // nonce expired, forged, already used, or not for this algorithm/qop
	NoCredentials   = -4 // no credentials for the realm
	AuthError       = -5 // an error; no reply was sent
)

// CredentialsLookup finds what a backend knows of user in realm: the
// plain-text password, or (isHA1) the HA1 of alg.Base()'s hash, i.e.
// H(user:realm:password) as HA1 computes it (auth_db's ha1, ha1_sha256 or
// ha1_sha512t256 column). found is false for an unknown user; err
// reports a backend failure (a database down), which fails the
// authorization without a reply.
type CredentialsLookup func(ctx *engine.Context, user, realm string, alg Algorithm) (secret string, isHA1, found bool, err error)

// stateKey is the per-message state auth keeps: which credentials header
// was checked (for consume_credentials) and whether the nonce was stale
// (for the next challenge's stale=true).
type stateKey struct{}

type messageState struct {
	checked int // index of the header in Msg.Headers(), -1 for none
	stale   bool
}

func stateOf(ctx *engine.Context) *messageState {
	if s, ok := ctx.State(stateKey{}).(*messageState); ok {
		return s
	}
	s := &messageState{checked: -1}
	ctx.SetState(stateKey{}, s)
	return s
}

// Authorize checks the credentials of the request in ctx for realm (""
// means the domain of the To URI for a REGISTER answered with WWW kind,
// of the From URI otherwise, less realm_prefix) and returns one of the
// codes above. lookup supplies the password or HA1 of the user the
// credentials name. It is what auth_db's www_authorize and
// proxy_authorize call with a database lookup.
func Authorize(ctx *engine.Context, realm string, kind Kind, lookup CredentialsLookup) int {
	return module.authorize(ctx, realm, kind, lookup)
}

// authorize runs the checks in OpenSIPS's order (pre_auth, then the
// response): credentials for the realm, their syntax, the nonce, the
// user, the response; and only then records the nonce as used, so that a
// wrong guess does not burn a legitimate client's nonce.
func (a *authModule) authorize(ctx *engine.Context, realm string, kind Kind, lookup CredentialsLookup) int {
	m := ctx.Msg
	if m == nil || !m.IsRequest() {
		return AuthError
	}
	// ACK and CANCEL cannot be challenged (a CANCEL must match the
	// request's CSeq, an ACK gets no reply): OpenSIPS lets them through.
	if meth := m.Method(); meth == sip.MethodAck || meth == sip.MethodCancel {
		return Authorized
	}
	if realm == "" {
		var ok bool
		if realm, ok = a.realmOf(m, kind); !ok {
			return replyError(ctx, 400, "Bad Request")
		}
	}
	at, cred, err := findCredentials(m, realm, kind)
	if err != nil {
		return replyError(ctx, 400, "Bad Request")
	}
	if at < 0 {
		return NoCredentials
	}
	st := stateOf(ctx)
	st.checked = at
	alg, nc, ok := checkFields(&cred)
	if !ok {
		return replyError(ctx, 400, "Bad Request")
	}
	nonce, err := a.nonces.check(cred.Nonce, nc)
	if err != nil || !nonceFits(nonce, alg, cred.QOP) {
		st.stale = true
		return StaleNonce
	}
	secret, isHA1, found, err := lookup(ctx, cred.Username, realm, alg)
	switch {
	case err != nil:
		if ctx.Log != nil {
			ctx.Log.Error("auth: credentials lookup failed", "user", cred.Username, "realm", realm, "err", err)
		}
		return AuthError
	case !found:
		return UserUnknown
	}
	ha1 := secret
	if !isHA1 {
		ha1 = HA1(alg, cred.Username, realm, secret)
	} else if len(ha1) != alg.hexLen() {
		// An HA1 of another hash (a SHA-256 client against an MD5-only
		// column) can never match; say so rather than "wrong password".
		return AuthError
	}
	d := Digest{Algorithm: alg, Method: m.MethodName(), URI: cred.URI, Nonce: cred.Nonce,
		CNonce: cred.CNonce, NC: cred.NC, QOP: strings.ToLower(cred.QOP)}
	if d.QOP == "auth-int" {
		d.Body = m.Body()
	}
	if !d.ResponseMatches(sessionHA1(alg, strings.ToLower(ha1), cred.Nonce, cred.CNonce), cred.Response) {
		return InvalidPassword
	}
	if a.nonces.commit(nonce, nc) != nil {
		st.stale = true
		return StaleNonce
	}
	return Authorized
}

// findCredentials returns the first credentials header of kind whose
// realm is realm (without case, as OpenSIPS compares it), and its index
// in the message's headers; -1 when there is none. Headers of another
// scheme are skipped; one that does not parse is an error (a 400), since
// guessing what a malformed header meant is how bypasses start.
func findCredentials(m *sip.Msg, realm string, kind Kind) (int, sip.Credentials, error) {
	t := kind.credentialsHeader()
	for i, h := range m.Headers() {
		if h.Type != t {
			continue
		}
		c, err := sip.ParseCredentials(h.Value)
		if err != nil {
			return -1, sip.Credentials{}, err
		}
		if strings.EqualFold(c.Scheme, "Digest") && strings.EqualFold(c.Realm, realm) {
			return i, c, nil
		}
	}
	return -1, sip.Credentials{}, nil
}

// checkFields is OpenSIPS's check_dig_cred: the parameters RFC 2617
// requires are there, the algorithm is known, a qop comes with a cnonce
// and a well-formed nc. It returns the algorithm and the nonce-count (0
// without qop).
func checkFields(c *sip.Credentials) (Algorithm, uint32, bool) {
	if c.Username == "" || c.Nonce == "" || c.URI == "" || c.Response == "" || c.Userhash {
		// userhash (RFC 7616 §3.4.4) would need a reverse lookup no
		// backend offers; such credentials are refused as malformed.
		return 0, 0, false
	}
	alg, ok := ParseAlgorithm(c.Algorithm)
	if !ok {
		return 0, 0, false
	}
	switch strings.ToLower(c.QOP) {
	case "":
		if c.NC != "" || c.CNonce != "" {
			return 0, 0, false
		}
		return alg, 0, true
	case "auth", "auth-int":
		nc, ok := c.NonceCount()
		if !ok || nc == 0 || c.CNonce == "" {
			return 0, 0, false
		}
		return alg, nc, true
	}
	return 0, 0, false
}

// nonceFits checks the credentials against what the challenge offered:
// the algorithm the nonce was made for, and a qop among those offered. A
// client may leave qop out when "auth" was offered (RFC 8760 §2.6 makes
// it the default; OpenSIPS accepts it); such a nonce is then single-use.
func nonceFits(f nonceFields, alg Algorithm, qop string) bool {
	if f.alg != alg {
		return false
	}
	switch strings.ToLower(qop) {
	case "":
		return f.qop == 0 || f.qop&qopAuth != 0
	case "auth":
		return f.qop&qopAuth != 0
	case "auth-int":
		return f.qop&qopAuthInt != 0
	}
	return false
}

// realmOf is the realm when the script gives none: the To domain of a
// REGISTER (the user being registered) for WWW authentication, the From
// domain otherwise, less realm_prefix.
func (a *authModule) realmOf(m *sip.Msg, kind Kind) (string, bool) {
	var addr *sip.NameAddr
	var err error
	if kind == WWW && m.Method() == sip.MethodRegister {
		addr, err = m.To()
	} else {
		addr, err = m.From()
	}
	if err != nil || addr.URI.Host == "" {
		return "", false
	}
	return strings.TrimPrefix(addr.URI.Host, a.realmPrefix), true
}
