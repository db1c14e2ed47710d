package events

import (
	"context"
	"testing"
)

// discard is a backend whose sockets drop what they get.
type discard struct{ sync bool }

func (d discard) Scheme() string               { return "discard" }
func (d discard) Parse(string) (Socket, error) { return discardSocket(d), nil }

type discardSocket discard

func (discardSocket) String() string                      { return "x" }
func (discardSocket) Match(Socket) bool                   { return true }
func (discardSocket) Close() error                        { return nil }
func (discardSocket) Send(context.Context, *Raised) error { return nil }
func (s discardSocket) Sync() bool                        { return s.sync }

// BenchmarkRaise: what a raiser pays, per event, with nobody listening
// (the common case: one atomic load), with one asynchronous subscriber
// (queue hand-off) and with one synchronous one.
func BenchmarkRaise(b *testing.B) {
	params := Params{{Name: "aor", Value: "alice@example.com"}}
	for _, bc := range []struct {
		name string
		subs int
		sync bool
	}{{"no subscribers", 0, false}, {"one async subscriber", 1, false}, {"one sync subscriber", 1, true}} {
		b.Run(bc.name, func(b *testing.B) {
			r := NewRegistry(nil)
			r.SetQueueLen(1 << 16)
			if err := r.RegisterBackend(discard{sync: bc.sync}); err != nil {
				b.Fatal(err)
			}
			ev := r.MustPublish("E_BENCH", "aor")
			if bc.subs > 0 {
				if err := r.Subscribe("E_BENCH", "discard:x", 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ev.Raise(params)
			}
			b.StopTimer()
			r.Close()
		})
	}
}
