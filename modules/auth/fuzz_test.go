package auth

import (
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
