package usrloc

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/events"
)

// recorder is a sync Event Interface backend that keeps what it gets, in
// raise order: "E_UL_AOR_INSERT alice".
type recorder struct {
	mu  sync.Mutex
	got []string
}

func (r *recorder) Scheme() string { return "ultest" }
func (r *recorder) Parse(addr string) (events.Socket, error) {
	return &recSocket{r: r, addr: addr}, nil
}

type recSocket struct {
	r    *recorder
	addr string
}

func (s *recSocket) String() string             { return s.addr }
func (s *recSocket) Match(o events.Socket) bool { return o.String() == s.addr }
func (s *recSocket) Close() error               { return nil }
func (s *recSocket) Sync() bool                 { return true }
func (s *recSocket) Send(_ context.Context, ev *events.Raised) error {
	aor, _ := ev.Params.Get("aor")
	line := fmt.Sprintf("%s %v", ev.Event, aor)
	if uri, ok := ev.Params.Get("uri"); ok {
		line += fmt.Sprintf(" %v cseq=%v", uri, ev.Params[11].Value)
	}
	s.r.mu.Lock()
	s.r.got = append(s.r.got, line)
	s.r.mu.Unlock()
	return nil
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

// TestEvents: each change of the location table raises OpenSIPS's
// events, AOR first and last, contacts in between.
func TestEvents(t *testing.T) {
	rec := &recorder{}
	if err := events.Default.RegisterBackend(rec); err != nil {
		t.Fatal(err)
	}
	defer events.Default.UnregisterBackend("ultest")
	clock := &fakeClock{now: t0}
	u, d := open(t, NoDB, "", clock)
	for _, spec := range eventSpecs {
		if err := events.Default.Subscribe(spec.Name, "ultest:"+spec.Name, 0); err != nil {
			t.Fatal(err)
		}
	}
	refreshed := binding("sip:alice@192.0.2.1", t0.Add(2*time.Hour))
	refreshed.CSeq = 8
	steps := []struct {
		name   string
		change func() error
		want   []string
	}{
		{"first registration", func() error { return d.Insert("alice", binding("sip:alice@192.0.2.1", t0.Add(time.Hour))) },
			[]string{"E_UL_AOR_INSERT alice", "E_UL_CONTACT_INSERT alice sip:alice@192.0.2.1 cseq=7"}},
		{"refresh", func() error { return d.Insert("alice", refreshed) },
			[]string{"E_UL_CONTACT_UPDATE alice sip:alice@192.0.2.1 cseq=8"}},
		{"same binding again", func() error { return d.Insert("alice", refreshed) }, nil},
		{"second contact", func() error { return d.Insert("alice", binding("sip:alice@192.0.2.2", t0.Add(time.Minute))) },
			[]string{"E_UL_CONTACT_INSERT alice sip:alice@192.0.2.2 cseq=7"}},
		{"expiry of one contact", func() error { clock.Set(t0.Add(2 * time.Minute)); return u.Tick(clock.Now()) },
			[]string{"E_UL_CONTACT_DELETE alice sip:alice@192.0.2.2 cseq=7"}},
		{"removal of the AOR", func() error { return d.Delete("alice") },
			[]string{"E_UL_CONTACT_DELETE alice sip:alice@192.0.2.1 cseq=8", "E_UL_AOR_DELETE alice"}},
		{"removal of an unknown AOR", func() error { return d.Delete("nobody") }, nil},
	}
	for _, s := range steps {
		if err := s.change(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := rec.take(); strings.Join(got, "\n") != strings.Join(s.want, "\n") {
			t.Fatalf("%s: events\n%s\nwant\n%s", s.name, strings.Join(got, "\n"), strings.Join(s.want, "\n"))
		}
	}
}

// TestEventsCostNothingUnsubscribed: without subscribers no parameters
// are built.
func TestEventsCostNothingUnsubscribed(t *testing.T) {
	clock := &fakeClock{now: t0}
	_, d := open(t, NoDB, "", clock)
	if list := d.changeEvents("alice", nil, []Contact{binding("sip:a@192.0.2.9", t0.Add(time.Hour))}); list != nil {
		t.Fatalf("events built without subscribers: %v", list)
	}
	allocs := testing.AllocsPerRun(100, func() {
		d.changeEvents("alice", nil, []Contact{{ID: 1}})
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per change without subscribers", allocs)
	}
}
