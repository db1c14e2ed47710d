// Package event_rabbitmq is OpenSIPS's event_rabbitmq module: an Event
// Interface backend that publishes each raised event as a JSON-RPC
// notification to a RabbitMQ exchange, and the rabbitmq_publish() script
// function that publishes any message through a server_id connection.
package event_rabbitmq

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"switchboard/events"
)

// Scheme is the socket prefix the backend serves.
const Scheme = "rabbitmq"

// eventRetries is how often an event publish is tried again on a fresh
// connection after the broker dropped the old one (OpenSIPS re_publish).
const eventRetries = 2

// Backend publishes events to RabbitMQ; sockets to one broker share one
// connection.
type Backend struct {
	pool *pool
}

// NewBackend makes a backend whose connections use opts.
func NewBackend(opts Options, log *slog.Logger) *Backend {
	return &Backend{pool: newPool(opts, log)}
}

// Scheme implements events.Backend.
func (b *Backend) Scheme() string { return Scheme }

// Parse implements events.Backend. It does no I/O: the connection is
// made (or shared) at the first event.
func (b *Backend) Parse(addr string) (events.Socket, error) {
	s, err := ParseSocket(addr)
	if err != nil {
		return nil, err
	}
	return &eventSocket{backend: b, sock: s}, nil
}

// Close closes every connection, sending what is queued for at most drain.
func (b *Backend) Close(drain time.Duration) { b.pool.closeAll(drain) }

// eventSocket is one rabbitmq: subscriber.
type eventSocket struct {
	backend *Backend
	sock    Socket

	mu  sync.Mutex
	pub *publisher
}

func (s *eventSocket) String() string { return s.sock.String() }

// Match implements events.Socket: the same broker, user, exchange and
// routing key (OpenSIPS rmq_match; the password is not compared).
func (s *eventSocket) Match(other events.Socket) bool {
	o, ok := other.(*eventSocket)
	if !ok {
		return false
	}
	a, b := s.sock, o.sock
	return a.Host == b.Host && a.Port == b.Port && a.User == b.User && a.VHost == b.VHost &&
		a.Exchange == b.Exchange && a.RoutingKey == b.RoutingKey
}

// Send implements events.Socket: it publishes the event's JSON-RPC
// notification and waits (within ctx) until the broker confirmed it, so a
// failure reaches the registry's log and event_virtual's failover.
func (s *eventSocket) Send(ctx context.Context, ev *events.Raised) error {
	s.mu.Lock()
	if s.pub == nil {
		s.pub = s.backend.pool.acquire(s.sock.broker())
	}
	pub := s.pub
	s.mu.Unlock()
	mode := amqp.Transient
	if s.sock.Persistent {
		mode = amqp.Persistent
	}
	result := make(chan error, 1)
	err := pub.Publish(message{
		exchange: s.sock.Exchange,
		key:      s.sock.RoutingKey,
		retries:  eventRetries,
		msg:      amqp.Publishing{DeliveryMode: mode, Body: events.JSONRPC(ev.Event, nil, ev.Params, events.Param{})},
		done:     func(err error) { result <- err },
	})
	if err != nil {
		return err
	}
	select {
	case err := <-result:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close implements events.Socket.
func (s *eventSocket) Close() error {
	s.mu.Lock()
	pub := s.pub
	s.pub = nil
	s.mu.Unlock()
	if pub != nil {
		s.backend.pool.release(pub)
	}
	return nil
}

// servers are the server_id connections of the running script.
type servers struct {
	byID map[string]*serverConn
}

type serverConn struct {
	Server
	pub *publisher
}

func startServers(list []Server, opts Options, log *slog.Logger) *servers {
	s := &servers{byID: map[string]*serverConn{}}
	for _, srv := range list {
		o := opts
		o.FrameSize = srv.FrameSize
		if srv.Heartbeat > 0 {
			o.Heartbeat = time.Duration(srv.Heartbeat) * time.Second
		}
		s.byID[srv.ID] = &serverConn{Server: srv, pub: newPublisher(srv.Broker, o, log.With("server_id", srv.ID))}
	}
	return s
}

func (s *servers) close(drain time.Duration) {
	var wg sync.WaitGroup
	for _, c := range s.byID {
		wg.Add(1)
		go func() { defer wg.Done(); c.pub.Close(drain) }()
	}
	wg.Wait()
}

// publish queues one rabbitmq_publish() message on server id.
func (s *servers) publish(id, key, body, contentType string, headers amqp.Table) error {
	if s == nil {
		return errNoServers
	}
	c := s.byID[id]
	if c == nil {
		return fmt.Errorf("unknown server_id %q", id)
	}
	mode := amqp.Transient
	if c.Persistent {
		mode = amqp.Persistent
	}
	return c.pub.Publish(message{
		exchange:  c.Exchange,
		key:       key,
		mandatory: c.Mandatory,
		retries:   c.Retries,
		msg:       amqp.Publishing{DeliveryMode: mode, ContentType: contentType, Headers: headers, Body: []byte(body)},
	})
}

var _ events.Backend = (*Backend)(nil)
var _ events.Socket = (*eventSocket)(nil)
