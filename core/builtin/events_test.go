package builtin

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/engine"
	"switchboard/events"
)

func (r avpRef) All(ctx *engine.Context) []engine.Value { return ctx.AVPs.All(string(r)) }

// sink is a sync backend recording "E_X a=1 b=x".
type sink struct {
	mu  sync.Mutex
	got []string
}

func (s *sink) Scheme() string                           { return "builtintest" }
func (s *sink) Parse(addr string) (events.Socket, error) { return &sinkSocket{s, addr}, nil }

type sinkSocket struct {
	s    *sink
	addr string
}

func (k *sinkSocket) String() string             { return k.addr }
func (k *sinkSocket) Match(o events.Socket) bool { return o.String() == k.addr }
func (k *sinkSocket) Close() error               { return nil }
func (k *sinkSocket) Sync() bool                 { return true }
func (k *sinkSocket) Send(_ context.Context, ev *events.Raised) error {
	line := ev.Event
	for _, p := range ev.Params {
		line += fmt.Sprintf(" %s=%v", p.Name, p.Value)
	}
	k.s.mu.Lock()
	k.s.got = append(k.s.got, line)
	k.s.mu.Unlock()
	return nil
}

func (s *sink) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := strings.Join(s.got, "\n")
	s.got = nil
	return out
}

func TestRaiseEvent(t *testing.T) {
	rec := &sink{}
	if err := events.Default.RegisterBackend(rec); err != nil {
		t.Fatal(err)
	}
	defer events.Default.UnregisterBackend("builtintest")
	ctx := newCtx(t)
	var logs bytes.Buffer
	ctx.Log = slog.New(slog.NewTextHandler(&logs, nil))

	// Nobody listens: success, nothing built.
	if code := call(t, ctx, "raise_event", S("E_BUILTIN_TEST")); code != 1 {
		t.Fatalf("code %d", code)
	}
	if code := call(t, ctx, "subscribe_event", S("E_BUILTIN_TEST"), S("builtintest:a")); code != 1 {
		t.Fatalf("subscribe_event: %d\n%s", code, logs.String())
	}
	ctx.AVPs.Add("attr", engine.Str("a"))
	ctx.AVPs.Add("attr", engine.Str("b"))
	ctx.AVPs.Add("val", engine.Int(1))
	ctx.AVPs.Add("val", engine.Str("x"))
	ctx.AVPs.Add("bad", engine.Int(5))
	tests := []struct {
		name  string
		args  []engine.Arg
		code  int
		event string
		log   string
	}{
		{name: "no parameters", args: []engine.Arg{S("E_BUILTIN_TEST")}, code: 1, event: "E_BUILTIN_TEST"},
		{name: "named, newest first", args: []engine.Arg{S("E_BUILTIN_TEST"), V(avpRef("attr")), V(avpRef("val"))}, code: 1,
			event: "E_BUILTIN_TEST b=x a=1"},
		{name: "values only", args: []engine.Arg{S("E_BUILTIN_TEST"), {}, V(avpRef("val"))}, code: 1,
			event: "E_BUILTIN_TEST =x =1"},
		{name: "one AVP: no parameters, as OpenSIPS 3.6 does", args: []engine.Arg{S("E_BUILTIN_TEST"), V(avpRef("attr"))}, code: 1,
			event: "E_BUILTIN_TEST"},
		{name: "fewer names than values", args: []engine.Arg{S("E_BUILTIN_TEST"), V(avpRef("bad")), V(avpRef("val"))}, code: -1,
			log: "missing attribute names"},
		{name: "a name that is no string", args: []engine.Arg{S("E_BUILTIN_TEST"), V(avpRef("val")), V(avpRef("attr"))}, code: -1,
			log: "invalid attribute name"},
		{name: "values not an AVP", args: []engine.Arg{S("E_BUILTIN_TEST"), {}, V(varRef("x"))}, code: -1,
			log: "the values must be an AVP"},
		// Fixed set: the helper runs no fixup, as for a variable.
		{name: "bad event name from a variable", args: []engine.Arg{{Str: "E X", Set: true, Fixed: "variable"}}, code: -1, log: "bad event name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logs.Reset()
			if code := call(t, ctx, "raise_event", tc.args...); code != tc.code {
				t.Fatalf("code %d, want %d\n%s", code, tc.code, logs.String())
			}
			if got := rec.take(); got != tc.event {
				t.Fatalf("raised %q, want %q", got, tc.event)
			}
			if !strings.Contains(logs.String(), tc.log) {
				t.Fatalf("log %q, want %q", logs.String(), tc.log)
			}
		})
	}

	// An event_route raising events in a loop stops at events.MaxDepth.
	ctx.EventDepth = events.MaxDepth + 1
	call(t, ctx, "raise_event", S("E_BUILTIN_TEST"))
	if got := rec.take(); got != "" {
		t.Fatalf("raised past MaxDepth: %q", got)
	}
	ctx.EventDepth = 0

	for _, tc := range []struct {
		name string
		args []engine.Arg
		log  string
	}{
		{"negative expire", []engine.Arg{S("E_BUILTIN_TEST"), S("builtintest:b"), I(-1)}, "negative expire"},
		{"unknown scheme", []engine.Arg{S("E_BUILTIN_TEST"), S("nope:b")}, "no event backend"},
		// Fixed set: a socket from a variable, checked when it runs.
		{"no scheme", []engine.Arg{S("E_BUILTIN_TEST"), {Str: "b", Set: true, Fixed: "variable"}}, "want scheme:address"},
	} {
		logs.Reset()
		if code := call(t, ctx, "subscribe_event", tc.args...); code != -1 || !strings.Contains(logs.String(), tc.log) {
			t.Errorf("subscribe_event %s: code %d, log %q", tc.name, code, logs.String())
		}
	}
	if code := call(t, ctx, "subscribe_event", S("E_BUILTIN_TEST"), S("builtintest:c"), I(60)); code != 1 {
		t.Fatal(code)
	}
	ev := events.Default.Lookup("E_BUILTIN_TEST")
	subs := ev.Subscribers()
	if len(subs) != 2 || subs[0].Expire != 0 || subs[1].Expire != time.Minute {
		t.Fatalf("subscribers %+v", subs)
	}
}
