package events

import "testing"

// FuzzParseSocket feeds socket strings to the registry's parser with a
// backend that accepts any address: no input may panic, and an accepted
// socket splits into a scheme and an address that rebuild the input.
func FuzzParseSocket(f *testing.F) {
	for _, seed := range []string{"udp:127.0.0.1:8888", "unix:/tmp/x", "fake:addr", "", ":", "fake:", "tcp:[::1]:80/m"} {
		f.Add(seed)
	}
	r := NewRegistry(nil)
	if err := r.RegisterBackend(newFake("fake")); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		scheme, addr, err := SplitSocket(s)
		if err != nil {
			return
		}
		if scheme+":"+addr != s {
			t.Fatalf("split %q into %q %q", s, scheme, addr)
		}
		_, sock, err := r.ParseSocket(s)
		if err != nil {
			return
		}
		if scheme != "fake" || sock.String() != addr {
			t.Fatalf("parsed %q as %q:%q", s, scheme, sock.String())
		}
	})
}
