package event_rabbitmq

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// brokerKey names one AMQP connection: sockets and server_ids with the
// same broker, credentials and vhost share it.
type brokerKey struct {
	Host     string
	Port     int
	User     string
	Password string
	VHost    string
}

func (k brokerKey) String() string {
	return k.User + "@" + net.JoinHostPort(k.Host, strconv.Itoa(k.Port)) + k.vhostPath()
}

func (k brokerKey) vhostPath() string {
	if k.VHost == "/" {
		return "/"
	}
	return "/" + k.VHost
}

// Options are the module parameters that shape a connection.
type Options struct {
	// ConnectTimeout bounds the TCP connect and the AMQP handshake
	// (connect_timeout).
	ConnectTimeout time.Duration
	// Heartbeat is the AMQP heartbeat interval; 0 takes the broker's.
	Heartbeat time.Duration
	// Timeout bounds one publish until the broker confirms it (timeout);
	// 0 means the default of 5 s, since a publisher that may wait
	// forever would hold every later event behind it.
	Timeout time.Duration
	// FrameSize is the largest AMQP frame (server_id frames); 0 is the
	// broker's default.
	FrameSize int
	// QueueSize is how many messages may wait for the connection.
	QueueSize int
}

// DefaultOptions are OpenSIPS's defaults.
func DefaultOptions() Options {
	return Options{ConnectTimeout: 500 * time.Millisecond, Timeout: 0, QueueSize: 4096}
}

const defaultPublishTimeout = 5 * time.Second

// message is one publish waiting for its connection.
type message struct {
	exchange, key string
	mandatory     bool
	retries       int // extra attempts after a connection failure
	msg           amqp.Publishing
	// done, when set, learns whether the broker confirmed the message.
	done func(error)
}

// errQueueFull is returned when the broker cannot keep up (or is down)
// and the queue of waiting messages is full: the message is dropped
// rather than blocking the raiser.
var errQueueFull = errors.New("rabbitmq: too many messages waiting for the broker, dropped")

// errClosed is returned for a publish on a connection that was shut down.
var errClosed = errors.New("rabbitmq: connection closed")

// publisher owns one AMQP connection and the goroutine that sends on it.
// Publish never blocks: messages wait in a bounded queue, and the
// goroutine (re)connects when the broker dropped the connection.
type publisher struct {
	key  brokerKey
	opts Options
	log  *slog.Logger

	mu     sync.Mutex
	queue  chan message
	closed bool

	refs int // sockets using it; guarded by the pool's mutex

	// owned by the sending goroutine
	conn    *amqp.Connection
	channel *amqp.Channel
	returns chan amqp.Return
	done    chan struct{}
	// failures counts rabbitmq_publish() messages lost in a row.
	failures int

	// stop is cancelled when Close gives up waiting: the publish in
	// progress fails and what is still queued is dropped.
	stop   context.Context
	cancel context.CancelFunc
}

func newPublisher(key brokerKey, opts Options, log *slog.Logger) *publisher {
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultOptions().QueueSize
	}
	p := &publisher{key: key, opts: opts, log: log.With("broker", key.String()),
		queue: make(chan message, opts.QueueSize), done: make(chan struct{})}
	p.stop, p.cancel = context.WithCancel(context.Background())
	go p.run()
	return p
}

// Publish queues m for sending and returns at once.
func (p *publisher) Publish(m message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errClosed
	}
	select {
	case p.queue <- m:
		return nil
	default:
		return errQueueFull
	}
}

// Close stops accepting messages, sends those queued (for at most
// drain) and closes the connection.
func (p *publisher) Close(drain time.Duration) {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.queue)
	}
	p.mu.Unlock()
	select {
	case <-p.done:
	case <-time.After(drain):
		p.log.Warn("rabbitmq: messages still queued at shutdown are dropped")
		p.cancel()
		<-p.done
	}
	p.cancel()
}

// maxBatch bounds how many queued messages are published before their
// confirms are awaited.
const maxBatch = 256

func (p *publisher) run() {
	defer close(p.done)
	defer p.disconnect()
	batch := make([]*inflight, 0, maxBatch)
	for m := range p.queue {
		// Take what else is waiting, so that one round trip to the
		// broker confirms many messages.
		batch = append(batch[:0], &inflight{message: m})
	more:
		for len(batch) < maxBatch {
			select {
			case m, ok := <-p.queue:
				if !ok {
					break more
				}
				batch = append(batch, &inflight{message: m})
			default:
				break more
			}
		}
		p.send(batch)
	}
}

// inflight is a message being sent and how often it was tried.
type inflight struct {
	message
	tries int
}

// finish reports the outcome of f: to its sender when it waits for it
// (an event: the registry logs the failure), else to the log, once per
// run of failures and every thousandth, so a broker that is down does not
// flood it.
func (p *publisher) finish(f *inflight, err error) {
	if f.done != nil {
		f.done(err)
		return
	}
	switch {
	case err == nil && p.failures > 0:
		p.log.Info("rabbitmq: publishing again", "failed", p.failures)
		p.failures = 0
	case err != nil && p.stop.Err() == nil:
		p.failures++
		if p.failures == 1 || p.failures%1000 == 0 {
			p.log.Error("rabbitmq: publish failed", "exchange", f.exchange, "routing_key", f.key, "err", err, "failed", p.failures)
		}
	}
}

// send publishes the batch and waits for the broker's confirms,
// reconnecting and trying again (up to each message's retries) when the
// connection was lost.
func (p *publisher) send(batch []*inflight) {
	for len(batch) > 0 {
		if p.stop.Err() != nil {
			for _, f := range batch {
				p.finish(f, errClosed)
			}
			return
		}
		failed := map[*inflight]error{}
		if err := p.connect(); err != nil {
			for _, f := range batch {
				failed[f] = err
			}
		} else {
			failed = p.publish(batch)
		}
		if len(failed) > 0 {
			// The connection may be gone (broker restart, closed by an
			// operator): drop it so the next attempt dials again.
			p.disconnect()
		}
		next := batch[:0]
		for _, f := range batch {
			err, bad := failed[f]
			switch {
			case !bad:
				p.finish(f, nil)
			case f.tries >= f.retries:
				p.finish(f, err)
			default:
				f.tries++
				next = append(next, f)
			}
		}
		batch = next
	}
}

// publish publishes every message of the batch, then waits for their
// confirms; it returns the messages that failed and why.
func (p *publisher) publish(batch []*inflight) map[*inflight]error {
	timeout := p.opts.Timeout
	if timeout <= 0 {
		timeout = defaultPublishTimeout
	}
	ctx, cancel := context.WithTimeout(p.stop, timeout)
	defer cancel()
	failed := map[*inflight]error{}
	confirms := make([]*amqp.DeferredConfirmation, len(batch))
	for i, f := range batch {
		conf, err := p.channel.PublishWithDeferredConfirmWithContext(ctx, f.exchange, f.key, f.mandatory, false, f.msg)
		if err != nil {
			for _, rest := range batch[i:] {
				failed[rest] = err
			}
			break
		}
		confirms[i] = conf
	}
	for i, conf := range confirms {
		if conf == nil {
			continue
		}
		acked, err := conf.WaitContext(ctx)
		switch {
		case err != nil:
			failed[batch[i]] = fmt.Errorf("no confirm from the broker within %s: %w", timeout, err)
		case !acked && p.channel.IsClosed():
			failed[batch[i]] = errors.New("the connection was lost before the broker confirmed the message")
		case !acked:
			failed[batch[i]] = errors.New("the broker refused the message (nack)")
		}
	}
	return failed
}

// connect dials the broker when there is no open connection and channel.
func (p *publisher) connect() error {
	if p.conn != nil && !p.conn.IsClosed() && p.channel != nil && !p.channel.IsClosed() {
		return nil
	}
	p.disconnect()
	cfg := amqp.Config{
		SASL:       []amqp.Authentication{&amqp.PlainAuth{Username: p.key.User, Password: p.key.Password}},
		Vhost:      p.key.VHost,
		Heartbeat:  p.opts.Heartbeat,
		FrameSize:  p.opts.FrameSize,
		Dial:       dialer(p.opts.ConnectTimeout),
		Properties: amqp.Table{"product": "switchboard", "connection_name": "switchboard event_rabbitmq"},
	}
	conn, err := amqp.DialConfig("amqp://"+net.JoinHostPort(p.key.Host, strconv.Itoa(p.key.Port))+"/", cfg)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", p.key, err)
	}
	ch, err := conn.Channel()
	if err == nil {
		err = ch.Confirm(false)
	}
	if err != nil {
		conn.Close()
		return fmt.Errorf("open a channel on %s: %w", p.key, err)
	}
	p.conn, p.channel = conn, ch
	// Messages published as mandatory that no queue takes come back:
	// say so, as the script cannot see it.
	p.returns = ch.NotifyReturn(make(chan amqp.Return, 16))
	go func(returns chan amqp.Return) {
		for r := range returns {
			p.log.Warn("rabbitmq: the broker returned an unroutable message",
				"exchange", r.Exchange, "routing_key", r.RoutingKey, "reply", r.ReplyText)
		}
	}(p.returns)
	p.log.Info("rabbitmq: connected")
	return nil
}

func (p *publisher) disconnect() {
	if p.conn != nil {
		_ = p.conn.Close()
	}
	p.conn, p.channel = nil, nil
}

// dialer connects within timeout and bounds the AMQP handshake by it too,
// so a broker that accepts but does not answer cannot hold the sender.
func dialer(timeout time.Duration) func(network, addr string) (net.Conn, error) {
	if timeout <= 0 {
		timeout = DefaultOptions().ConnectTimeout
	}
	return func(network, addr string) (net.Conn, error) {
		conn, err := net.DialTimeout(network, addr, timeout)
		if err != nil {
			return nil, err
		}
		// Cleared by amqp091-go once the handshake is done.
		if err := conn.SetDeadline(time.Now().Add(timeout + time.Second)); err != nil {
			conn.Close()
			return nil, err
		}
		return conn, nil
	}
}

// pool shares publishers by broker.
type pool struct {
	mu   sync.Mutex
	opts Options
	log  *slog.Logger
	pubs map[brokerKey]*publisher
}

func newPool(opts Options, log *slog.Logger) *pool {
	return &pool{opts: opts, log: log, pubs: map[brokerKey]*publisher{}}
}

// acquire returns the publisher of key, starting it on first use.
func (pl *pool) acquire(key brokerKey) *publisher {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	p := pl.pubs[key]
	if p == nil {
		p = newPublisher(key, pl.opts, pl.log)
		pl.pubs[key] = p
	}
	p.refs++
	return p
}

// release drops one use of p and closes it after its last user.
func (pl *pool) release(p *publisher) {
	pl.mu.Lock()
	p.refs--
	last := p.refs <= 0 && pl.pubs[p.key] == p
	if last {
		delete(pl.pubs, p.key)
	}
	pl.mu.Unlock()
	if last {
		go p.Close(2 * time.Second)
	}
}

// closeAll closes every publisher, waiting for queued messages for at
// most drain.
func (pl *pool) closeAll(drain time.Duration) {
	pl.mu.Lock()
	pubs := pl.pubs
	pl.pubs = map[brokerKey]*publisher{}
	pl.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range pubs {
		wg.Add(1)
		go func() { defer wg.Done(); p.Close(drain) }()
	}
	wg.Wait()
}
