// Package auth is OpenSIPS's auth module: HTTP digest authentication for
// SIP (RFC 2617, RFC 7616, RFC 8760). It issues challenges, checks
// credentials against a password or HA1 that a backend supplies, and keeps
// nonces honest: each carries its own expiry and an index, so a replayed
// nonce or nonce-count is refused without a server-side nonce table
// (see README.md).
package auth

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"hash"
	"strings"
)

// Algorithm is a digest algorithm of the IANA "HTTP Digest Hash
// Algorithms" registry that SIP uses (RFC 8760 §2.2).
type Algorithm uint8

// The algorithms, weakest first; the order is the reverse of the order of
// challenges RFC 8760 §2.4 asks for (strongest first). The values are
// carried in nonces, so they must not change.
const (
	MD5 Algorithm = iota
	MD5Sess
	SHA256
	SHA256Sess
	SHA512256
	SHA512256Sess
	algorithmCount
)

var algorithmNames = [algorithmCount]string{"MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess"}

// String returns the name as written in the algorithm auth-param.
func (a Algorithm) String() string {
	if a < algorithmCount {
		return algorithmNames[a]
	}
	return "unknown"
}

// ParseAlgorithm reads an algorithm name, without case (RFC 7616 §3.3
// says the token is case-insensitive). An absent algorithm means MD5
// (RFC 2617 §3.2.1).
func ParseAlgorithm(s string) (Algorithm, bool) {
	if s == "" {
		return MD5, true
	}
	for a, name := range algorithmNames {
		if strings.EqualFold(s, name) {
			return Algorithm(a), true
		}
	}
	return 0, false
}

// Sess reports whether a is a -sess variant, whose HA1 also covers the
// nonce and cnonce (RFC 7616 §3.4.2).
func (a Algorithm) Sess() bool { return a&1 == 1 }

// Base returns the algorithm without -sess: the one whose HA1 a backend
// stores (auth_db's ha1, ha1_sha256, ha1_sha512t256 columns).
func (a Algorithm) Base() Algorithm { return a &^ 1 }

func (a Algorithm) newHash() hash.Hash {
	switch a.Base() {
	case SHA256:
		return sha256.New()
	case SHA512256:
		return sha512.New512_256()
	}
	return md5.New()
}

// hexLen is the length of a hex digest of a: what a stored HA1 must
// measure.
func (a Algorithm) hexLen() int {
	if a.Base() == MD5 {
		return 2 * md5.Size
	}
	return 2 * sha256.Size
}

// hashHex returns the lower-case hex digest of the parts joined by ':',
// which is how every digest quantity is built (RFC 7616 §3.4.1: KD and H).
func (a Algorithm) hashHex(parts ...string) string {
	h := a.newHash()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{':'})
		}
		h.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// HA1 computes H(username:realm:password) for a's hash (RFC 7616
// §3.4.2), the value a backend may store instead of the password. It is
// the same for a and its -sess variant.
func HA1(a Algorithm, user, realm, password string) string {
	return a.hashHex(user, realm, password)
}

// sessionHA1 turns a stored HA1 into the HA1 of a -sess algorithm:
// H(H(user:realm:password):nonce:cnonce) (RFC 7616 §3.4.2).
func sessionHA1(a Algorithm, ha1, nonce, cnonce string) string {
	if !a.Sess() {
		return ha1
	}
	return a.hashHex(ha1, nonce, cnonce)
}

// Digest holds what a response is computed from: the credentials'
// fields, the request's method and, for qop=auth-int, its body.
type Digest struct {
	Algorithm Algorithm
	Method    string
	URI       string // the digest-uri the client used, not the Request-URI
	Nonce     string
	CNonce    string
	NC        string // as received: eight hex digits
	QOP       string // "", "auth" or "auth-int"
	Body      string // the entity body, hashed for auth-int
}

// HA2 computes H(method:digest-uri), or H(method:digest-uri:H(body)) for
// qop=auth-int (RFC 7616 §3.4.3).
func (d *Digest) HA2() string {
	if d.QOP == "auth-int" {
		return d.Algorithm.hashHex(d.Method, d.URI, d.Algorithm.hashHex(d.Body))
	}
	return d.Algorithm.hashHex(d.Method, d.URI)
}

// Response computes the request-digest from HA1 (already made -sess if
// the algorithm says so): KD(HA1, nonce:nc:cnonce:qop:HA2) with a qop,
// KD(HA1, nonce:HA2) without one (RFC 2617 §3.2.2.1, the RFC 2069
// compatible form).
func (d *Digest) Response(ha1 string) string {
	if d.QOP == "" {
		return d.Algorithm.hashHex(ha1, d.Nonce, d.HA2())
	}
	return d.Algorithm.hashHex(ha1, d.Nonce, d.NC, d.CNonce, d.QOP, d.HA2())
}

// ResponseMatches reports whether got is the response ha1 gives. The hex
// is compared without case (RFC 2617 writes LHEX but some clients send
// upper case) and in constant time, so that the time taken does not tell
// an attacker how many leading characters of a guess were right.
func (d *Digest) ResponseMatches(ha1, got string) bool {
	want := d.Response(ha1)
	if len(got) != len(want) {
		return false
	}
	var lower [2 * sha256.Size]byte
	for i := 0; i < len(got); i++ {
		c := got[i]
		if 'A' <= c && c <= 'F' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return subtle.ConstantTimeCompare(lower[:len(got)], []byte(want)) == 1
}
