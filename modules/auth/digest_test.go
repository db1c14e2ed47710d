package auth

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func md5hex(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }
func sha256hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestResponseRFCExamples checks the worked examples of the RFCs.
func TestResponseRFCExamples(t *testing.T) {
	tests := []struct {
		name                  string
		alg                   Algorithm
		user, realm, password string
		d                     Digest
		want                  string
	}{
		{"RFC 2617 §3.5 Mufasa, MD5, qop=auth", MD5, "Mufasa", "testrealm@host.com", "Circle Of Life",
			Digest{Method: "GET", URI: "/dir/index.html", Nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
				NC: "00000001", CNonce: "0a4f113b", QOP: "auth"},
			"6629fae49393a05397450978507c4ef1"},
		{"RFC 7616 §3.9.1 MD5", MD5, "Mufasa", "http-auth@example.org", "Circle of Life",
			Digest{Method: "GET", URI: "/dir/index.html", Nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
				NC: "00000001", CNonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", QOP: "auth"},
			"8ca523f5e9506fed4657c9700eebdbec"},
		{"RFC 7616 §3.9.1 SHA-256", SHA256, "Mufasa", "http-auth@example.org", "Circle of Life",
			Digest{Method: "GET", URI: "/dir/index.html", Nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
				NC: "00000001", CNonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", QOP: "auth"},
			"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.d.Algorithm = tc.alg
			ha1 := HA1(tc.alg, tc.user, tc.realm, tc.password)
			if got := tc.d.Response(ha1); got != tc.want {
				t.Errorf("response %s, want %s", got, tc.want)
			}
			if !tc.d.ResponseMatches(ha1, strings.ToUpper(tc.want)) {
				t.Error("upper-case hex refused")
			}
		})
	}
}

// TestResponseFormulas checks auth-int, -sess and no-qop against the
// formulas of RFC 2617 §3.2.2 and RFC 7616 §3.4 spelled out by hand.
func TestResponseFormulas(t *testing.T) {
	const user, realm, pass, nonce, cnonce, nc = "alice", "example.com", "pw", "n0nce", "c0nce", "00000002"
	ha1 := md5hex(user + ":" + realm + ":" + pass)
	body := "v=0\r\n"
	tests := []struct {
		name string
		d    Digest
		want string
	}{
		{"RFC 2617 §3.2.2.3 auth-int hashes the body", Digest{Algorithm: MD5, Method: "INVITE", URI: "sip:bob@b", Nonce: nonce, CNonce: cnonce, NC: nc, QOP: "auth-int", Body: body},
			md5hex(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth-int:" + md5hex("INVITE:sip:bob@b:"+md5hex(body)))},
		{"RFC 2617 §3.2.2.2 MD5-sess", Digest{Algorithm: MD5Sess, Method: "REGISTER", URI: "sip:b", Nonce: nonce, CNonce: cnonce, NC: nc, QOP: "auth"},
			md5hex(md5hex(ha1+":"+nonce+":"+cnonce) + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + md5hex("REGISTER:sip:b"))},
		{"RFC 7616 §3.4.2 SHA-256-sess", Digest{Algorithm: SHA256Sess, Method: "REGISTER", URI: "sip:b", Nonce: nonce, CNonce: cnonce, NC: nc, QOP: "auth"},
			sha256hex(sha256hex(sha256hex(user+":"+realm+":"+pass)+":"+nonce+":"+cnonce) + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + sha256hex("REGISTER:sip:b"))},
		{"RFC 2617 §3.2.2.1 no qop (RFC 2069 form)", Digest{Algorithm: MD5, Method: "REGISTER", URI: "sip:b", Nonce: nonce},
			md5hex(ha1 + ":" + nonce + ":" + md5hex("REGISTER:sip:b"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.d.Response(sessionHA1(tc.d.Algorithm, HA1(tc.d.Algorithm, user, realm, pass), nonce, cnonce))
			if got != tc.want {
				t.Errorf("response %s, want %s", got, tc.want)
			}
		})
	}
}

// TestSHA512256Length: RFC 8760 §2.2 SHA-512-256 gives 64 hex digits,
// and differs from SHA-256.
func TestSHA512256Length(t *testing.T) {
	a, b := HA1(SHA512256, "u", "r", "p"), HA1(SHA256, "u", "r", "p")
	if len(a) != 64 || a == b {
		t.Errorf("SHA-512-256 HA1 %q", a)
	}
}

// TestResponseMatchesConstantTime: the comparison refuses wrong lengths
// and any single changed digit, going through crypto/subtle (RFC 7616
// §5.x: no timing oracle on the response).
func TestResponseMatchesConstantTime(t *testing.T) {
	d := Digest{Algorithm: MD5, Method: "REGISTER", URI: "sip:b", Nonce: "n", CNonce: "c", NC: "00000001", QOP: "auth"}
	ha1 := HA1(MD5, "u", "r", "p")
	good := d.Response(ha1)
	tests := []struct {
		name, got string
		want      bool
	}{
		{"exact", good, true},
		{"empty", "", false},
		{"short", good[:31], false},
		{"long", good + "0", false},
		{"last digit changed", good[:31] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", good[31])+1)%16]), false},
		{"first digit changed", string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", good[0])+1)%16]) + good[1:], false},
		{"way too long", strings.Repeat("a", 200), false},
	}
	for _, tc := range tests {
		if got := d.ResponseMatches(ha1, tc.got); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestParseAlgorithm(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Algorithm
		ok   bool
	}{
		{"", MD5, true}, {"md5", MD5, true}, {"MD5-Sess", MD5Sess, true}, {"sha-256", SHA256, true},
		{"SHA-512-256-sess", SHA512256Sess, true}, {"SHA1", 0, false}, {"SHA256", 0, false},
	} {
		got, ok := ParseAlgorithm(tc.in)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("ParseAlgorithm(%q) = %v, %v", tc.in, got, ok)
		}
	}
}
