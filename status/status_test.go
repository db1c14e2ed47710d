package status

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"switchboard/events"
)

func TestIdentifierStatus(t *testing.T) {
	r := &Registry{}
	g := r.MustRegister("probe", true)
	if _, err := r.Register("probe", false); err == nil {
		t.Error("a second group of one name was registered")
	}
	a := g.MustAdd("a", NotReady, "loading", 3)
	if _, err := g.Add("a", Ready, "", 0); err == nil {
		t.Error("a second identifier of one name was added")
	}
	b := g.MustAdd("b", Ready, "", 0)
	tests := []struct {
		name      string
		id        *Identifier
		status    int
		public    bool
		want      int
		aggregate int
		err       error
	}{
		{name: "starts not ready", id: a, status: NotReady, public: true, want: NotReady, aggregate: NotReady},
		{name: "ready", id: a, status: Ready, public: true, want: Ready, aggregate: Ready},
		{name: "zero is ready", id: a, status: 0, public: true, want: Ready, aggregate: Ready},
		{name: "reloading is ready", id: b, status: ReloadingData, public: true, want: ReloadingData, aggregate: Ready},
		{name: "no data", id: b, status: NoData, public: true, want: NoData, aggregate: NotReady},
		{name: "private change refused", id: b, status: Ready, public: false, want: NoData, aggregate: NotReady, err: ErrForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.id.Set(tc.status, tc.name, tc.public)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Set: %v, want %v", err, tc.err)
			}
			if got, _ := tc.id.Status(); got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
			if got := g.Aggregate(); got != tc.aggregate {
				t.Errorf("aggregate %d, want %d", got, tc.aggregate)
			}
		})
	}
	if g2, ok := r.Group("probe"); !ok || g2 != g {
		t.Error("Group does not find the group")
	}
	if _, ok := g.Identifier("c"); ok {
		t.Error("an unknown identifier was found")
	}
}

func TestReportsKeepTheNewest(t *testing.T) {
	id := (&Registry{}).MustRegister("g", false).MustAdd(MainIdentifier, Ready, "", 3)
	for i := range 5 {
		id.Report(fmt.Sprint("report ", i))
	}
	got := id.Reports()
	if len(got) != 3 || got[0].Log != "report 2" || got[2].Log != "report 4" {
		t.Errorf("reports %+v, want reports 2..4", got)
	}
	none := (&Registry{}).MustRegister("h", false).MustAdd("x", Ready, "", 0)
	none.Report("dropped")
	if len(none.Reports()) != 0 {
		t.Error("an identifier without a log kept a report")
	}
}

// chanBackend delivers raised events to a channel, in the raiser's
// goroutine.
type chanBackend struct{ ch chan *events.Raised }

func (b *chanBackend) Scheme() string                      { return "statustest" }
func (b *chanBackend) Parse(string) (events.Socket, error) { return chanSocket{b.ch}, nil }

type chanSocket struct{ ch chan *events.Raised }

func (s chanSocket) String() string                                 { return "chan" }
func (s chanSocket) Match(o events.Socket) bool                     { _, ok := o.(chanSocket); return ok }
func (s chanSocket) Close() error                                   { return nil }
func (s chanSocket) Sync() bool                                     { return true }
func (s chanSocket) Send(_ context.Context, r *events.Raised) error { s.ch <- r; return nil }

// A status change raises E_CORE_SR_STATUS_CHANGED with the group, the
// identifier, both statuses and the text; setting the same status again
// raises nothing.
func TestStatusChangedEvent(t *testing.T) {
	ch := make(chan *events.Raised, 4)
	if err := events.Default.RegisterBackend(&chanBackend{ch}); err != nil {
		t.Fatal(err)
	}
	changed() // published, as the core does at start
	if err := events.Default.Subscribe("E_CORE_SR_STATUS_CHANGED", "statustest:x", time.Minute); err != nil {
		t.Fatal(err)
	}
	id := Default.MustRegister("event_test", true).MustAdd("db", NotReady, "", 0)
	id.Set(Ready, "loaded", true)
	id.Set(Ready, "loaded again", true)
	select {
	case r := <-ch:
		got := fmt.Sprint(r.Params)
		for _, want := range []string{"event_test", "db", "loaded", "-1"} {
			if !strings.Contains(got, want) {
				t.Errorf("params %s lack %q", got, want)
			}
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no E_CORE_SR_STATUS_CHANGED")
	}
	select {
	case r := <-ch:
		t.Errorf("an unchanged status raised %v", r.Params)
	case <-time.After(100 * time.Millisecond):
	}
}
