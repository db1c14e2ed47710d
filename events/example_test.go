package events_test

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"switchboard/events"
)

// lineBackend is a backend for the "line:" scheme that collects each event
// as a JSON-RPC line: the shape event_flatstore or event_virtual take.
type lineBackend struct {
	mu    sync.Mutex
	lines []string
	done  chan struct{}
}

func (b *lineBackend) Scheme() string { return "line" }

// Parse validates the address without I/O.
func (b *lineBackend) Parse(addr string) (events.Socket, error) {
	if strings.ContainsAny(addr, " \t") {
		return nil, fmt.Errorf("no blanks in %q", addr)
	}
	return &lineSocket{b: b, name: addr}, nil
}

type lineSocket struct {
	b    *lineBackend
	name string
}

func (s *lineSocket) String() string { return s.name }

func (s *lineSocket) Match(other events.Socket) bool {
	o, ok := other.(*lineSocket)
	return ok && o.name == s.name
}

// Send runs on the subscriber's own goroutine: it may block, bounded by
// ctx and its own timeouts.
func (s *lineSocket) Send(ctx context.Context, ev *events.Raised) error {
	line := string(events.JSONRPC(ev.Event, nil, ev.Params, events.Param{}))
	s.b.mu.Lock()
	s.b.lines = append(s.b.lines, s.name+" "+line)
	s.b.mu.Unlock()
	s.b.done <- struct{}{}
	return nil
}

func (s *lineSocket) Close() error { return nil }

// A module registers its backend from its Init hook and unregisters it
// from Shutdown; subscribers then name its scheme.
func Example_backend() {
	reg := events.NewRegistry(nil)
	b := &lineBackend{done: make(chan struct{}, 1)}
	if err := reg.RegisterBackend(b); err != nil {
		panic(err)
	}
	defer reg.UnregisterBackend("line")

	ev := reg.MustPublish("E_EXAMPLE", "aor")
	if err := reg.Subscribe("E_EXAMPLE", "line:out", 0); err != nil {
		panic(err)
	}
	ev.Raise(events.Params{{Name: "aor", Value: "alice@example.com"}})
	<-b.done
	fmt.Println(b.lines[0])
	// Output: out {"jsonrpc":"2.0","method":"E_EXAMPLE","params":{"aor":"alice@example.com"}}
}
