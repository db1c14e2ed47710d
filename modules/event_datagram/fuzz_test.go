package event_datagram

import (
	"strings"
	"testing"
)

// FuzzParseUDP: no input panics, and an accepted address prints as
// something that parses to the same destination.
func FuzzParseUDP(f *testing.F) {
	for _, seed := range []string{"127.0.0.1:8888", "[::1]:9", "localhost:1", ":1", "a:", "[::1", "x:65536", "h:+1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		sock, err := UDP.Parse(addr)
		if err != nil {
			return
		}
		again, err := UDP.Parse(sock.String())
		if err != nil {
			t.Fatalf("%q prints as %q, which does not parse: %v", addr, sock.String(), err)
		}
		if !sock.Match(again) || !strings.HasPrefix(addr, sock.String()[:strings.LastIndexByte(sock.String(), ':')]) {
			t.Fatalf("%q prints as %q, another destination", addr, sock.String())
		}
	})
}
