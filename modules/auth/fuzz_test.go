package auth

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"strings"
	"testing"
	"time"
)

// FuzzNonce feeds the nonce decoder random text: it must never panic and
// never accept anything this keeper did not issue (STYLE item 6).
func FuzzNonce(f *testing.F) {
	k := newNonceKeeper("fuzz-secret", 30*time.Second, true, func() time.Time { return time.Unix(1_700_000_000, 0) })
	other := newNonceKeeper("fuzz-secret", 30*time.Second, true, k.now)
	f.Add(other.issue(other.reserve(), MD5, qopAuth))
	f.Add("dcd98b7102dd2f0e8b11d0f600bfb0c093")
	f.Add("")
	f.Add("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := k.check(text, 1); err == nil {
			t.Fatalf("forged nonce %q accepted", text)
		}
		other.check(text, 0)
	})
}

// FuzzDigest checks the allocation-free digest code against the RFC
// formulas written the plain way, for every algorithm and qop, with
// values of any length (long ones leave the stack buffers).
func FuzzDigest(f *testing.F) {
	f.Add("REGISTER", "sip:example.com", "nonce", "cnonce", "00000001", "auth", "", "ha1")
	f.Add("INVITE", strings.Repeat("u", 300), "n", "c", "00000002", "auth-int", "v=0\r\n", strings.Repeat("h", 64))
	f.Add("BYE", "sip:a", "n", "", "", "", "", "x")
	f.Fuzz(func(t *testing.T, method, uri, nonce, cnonce, nc, qop, body, ha1 string) {
		for alg := range algorithmCount {
			h := func(parts ...string) string {
				var hh hash.Hash
				switch alg.Base() {
				case SHA256:
					hh = sha256.New()
				case SHA512256:
					hh = sha512.New512_256()
				default:
					hh = md5.New()
				}
				hh.Write([]byte(strings.Join(parts, ":")))
				return hex.EncodeToString(hh.Sum(nil))
			}
			d := Digest{Algorithm: alg, Method: method, URI: uri, Nonce: nonce, CNonce: cnonce, NC: nc, QOP: qop, Body: body}
			ha2 := h(method, uri)
			if qop == "auth-int" {
				ha2 = h(method, uri, h(body))
			}
			want := h(ha1, nonce, ha2)
			if qop != "" {
				want = h(ha1, nonce, nc, cnonce, qop, ha2)
			}
			if got := d.HA2(); got != ha2 {
				t.Fatalf("%v HA2 = %s, want %s", alg, got, ha2)
			}
			if got := d.Response(ha1); got != want {
				t.Fatalf("%v response = %s, want %s", alg, got, want)
			}
			if !d.ResponseMatches(ha1, strings.ToUpper(want)) {
				t.Fatalf("%v: the upper-case response does not match", alg)
			}
		}
	})
}
