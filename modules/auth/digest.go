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

// hexLen is the length of a hex digest of a: what a stored HA1 must
// measure.
func (a Algorithm) hexLen() int {
	if a.Base() == MD5 {
		return 2 * md5.Size
	}
	return 2 * sha256.Size
}

// hexDigest is room for the lower-case hex of the longest digest.
type hexDigest [2 * sha256.Size]byte

// sumHex hashes in with a's hash and writes the lower-case hex digest into
// out, returning the part written. The fixed-size sums need no hash.Hash
// value, so a digest costs no allocation (auth runs twice per REGISTER).
func (a Algorithm) sumHex(out *hexDigest, in []byte) []byte {
	switch a.Base() {
	case SHA256:
		sum := sha256.Sum256(in)
		return out[:hex.Encode(out[:], sum[:])]
	case SHA512256:
		sum := sha512.Sum512_256(in)
		return out[:hex.Encode(out[:], sum[:])]
	}
	sum := md5.Sum(in)
	return out[:hex.Encode(out[:], sum[:])]
}

// joinParts appends the parts to dst joined by ':', which is how every
// digest quantity is built (RFC 7616 §3.4.1: KD and H).
func joinParts(dst []byte, parts ...string) []byte {
	for i, p := range parts {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, p...)
	}
	return dst
}

// hashHex returns the lower-case hex digest of the parts joined by ':'.
func (a Algorithm) hashHex(parts ...string) string {
	var in [256]byte
	var out hexDigest
	return string(a.sumHex(&out, joinParts(in[:0], parts...)))
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
	var out hexDigest
	return string(d.ha2(&out))
}

func (d *Digest) ha2(out *hexDigest) []byte {
	var stack [256]byte
	in := joinParts(stack[:0], d.Method, d.URI)
	if d.QOP == "auth-int" {
		var body hexDigest
		in = append(append(in, ':'), d.Algorithm.sumHex(&body, []byte(d.Body))...)
	}
	return d.Algorithm.sumHex(out, in)
}

// Response computes the request-digest from HA1 (already made -sess if
// the algorithm says so): KD(HA1, nonce:nc:cnonce:qop:HA2) with a qop,
// KD(HA1, nonce:HA2) without one (RFC 2617 §3.2.2.1, the RFC 2069
// compatible form).
func (d *Digest) Response(ha1 string) string {
	var out hexDigest
	return string(d.response(&out, ha1))
}

func (d *Digest) response(out *hexDigest, ha1 string) []byte {
	var ha2 hexDigest
	var stack [256]byte
	in := joinParts(stack[:0], ha1, d.Nonce)
	if d.QOP != "" {
		in = append(joinParts(append(in, ':'), d.NC, d.CNonce, d.QOP), ':')
	} else {
		in = append(in, ':')
	}
	in = append(in, d.ha2(&ha2)...)
	return d.Algorithm.sumHex(out, in)
}

// ResponseMatches reports whether got is the response ha1 gives. The hex
// is compared without case (RFC 2617 writes LHEX but some clients send
// upper case) and in constant time, so that the time taken does not tell
// an attacker how many leading characters of a guess were right.
func (d *Digest) ResponseMatches(ha1, got string) bool {
	var out hexDigest
	want := d.response(&out, ha1)
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
	return subtle.ConstantTimeCompare(lower[:len(got)], want) == 1
}
