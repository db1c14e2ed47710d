package core

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/core/builtin"
	"switchboard/events"
)

func TestSHMShouldRaise(t *testing.T) {
	tests := []struct {
		name                  string
		perc, last, threshold int64
		want                  bool
	}{
		{"under, never reported", 10, 0, 80, false},
		{"reaches the threshold", 80, 0, 80, true},
		{"same percentage again", 85, 85, 80, false},
		{"grows further", 86, 85, 80, true},
		{"shrinks but still over", 82, 86, 80, true},
		{"falls back under", 50, 86, 80, true},
		{"stays under after reporting the fall", 40, 50, 80, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := shmShouldRaise(tc.perc, tc.last, tc.threshold); got != tc.want {
				t.Fatalf("shmShouldRaise(%d, %d, %d) = %v", tc.perc, tc.last, tc.threshold, got)
			}
		})
	}
}

func TestMemoryLimit(t *testing.T) {
	limit, source := memoryLimit()
	if limit <= 0 || source == "" {
		t.Fatalf("limit %d from %q", limit, source)
	}
	if used := memoryInUse(); used <= 0 || used > limit*100 {
		t.Fatalf("in use %d of %d", used, limit)
	}
}

// recorder is a sync backend keeping the events it gets.
type recorder struct {
	mu  sync.Mutex
	got []*events.Raised
}

func (r *recorder) Scheme() string                           { return "coretest" }
func (r *recorder) Parse(addr string) (events.Socket, error) { return &recSocket{r, addr}, nil }
func (r *recorder) events() []*events.Raised {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*events.Raised(nil), r.got...)
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
	s.r.mu.Lock()
	s.r.got = append(s.r.got, ev)
	s.r.mu.Unlock()
	return nil
}

func subscribeRecorder(t *testing.T, event string) *recorder {
	t.Helper()
	r := &recorder{}
	if err := events.Default.RegisterBackend(r); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { events.Default.UnregisterBackend("coretest") })
	if err := events.Default.Subscribe(event, "coretest:x", 0); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestWatchMemory: with a limit this process is over, the watch raises
// E_CORE_SHM_THRESHOLD once with OpenSIPS's parameters.
func TestWatchMemory(t *testing.T) {
	rec := subscribeRecorder(t, "E_CORE_SHM_THRESHOLD")
	s := &Server{cfg: Config{EventSHMThreshold: 1}, stopMemWatch: make(chan struct{})}
	s.timers.Add(1)
	go s.watchMemory(1<<10, 5*time.Millisecond) // 1 KiB: always over
	deadline := time.Now().Add(5 * time.Second)
	for len(rec.events()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	close(s.stopMemWatch)
	s.timers.Wait()
	got := rec.events()
	if len(got) == 0 {
		t.Fatal("no E_CORE_SHM_THRESHOLD")
	}
	p := got[0].Params
	if len(p) != 4 || p[0].Name != "usage" || p[0].Value.(int) < 100 || p[1].Value != 1 || p[3].Value != 1<<10 {
		t.Fatalf("params %+v", p)
	}
}

// TestLogEvents: log_event_level_filter keeps the levels at or above it,
// the message and level travel as OpenSIPS names them, and the events
// package's own lines are never raised (a failing subscriber would feed
// itself).
func TestLogEvents(t *testing.T) {
	rec := subscribeRecorder(t, "E_CORE_LOG")
	h := slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug})
	logs := (&Loggers{Core: slog.New(h), Script: slog.New(h),
		consumers: []*logConsumer{newLogConsumer("event", nil, false, 1)}}).withLogEvents() // up to L_WARN
	logs.Core.Error("disk full")
	logs.Core.With("module", "tm").Warn("slow branch")
	logs.Core.Info("too chatty")
	logs.Script.Error("from xlog")
	logs.Core.With("module", "events").Error("delivery failed")
	got := rec.events()
	want := []struct{ level, module, msg string }{
		{"ERROR", "core", "disk full"}, {"WARNING", "tm", "slow branch"}, {"ERROR", "", "from xlog"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i, w := range want {
		p := got[i].Params
		level, _ := p.Get("level")
		module, _ := p.Get("module")
		msg, _ := p.Get("message")
		_, hasModule := p.Get("module")
		if level != w.level || msg != w.msg || (w.module == "" && hasModule) || (w.module != "" && module != w.module) {
			t.Errorf("event %d: %+v, want %+v", i, p, w)
		}
	}
}

func TestOpenSIPSLevels(t *testing.T) {
	// xlog's levels (builtin.SlogLevel) come back whole.
	for level, text := range map[int]string{-3: "ALERT", -2: "CRITICAL", -1: "ERROR", 1: "WARNING", 2: "NOTICE", 3: "INFO", 4: "DBG"} {
		if got := levelText(openSIPSLevel(builtin.SlogLevel(level))); got != text {
			t.Errorf("level %d: %s, want %s", level, got, text)
		}
	}
}

func TestRaiseParams(t *testing.T) {
	tests := []struct {
		name string
		raw  any
		want string
		err  bool
	}{
		{name: "object text keeps key order", raw: `{"z":1,"a":"x","o":{"k":[1]},"f":1.5}`, want: `z=1 a=x o={"k":[1]} f=1`},
		{name: "array", raw: []any{"a", "b"}, want: `=a =b`},
		{name: "object", raw: map[string]any{"b": "2", "a": "1"}, want: `a=1 b=2`},
		{name: "not JSON", raw: `{x`, err: true},
		{name: "JSON array text", raw: `[1]`, err: true},
		{name: "trailing data", raw: `{"a":1} {}`, err: true},
		{name: "array of objects", raw: []any{map[string]any{}}, err: true},
		{name: "boolean", raw: true, err: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			params, err := raiseParams(tc.raw)
			if tc.err {
				if err == nil {
					t.Fatalf("no error, params %+v", params)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, p := range params {
				parts = append(parts, p.Name+"="+toText(p.Value))
			}
			if got := strings.Join(parts, " "); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func toText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	}
	return "?"
}

// TestThresholds: E_CORE_THRESHOLD carries the source, the time in
// microseconds and the extra OpenSIPS gives for messages and DNS queries;
// a message under exec_msg_threshold raises nothing.
func TestThresholds(t *testing.T) {
	rec := subscribeRecorder(t, "E_CORE_THRESHOLD")
	h := slog.NewTextHandler(io.Discard, nil)
	s := &Server{cfg: Config{ExecMsgThreshold: 1_000_000}, log: &Loggers{Core: slog.New(h), Script: slog.New(h)}}
	msg := []byte("OPTIONS sip:a@b SIP/2.0\r\n\r\n")
	s.msgThreshold(time.Now(), msg) // well under a second
	s.cfg.ExecMsgThreshold = 1000
	s.msgThreshold(time.Now().Add(-5*time.Millisecond), msg)
	s.dnsThreshold("slow.example.test", 2500*time.Microsecond)
	got := rec.events()
	if len(got) != 2 {
		t.Fatalf("%d events, want 2", len(got))
	}
	for i, want := range []struct {
		source, extra string
		minUS         int
	}{{"msg processing", string(msg), 5000}, {"dns", "slow.example.test", 2500}} {
		p := got[i].Params
		source, _ := p.Get("source")
		us, _ := p.Get("time")
		extra, _ := p.Get("extra")
		if source != want.source || extra != want.extra || us.(int) < want.minUS {
			t.Errorf("event %d: %+v", i, p)
		}
	}
}
