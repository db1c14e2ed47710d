package event_rabbitmq

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"switchboard/core/coretest"
	"switchboard/engine"
	"switchboard/events"
	"switchboard/internal/rabbittest"
	"switchboard/sip"
)

func TestMain(m *testing.M) { rabbittest.Main(m) }

var queueSeq atomic.Int64

// consumer is a test-side AMQP client reading one fresh durable queue.
type consumer struct {
	t          *testing.T
	conn       *amqp.Connection
	ch         *amqp.Channel
	queue      string
	deliveries <-chan amqp.Delivery
}

// newConsumer declares a durable queue (bound to exchange when given)
// and consumes it.
func newConsumer(t *testing.T, exchange string) *consumer {
	t.Helper()
	b := rabbittest.Get(t)
	conn, err := amqp.Dial(b.URL())
	if err != nil {
		t.Fatal(err)
	}
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	c := &consumer{t: t, conn: conn, ch: ch, queue: fmt.Sprintf("sbq%d", queueSeq.Add(1))}
	if _, err := ch.QueueDeclare(c.queue, true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if exchange != "" {
		if err := ch.ExchangeDeclare(exchange, "direct", true, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
		if err := ch.QueueBind(c.queue, c.queue, exchange, false, nil); err != nil {
			t.Fatal(err)
		}
	}
	c.subscribe()
	t.Cleanup(func() { c.conn.Close() })
	return c
}

func (c *consumer) subscribe() {
	d, err := c.ch.Consume(c.queue, "", true, false, false, false, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	c.deliveries = d
}

// reopen connects again after the broker dropped the consumer too.
func (c *consumer) reopen() {
	c.t.Helper()
	conn, err := amqp.Dial(rabbittest.Get(c.t).URL())
	if err != nil {
		c.t.Fatal(err)
	}
	ch, err := conn.Channel()
	if err != nil {
		c.t.Fatal(err)
	}
	c.conn, c.ch = conn, ch
	c.subscribe()
}

func (c *consumer) next(within time.Duration) (amqp.Delivery, bool) {
	select {
	case d, ok := <-c.deliveries:
		return d, ok
	case <-time.After(within):
		return amqp.Delivery{}, false
	}
}

// testRegistry is a private event registry with the rabbitmq backend.
func testRegistry(t *testing.T, opts Options) (*events.Registry, *Backend, *syncWriter) {
	t.Helper()
	logs := &syncWriter{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	reg := events.NewRegistry(log)
	b := NewBackend(opts, log)
	if err := reg.RegisterBackend(b); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close(); b.Close(time.Second) })
	return reg, b, logs
}

// syncWriter is a log buffer the publisher goroutines write while the
// test reads it.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func TestEventToQueue(t *testing.T) {
	b := rabbittest.Get(t)
	reg, _, _ := testRegistry(t, DefaultOptions())
	ev := reg.MustPublish("E_PIKE_BLOCKED", "ip")
	tests := []struct {
		name       string
		exchange   string
		params     string // between '/' and the key
		raise      events.Params
		want       string
		persistent bool
	}{
		{"default exchange, named params", "", "", events.Params{{Name: "ip", Value: "192.168.2.11"}},
			`{"jsonrpc":"2.0","method":"E_PIKE_BLOCKED","params":{"ip":"192.168.2.11"}}`, false},
		{"exchange, persistent, positional params", "sbex", "exchange=sbex;persistent?", events.Params{{Value: "a"}, {Value: 7}},
			`{"jsonrpc":"2.0","method":"E_PIKE_BLOCKED","params":["a",7]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newConsumer(t, tt.exchange)
			sock := fmt.Sprintf("rabbitmq:guest:guest@127.0.0.1:%d/%s%s", b.Port, tt.params, c.queue)
			if err := reg.Subscribe(ev.Name(), sock, 0); err != nil {
				t.Fatal(err)
			}
			defer reg.Unsubscribe(ev.Name(), sock)
			if n := ev.Raise(tt.raise); n != 1 {
				t.Fatalf("raised to %d subscribers", n)
			}
			d, ok := c.next(5 * time.Second)
			if !ok {
				t.Fatal("no message in the queue")
			}
			if string(d.Body) != tt.want {
				t.Errorf("body %s, want %s", d.Body, tt.want)
			}
			if !json.Valid(d.Body) {
				t.Errorf("body is not JSON: %s", d.Body)
			}
			if got := d.DeliveryMode == amqp.Persistent; got != tt.persistent {
				t.Errorf("delivery mode %d, persistent want %v", d.DeliveryMode, tt.persistent)
			}
		})
	}
}

// TestReconnect: the broker drops the connection (an operator closes it,
// then the broker restarts) and the next event still arrives.
func TestReconnect(t *testing.T) {
	b := rabbittest.Get(t)
	reg, _, logs := testRegistry(t, DefaultOptions())
	ev := reg.MustPublish("E_RECONNECT")
	c := newConsumer(t, "")
	sock := fmt.Sprintf("rabbitmq:127.0.0.1:%d/%s", b.Port, c.queue)
	if err := reg.Subscribe(ev.Name(), sock, 0); err != nil {
		t.Fatal(err)
	}
	expect := func(n int) {
		t.Helper()
		ev.Raise(events.Params{{Name: "n", Value: n}})
		d, ok := c.next(10 * time.Second)
		want := fmt.Sprintf(`{"jsonrpc":"2.0","method":"E_RECONNECT","params":{"n":%d}}`, n)
		if !ok || string(d.Body) != want {
			t.Fatalf("event %d: got %q (%v), want %s\nlogs:\n%s", n, d.Body, ok, want, logs)
		}
	}
	expect(1)

	t.Run("connection closed by the broker", func(t *testing.T) {
		if err := b.CloseConnections(); err != nil {
			t.Fatal(err)
		}
		c.reopen() // the consumer was closed too
		expect(2)
		expect(3)
	})

	t.Run("broker restart", func(t *testing.T) {
		begin := time.Now()
		if err := b.Stop(); err != nil {
			t.Fatal(err)
		}
		// While the broker is down the raise returns at once and the
		// delivery fails (logged), without blocking anyone.
		start := time.Now()
		ev.Raise(events.Params{{Name: "n", Value: 0}})
		if d := time.Since(start); d > 50*time.Millisecond {
			t.Errorf("raise took %s with the broker down", d)
		}
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(logs.String(), "connection refused") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(logs.String(), "connection refused") {
			t.Errorf("no delivery failure logged while the broker is down:\n%s", logs)
		}
		if err := b.Restart(); err != nil {
			t.Fatal(err)
		}
		t.Logf("broker stop and boot took %s (boot %s)", time.Since(begin), b.BootTime)
		c.reopen()
		expect(4)
	})
}

func TestDeadBrokerFailsFast(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	b := NewBackend(Options{ConnectTimeout: 200 * time.Millisecond}, slog.New(slog.DiscardHandler))
	defer b.Close(time.Second)
	sock, err := b.Parse(fmt.Sprintf("127.0.0.1:%d/q", port))
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	start := time.Now()
	err = sock.Send(t.Context(), &events.Raised{Event: "E_X"})
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("Send to a dead broker: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send to a dead broker took %s", d)
	}
}

func TestMatch(t *testing.T) {
	b := NewBackend(DefaultOptions(), slog.Default())
	defer b.Close(time.Second)
	parse := func(s string) events.Socket {
		sock, err := b.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return sock
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{"127.0.0.1/q", "guest:other@127.0.0.1:5672/q", true},
		{"127.0.0.1/q", "127.0.0.1/r", false},
		{"127.0.0.1/q", "127.0.0.1:5673/q", false},
		{"127.0.0.1/q", "bob@127.0.0.1/q", false},
		{"127.0.0.1/exchange=a?q", "127.0.0.1/exchange=b?q", false},
		{"127.0.0.1/q", "127.0.0.1/vhost=v?q", false},
	}
	for _, tt := range tests {
		if got := parse(tt.a).Match(parse(tt.b)); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestModule runs the module as a script loads it: the backend registered
// in the process's event registry, and rabbitmq_publish() with headers.
func TestModule(t *testing.T) {
	b := rabbittest.Get(t)
	c := newConsumer(t, "")
	cfg := fmt.Sprintf(`loadmodule "event_rabbitmq.so"
modparam("event_rabbitmq", "connect_timeout", 1000)
modparam("event_rabbitmq", "heartbeat", 5)
modparam("event_rabbitmq", "timeout", 2000)
modparam("event_rabbitmq", "server_id", "[ID1] uri = amqp://guest:guest@127.0.0.1:%d; retries=2")
route {
	$avp(hdr_name) = "caller";
	$avp(hdr_value) = $fU;
	$avp(hdr_name) = "seq";
	$avp(hdr_value) = 42;
	if (!rabbitmq_publish("ID1", "%s", "$fU called $rU", "text/plain", $avp(hdr_name), $avp(hdr_value)))
		xlog("L_ERR", "publish failed\n");
	rabbitmq_publish("ID1", "%s", "plain");
	subscribe_event("E_SB_RABBIT_SCRIPT", "rabbitmq:127.0.0.1:%d/%s", 60);
	$avp(attr) = "caller";
	$avp(val) = $fU;
	raise_event("E_SB_RABBIT_SCRIPT", $avp(attr), $avp(val));
	exit;
}
`, b.Port, c.queue, c.queue, b.Port, c.queue)
	l, logs := coretest.Compile(t, cfg)
	if err := l.InitModules(); err != nil {
		t.Fatal(err)
	}
	defer stop()

	// The module's backend serves rabbitmq: sockets in the process
	// registry.
	ev := events.Default.MustPublish("E_SB_RABBIT_MODULE")
	sock := fmt.Sprintf("rabbitmq:127.0.0.1:%d/%s", b.Port, c.queue)
	if err := events.Default.Subscribe(ev.Name(), sock, time.Minute); err != nil {
		t.Fatal(err)
	}
	defer events.Default.Unsubscribe(ev.Name(), sock)
	ev.Raise(events.Params{{Name: "k", Value: "v"}})
	d, ok := c.next(5 * time.Second)
	if want := `{"jsonrpc":"2.0","method":"E_SB_RABBIT_MODULE","params":{"k":"v"}}`; !ok || string(d.Body) != want {
		t.Fatalf("event: %q, want %s", d.Body, want)
	}

	msg, err := sip.ParseString("INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n" +
		"From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
	if err != nil {
		t.Fatal(err)
	}
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Log: slog.New(slog.NewTextHandler(logs, nil))}
	ctx.Reset(msg, engine.RequestRoute)
	l.Program.Main.Run(ctx)
	defer events.Default.Unsubscribe("E_SB_RABBIT_SCRIPT", fmt.Sprintf("rabbitmq:127.0.0.1:%d/%s", b.Port, c.queue))

	// Three messages: two rabbitmq_publish() on the server_id connection
	// (in order) and the script's raise_event on the event connection
	// (in any order relative to them).
	var published []amqp.Delivery
	var event *amqp.Delivery
	for range 3 {
		d, ok := c.next(5 * time.Second)
		if !ok {
			t.Fatalf("only %d messages\n%s", len(published), logs)
		}
		if strings.HasPrefix(string(d.Body), "{") {
			event = &d
		} else {
			published = append(published, d)
		}
	}
	if len(published) != 2 || event == nil {
		t.Fatalf("published %d, event %v", len(published), event)
	}
	d = published[0]
	if string(d.Body) != "alice called bob" || d.ContentType != "text/plain" || d.DeliveryMode != amqp.Persistent {
		t.Errorf("first publish: %q, content type %q, delivery mode %d", d.Body, d.ContentType, d.DeliveryMode)
	}
	if d.Headers["caller"] != "alice" || d.Headers["seq"] != int32(42) {
		t.Errorf("headers %v", d.Headers)
	}
	d = published[1]
	if string(d.Body) != "plain" || d.ContentType != "" || len(d.Headers) != 0 {
		t.Errorf("second publish: %q %q %v", d.Body, d.ContentType, d.Headers)
	}
	if want := `{"jsonrpc":"2.0","method":"E_SB_RABBIT_SCRIPT","params":{"caller":"alice"}}`; string(event.Body) != want {
		t.Errorf("script event: %s, want %s", event.Body, want)
	}
	if strings.Contains(logs.String(), "publish failed") {
		t.Errorf("the script saw a failure:\n%s", logs)
	}
}

func TestScriptErrors(t *testing.T) {
	tests := []struct{ name, cfg, want string }{
		{"unknown server id", `loadmodule "event_rabbitmq.so"
route { rabbitmq_publish("nope", "k", "m"); }`, `unknown server_id "nope"`},
		{"bad server_id", `loadmodule "event_rabbitmq.so"
modparam("event_rabbitmq", "server_id", "[x] exchange=e")`, "uri parameter is mandatory"},
		{"duplicate server_id", `loadmodule "event_rabbitmq.so"
modparam("event_rabbitmq", "server_id", "[x] uri=amqp://127.0.0.1")
modparam("event_rabbitmq", "server_id", "[x] uri=amqp://127.0.0.2")`, "defined twice"},
		{"use_tls", `loadmodule "event_rabbitmq.so"
modparam("event_rabbitmq", "use_tls", 1)`, "not supported: use_tls"},
		{"negative timeout", `loadmodule "event_rabbitmq.so"
modparam("event_rabbitmq", "connect_timeout", 0)`, "connect_timeout must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pending = config{opts: DefaultOptions()}
			defer func() { pending = config{opts: DefaultOptions()} }()
			if got := coretest.CompileErrors(t, tt.cfg); !strings.Contains(got, tt.want) {
				t.Fatalf("errors %q, want %q", got, tt.want)
			}
		})
	}
}

// benchSocket declares an auto-deleted queue and returns a socket to it.
func benchSocket(b *testing.B, backend *Backend) events.Socket {
	broker := rabbittest.Get(b)
	conn, err := amqp.Dial(broker.URL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		b.Fatal(err)
	}
	q := fmt.Sprintf("sbbench%d", queueSeq.Add(1))
	if _, err := ch.QueueDeclare(q, false, true, false, false, nil); err != nil {
		b.Fatal(err)
	}
	sock, err := backend.Parse(fmt.Sprintf("127.0.0.1:%d/%s", broker.Port, q))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sock.Close() })
	return sock
}

var benchEvent = &events.Raised{Event: "E_BENCH", Params: events.Params{{Name: "ip", Value: "192.0.2.1"}}}

// BenchmarkSend measures one subscriber's event delivery: publish and
// broker confirm, one event at a time as the registry's delivery
// goroutine calls Send.
func BenchmarkSend(b *testing.B) {
	backend := NewBackend(DefaultOptions(), slog.New(slog.DiscardHandler))
	defer backend.Close(time.Second)
	sock := benchSocket(b, backend)
	b.ReportAllocs()
	for b.Loop() {
		if err := sock.Send(b.Context(), benchEvent); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSendSubscribers measures 16 subscribers of one broker sending
// at once: they share one connection, whose publisher confirms their
// events in batches.
func BenchmarkSendSubscribers(b *testing.B) {
	backend := NewBackend(DefaultOptions(), slog.New(slog.DiscardHandler))
	defer backend.Close(time.Second)
	socks := make(chan events.Socket, 16)
	for range 16 {
		socks <- benchSocket(b, backend)
	}
	b.SetParallelism(8) // 16 goroutines on 2 CPUs
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		sock := <-socks
		for pb.Next() {
			if err := sock.Send(context.Background(), benchEvent); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// TestSilentBrokerTimesOut: a "broker" that accepts TCP connections and
// never answers cannot hold the subscriber: the AMQP handshake is bounded
// by connect_timeout.
func TestSilentBrokerTimesOut(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold it open, say nothing
		}
	}()
	b := NewBackend(Options{ConnectTimeout: 300 * time.Millisecond}, slog.New(slog.DiscardHandler))
	defer b.Close(time.Second)
	sock, err := b.Parse(l.Addr().String() + "/q")
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	start := time.Now()
	err = sock.Send(t.Context(), &events.Raised{Event: "E_X"})
	if err == nil {
		t.Fatal("Send to a silent broker succeeded")
	}
	// Three attempts (the event and its two re-publishes), each bounded
	// by the connect timeout plus a second for the handshake.
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("Send to a silent broker took %s: %v", d, err)
	}
}

// TestPublishFailuresLoggedOnce: rabbitmq_publish() messages to a broker
// that is down are logged once per run of failures, not once each.
func TestPublishFailuresLoggedOnce(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logs := &syncWriter{}
	srv, err := ParseServer(fmt.Sprintf("[down] uri=amqp://127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	servers := startServers([]Server{srv}, DefaultOptions(), slog.New(slog.NewTextHandler(logs, nil)))
	for i := range 5 {
		if err := servers.publish("down", "k", fmt.Sprint(i), "", nil); err != nil {
			t.Fatal(err) // queued: the failure comes later
		}
	}
	servers.close(5 * time.Second)
	if n := strings.Count(logs.String(), "publish failed"); n != 1 {
		t.Errorf("%d failure lines, want 1:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), "connection refused") {
		t.Errorf("the failure does not say why:\n%s", logs)
	}
	if err := servers.publish("nope", "k", "m", "", nil); err == nil || !strings.Contains(err.Error(), "unknown server_id") {
		t.Errorf("unknown id: %v", err)
	}
}
