package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeBackend records what its sockets receive. Addresses starting with
// "bad" do not parse; "slow" sockets block in Send until their ctx ends;
// "fail" sockets return an error; "sync" sockets are SyncSocket.
type fakeBackend struct {
	scheme string
	mu     sync.Mutex
	got    map[string][]*Raised
	closed map[string]int
	sent   chan string
}

func newFake(scheme string) *fakeBackend {
	return &fakeBackend{scheme: scheme, got: map[string][]*Raised{}, closed: map[string]int{}, sent: make(chan string, 100)}
}

func (b *fakeBackend) Scheme() string { return b.scheme }

func (b *fakeBackend) Parse(addr string) (Socket, error) {
	if strings.HasPrefix(addr, "bad") {
		return nil, errors.New("bad address")
	}
	s := &fakeSocket{b: b, addr: addr}
	if strings.HasPrefix(addr, "sync") {
		return &syncSocket{s}, nil
	}
	return s, nil
}

type fakeSocket struct {
	b    *fakeBackend
	addr string
}

func (s *fakeSocket) String() string          { return s.addr }
func (s *fakeSocket) Match(other Socket) bool { return other.String() == s.addr }
func (s *fakeSocket) Send(ctx context.Context, ev *Raised) error {
	switch {
	case strings.HasPrefix(s.addr, "slow"):
		<-ctx.Done()
		return ctx.Err()
	case strings.Contains(s.addr, "fail"):
		return errors.New("receiver gone")
	}
	s.b.mu.Lock()
	s.b.got[s.addr] = append(s.b.got[s.addr], ev)
	s.b.mu.Unlock()
	s.b.sent <- s.addr
	return nil
}
func (s *fakeSocket) Close() error {
	s.b.mu.Lock()
	s.b.closed[s.addr]++
	s.b.mu.Unlock()
	return nil
}

type syncSocket struct{ *fakeSocket }

func (syncSocket) Sync() bool { return true }

func (b *fakeBackend) received(addr string) []*Raised {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*Raised(nil), b.got[addr]...)
}

func (b *fakeBackend) wait(t *testing.T, addr string) {
	t.Helper()
	select {
	case got := <-b.sent:
		if got != addr {
			t.Fatalf("delivered to %q, want %q", got, addr)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("nothing delivered to %q", addr)
	}
}

// waitClosed waits until addr's sockets were closed n times: a removed
// subscriber's goroutine closes its socket once its Send returns.
func (b *fakeBackend) waitClosed(t *testing.T, addr string, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		b.mu.Lock()
		got := b.closed[addr]
		b.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s closed %d times, want %d", addr, got, n)
		}
	}
}

func newTestRegistry(t *testing.T, log io.Writer) (*Registry, *fakeBackend) {
	t.Helper()
	if log == nil {
		log = io.Discard
	}
	r := NewRegistry(slog.New(slog.NewTextHandler(log, nil)))
	b := newFake("fake")
	if err := r.RegisterBackend(b); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r, b
}

func TestSplitSocket(t *testing.T) {
	tests := []struct {
		name, in, scheme, addr, err string
	}{
		{name: "udp", in: "udp:127.0.0.1:8888", scheme: "udp", addr: "127.0.0.1:8888"},
		{name: "unix", in: "unix:/tmp/ev.sock", scheme: "unix", addr: "/tmp/ev.sock"},
		{name: "empty", in: "", err: "empty socket"},
		{name: "no colon", in: "udp", err: "want scheme:address"},
		{name: "no scheme", in: ":127.0.0.1:1", err: "want scheme:address"},
		{name: "no address", in: "udp:", err: "no address"},
		{name: "address without scheme", in: "127.0.0.1:8888", err: "is no scheme"},
		{name: "upper-case scheme", in: "UDP:127.0.0.1:8888", err: "is no scheme"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			scheme, addr, err := SplitSocket(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || scheme != tc.scheme || addr != tc.addr {
				t.Fatalf("got %q %q %v", scheme, addr, err)
			}
		})
	}
}

func TestPublish(t *testing.T) {
	r := NewRegistry(nil)
	a := r.MustPublish("E_A", "x", "y")
	if again := r.MustPublish("E_A"); again != a {
		t.Fatal("publishing a name twice made two events")
	}
	b := r.MustPublish("E_B")
	if a.ID() != 0 || b.ID() != 1 || r.Lookup("E_B") != b || r.Lookup("E_C") != nil {
		t.Fatalf("ids %d %d, lookup wrong", a.ID(), b.ID())
	}
	if got := a.ParamNames(); len(got) != 2 || got[0] != "x" {
		t.Fatalf("params %v", got)
	}
	for _, bad := range []string{"", "E X", "E:X", strings.Repeat("E", MaxNameLen+1), "E\x00"} {
		if _, err := r.Publish(bad); !errors.Is(err, ErrBadEventName) {
			t.Errorf("Publish(%q) = %v, want ErrBadEventName", bad, err)
		}
	}
	if r.RegisterBackend(newFake("fake")) != nil || !errors.Is(r.RegisterBackend(newFake("fake")), ErrBackendTwice) {
		t.Fatal("a scheme registered twice is not refused")
	}
}

func TestSubscribeErrors(t *testing.T) {
	r, _ := newTestRegistry(t, nil)
	r.MustPublish("E_A")
	tests := []struct {
		name, event, socket string
		expire              time.Duration
		want                error
		text                string
	}{
		{name: "unknown event", event: "E_NONE", socket: "fake:x", want: ErrUnknownEvent},
		{name: "unknown scheme", event: "E_A", socket: "tcp:127.0.0.1:1", want: ErrUnknownScheme},
		{name: "no scheme", event: "E_A", socket: "garbage", text: "want scheme:address"},
		{name: "backend refuses", event: "E_A", socket: "fake:bad", text: "bad address"},
		{name: "negative expire", event: "E_A", socket: "fake:x", expire: -time.Second, want: ErrNegativeExpiry},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := r.Subscribe(tc.event, tc.socket, tc.expire)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if tc.text != "" && !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("error %v, want %q", err, tc.text)
			}
		})
	}
	if subs := r.Lookup("E_A").Subscribers(); len(subs) != 0 {
		t.Fatalf("failed subscriptions left subscribers: %v", subs)
	}
}

func TestSubscribeExpiry(t *testing.T) {
	r, b := newTestRegistry(t, nil)
	ev := r.MustPublish("E_A")

	// A new socket, then the same one again: one subscriber, refreshed.
	if err := r.Subscribe("E_A", "fake:one", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := r.Subscribe("E_A", "fake:one", 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := r.Subscribe("E_A", "fake:never", 0); err != nil {
		t.Fatal(err)
	}
	subs := ev.Subscribers()
	if len(subs) != 2 {
		t.Fatalf("subscribers %+v, want 2", subs)
	}
	if subs[0].Socket != "fake:one" || subs[0].Expire != 2*time.Hour || subs[0].TTL <= time.Hour {
		t.Fatalf("refreshed subscriber %+v", subs[0])
	}
	if subs[1].Socket != "fake:never" || subs[1].Expire != 0 {
		t.Fatalf("never-expiring subscriber %+v", subs[1])
	}
	b.mu.Lock()
	if b.closed["one"] != 1 {
		t.Fatalf("the duplicate socket was not closed: %v", b.closed)
	}
	b.mu.Unlock()
	if in, err := r.Subscriber("E_A", "fake:one"); err != nil || in.Socket != "fake:one" {
		t.Fatalf("Subscriber = %+v, %v", in, err)
	}
	if _, err := r.Subscriber("E_A", "fake:other"); !errors.Is(err, ErrNoSubscriber) {
		t.Fatalf("Subscriber of an unknown socket: %v", err)
	}

	// Unsubscribe removes it and closes its socket.
	if ok, err := r.Unsubscribe("E_A", "fake:one"); !ok || err != nil {
		t.Fatalf("Unsubscribe = %v, %v", ok, err)
	}
	if ok, _ := r.Unsubscribe("E_A", "fake:one"); ok {
		t.Fatal("unsubscribed twice")
	}

	// A short subscription expires: Raise skips it and removes it.
	if err := r.Subscribe("E_A", "fake:short", 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	if n := ev.Raise(nil); n != 1 {
		t.Fatalf("Raise went to %d subscribers, want 1 (the never-expiring one)", n)
	}
	b.wait(t, "never")
	if subs := ev.Subscribers(); len(subs) != 1 || subs[0].Socket != "fake:never" {
		t.Fatalf("after expiry: %+v", subs)
	}
	if got := b.received("short"); len(got) != 0 {
		t.Fatalf("an expired subscriber got %d events", len(got))
	}

	// Unregistering the backend drops its subscribers.
	r.UnregisterBackend("fake")
	if ev.Active() {
		t.Fatal("subscribers survive their backend")
	}
	// "one": the refreshing duplicate, the probes of Subscriber and of two
	// Unsubscribes, and the subscriber itself.
	b.waitClosed(t, "one", 5)
	b.waitClosed(t, "never", 1)
	b.waitClosed(t, "short", 1)
}

func TestRaise(t *testing.T) {
	var log bytes.Buffer
	var logMu sync.Mutex
	r, b := newTestRegistry(t, lockedWriter{&logMu, &log})
	ev := r.MustPublish("E_A", "aor")

	if n := ev.Raise(Params{{Name: "aor", Value: "alice"}}); n != 0 || ev.Active() {
		t.Fatalf("no subscribers: Raise went to %d", n)
	}
	var unpublished *Event
	if unpublished.Raise(nil) != 0 || unpublished.Active() || unpublished.Subscribers() != nil {
		t.Fatal("a nil event raised something")
	}

	for _, s := range []string{"fake:fail", "fake:ok", "fake:sync"} {
		if err := r.Subscribe("E_A", s, 0); err != nil {
			t.Fatal(err)
		}
	}
	params := Params{{Name: "aor", Value: "alice"}, {Name: "n", Value: 3}}
	if n := ev.Raise(params); n != 3 {
		t.Fatalf("Raise went to %d subscribers, want 3", n)
	}
	// The sync socket got it before Raise returned.
	if got := b.received("sync"); len(got) != 1 {
		t.Fatalf("sync socket got %d events before Raise returned", len(got))
	}
	// Two deliveries, the async one possibly first.
	for seen := map[string]bool{}; !seen["ok"] || !seen["sync"]; {
		select {
		case addr := <-b.sent:
			seen[addr] = true
		case <-time.After(5 * time.Second):
			t.Fatalf("deliveries: %v", seen)
		}
	}
	got := b.received("ok")[0]
	if got.Event != "E_A" || len(got.Params) != 2 || got.Params[1].Value != 3 {
		t.Fatalf("delivered %+v", got)
	}
	if v, ok := got.Params.Get("aor"); !ok || v != "alice" {
		t.Fatalf("Get(aor) = %v %v", v, ok)
	}
	// The failure is logged, and the failing subscriber stays.
	deadline := time.Now().Add(5 * time.Second)
	for {
		logMu.Lock()
		logged := strings.Contains(log.String(), "event delivery failed")
		logMu.Unlock()
		if logged {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("failed delivery not logged")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if len(ev.Subscribers()) != 3 {
		t.Fatal("a failing subscriber was dropped")
	}
	if ev.RaiseDepth(params, MaxDepth+1) != 0 {
		t.Fatal("a raise past MaxDepth was delivered")
	}
}

// TestSlowSubscriber shows a subscriber whose receiver never answers
// neither blocks Raise nor delays the others: its queue fills, the rest
// of its events are dropped and logged.
func TestSlowSubscriber(t *testing.T) {
	var log bytes.Buffer
	var logMu sync.Mutex
	r, b := newTestRegistry(t, lockedWriter{&logMu, &log})
	r.SetQueueLen(8)
	ev := r.MustPublish("E_A")
	for _, s := range []string{"fake:slow", "fake:ok"} {
		if err := r.Subscribe("E_A", s, 0); err != nil {
			t.Fatal(err)
		}
	}
	const raises = 50
	start := time.Now()
	for i := 0; i < raises; i++ {
		ev.Raise(Params{{Value: i}})
		b.wait(t, "ok")
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("%d raises took %v with a stuck subscriber", raises, elapsed)
	}
	if got := len(b.received("ok")); got != raises {
		t.Fatalf("the healthy subscriber got %d of %d", got, raises)
	}
	logMu.Lock()
	logged := strings.Contains(log.String(), "subscriber queue full")
	logMu.Unlock()
	if !logged {
		t.Fatal("dropped events not logged")
	}
	// Unsubscribing the stuck one cancels its Send and closes it.
	if ok, err := r.Unsubscribe("E_A", "fake:slow"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	// The probe socket of Unsubscribe and the subscriber's, closed by its
	// goroutine once Send returned.
	b.waitClosed(t, "slow", 2)
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestJSONRPC(t *testing.T) {
	tests := []struct {
		name   string
		method string
		id     any
		params Params
		extra  Param
		want   string
	}{
		{name: "named", method: "E_UL_AOR_INSERT", params: Params{{Name: "aor", Value: "alice@example.com"}},
			want: `{"jsonrpc":"2.0","method":"E_UL_AOR_INSERT","params":{"aor":"alice@example.com"}}`},
		{name: "positional", method: "E_X", params: Params{{Value: "a"}, {Value: 2}},
			want: `{"jsonrpc":"2.0","method":"E_X","params":["a",2]}`},
		{name: "none", method: "E_X", want: `{"jsonrpc":"2.0","method":"E_X"}`},
		{name: "null value", method: "E_X", params: Params{{Name: "a"}}, want: `{"jsonrpc":"2.0","method":"E_X","params":{"a":null}}`},
		{name: "id and extra named", method: "m", id: 7, params: Params{{Name: "a", Value: 1}}, extra: Param{Name: "event", Value: "E_X"},
			want: `{"jsonrpc":"2.0","method":"m","params":{"event":"E_X","a":1},"id":7}`},
		{name: "extra positional", method: "m", params: Params{{Value: 1}}, extra: Param{Name: "event", Value: "E_X"},
			want: `{"jsonrpc":"2.0","method":"m","params":["E_X",1]}`},
		{name: "extra without params", method: "m", id: 1, extra: Param{Name: "event", Value: "E_X"},
			want: `{"jsonrpc":"2.0","method":"m","id":1}`},
		{name: "escaping", method: "E_\"", params: Params{{Name: "q\"", Value: "a\nb"}},
			want: `{"jsonrpc":"2.0","method":"E_\"","params":{"q\"":"a\nb"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := JSONRPC(tc.method, tc.id, tc.params, tc.extra)
			if string(got) != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
			if !json.Valid(got) {
				t.Fatal("not valid JSON")
			}
		})
	}
}

// TestFailureLogBounded: a receiver that keeps failing is logged once per
// run of failures (and every thousandth), not once per event.
func TestFailureLogBounded(t *testing.T) {
	var log bytes.Buffer
	var logMu sync.Mutex
	r, _ := newTestRegistry(t, lockedWriter{&logMu, &log})
	ev := r.MustPublish("E_A")
	if err := r.Subscribe("E_A", "fake:sync-fail", 0); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		ev.Raise(nil)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if n := strings.Count(log.String(), "event delivery failed"); n != 1 {
		t.Fatalf("logged %d times for 50 failures:\n%s", n, log.String())
	}
}
