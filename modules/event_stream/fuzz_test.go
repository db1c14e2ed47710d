package event_stream

import "testing"

// FuzzParseAddress: no input panics, and an accepted address prints as
// one that parses to the same destination.
func FuzzParseAddress(f *testing.F) {
	for _, seed := range []string{"127.0.0.1:8080", "127.0.0.1:8080/m", "[::1]:1/x", "h:1/", "/m", ":1", "a:b:c/d"} {
		f.Add(seed)
	}
	b := NewBackend(DefaultConfig())
	f.Fuzz(func(t *testing.T, addr string) {
		sock, err := b.Parse(addr)
		if err != nil {
			return
		}
		again, err := b.Parse(sock.String())
		if err != nil || !sock.Match(again) {
			t.Fatalf("%q prints as %q: %v", addr, sock.String(), err)
		}
	})
}
