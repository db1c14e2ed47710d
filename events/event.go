package events

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Event is a published event. Its methods are safe on a nil *Event (an
// event its module never published raises nothing), so a module can keep
// a handle from its Init hook and raise through it unconditionally.
type Event struct {
	name   string
	id     int
	params []string
	reg    *Registry

	mu   sync.Mutex                    // serialises changes to subs
	subs atomic.Pointer[[]*subscriber] // copy-on-write: Raise reads without locking
}

// Name returns the event's name.
func (e *Event) Name() string { return e.name }

// ID returns the event's number: its rank of publication, as events_list
// shows it.
func (e *Event) ID() int { return e.id }

// ParamNames returns the names of the parameters the event is declared
// with (none for an event the script published).
func (e *Event) ParamNames() []string {
	e.reg.mu.Lock()
	defer e.reg.mu.Unlock()
	return e.params
}

// Active reports whether the event has subscribers: raisers check it
// before building parameters, so an event nobody listens to costs one
// atomic load.
func (e *Event) Active() bool {
	if e == nil {
		return false
	}
	subs := e.subs.Load()
	return subs != nil && len(*subs) > 0
}

// Raise delivers the event with params to every live subscriber: queued
// for the asynchronous ones (never blocking on their I/O; a full queue
// drops the event for that subscriber, logged), run before returning for
// the synchronous ones. It returns the number of subscribers the event
// went to (queued or run).
func (e *Event) Raise(params Params) int { return e.RaiseDepth(params, 0) }

// RaiseDepth is Raise from inside the synchronous delivery of another
// event, depth levels deep (Raised.Depth of the event being handled plus
// one): past MaxDepth the event is dropped, which stops an event_route
// that raises its own event.
func (e *Event) RaiseDepth(params Params, depth int) int {
	if !e.Active() {
		return 0
	}
	if depth > MaxDepth {
		e.reg.log.Error("too many nested events, event dropped", "event", e.name, "depth", depth)
		return 0
	}
	ev := &Raised{Event: e.name, Params: params, Depth: depth}
	now := time.Now()
	sent, expired := 0, false
	for _, s := range *e.subs.Load() {
		if s.expired(now) {
			expired = true
			continue
		}
		if s.deliver(ev) {
			sent++
		}
	}
	if expired {
		e.sweep(now)
	}
	return sent
}

// Subscribers returns the live subscribers, in subscription order, and
// removes the expired ones.
func (e *Event) Subscribers() []SubscriberInfo {
	if e == nil {
		return nil
	}
	now := time.Now()
	e.sweep(now)
	var out []SubscriberInfo
	for _, s := range e.list() {
		out = append(out, s.info(now))
	}
	return out
}

// SubscriberInfo describes a subscriber for subscribers_list.
type SubscriberInfo struct {
	// Socket is "scheme:address" as the backend prints it.
	Socket string
	// Expire is the subscription's lifetime; zero means it never expires.
	Expire time.Duration
	// TTL is what is left of Expire.
	TTL time.Duration
}

func (e *Event) list() []*subscriber {
	if p := e.subs.Load(); p != nil {
		return *p
	}
	return nil
}

func (e *Event) sweep(now time.Time) {
	e.removeIf(func(s *subscriber) bool { return s.expired(now) })
}

// removeIf drops the subscribers drop selects and stops them without
// waiting for a Send in progress; it returns them.
func (e *Event) removeIf(drop func(*subscriber) bool) []*subscriber {
	e.mu.Lock()
	var keep, gone []*subscriber
	for _, s := range e.list() {
		if drop(s) {
			gone = append(gone, s)
		} else {
			keep = append(keep, s)
		}
	}
	if len(gone) > 0 {
		e.subs.Store(&keep)
	}
	e.mu.Unlock()
	for _, s := range gone {
		s.stop()
	}
	return gone
}

// subscriber is one socket subscribed to one event, with its delivery
// queue and goroutine (none for a sync socket).
type subscriber struct {
	reg     *Registry
	event   string
	backend Backend
	scheme  string
	sock    Socket
	sync    bool

	since  atomic.Int64 // unix nanoseconds of the (last) subscription
	expire atomic.Int64 // nanoseconds; 0 never expires

	queue    chan *Raised
	ctx      context.Context
	cancel   context.CancelFunc
	done     chan struct{}
	dropped  atomic.Int64
	failures atomic.Int64 // consecutive failed sends
}

func newSubscriber(r *Registry, ev *Event, b Backend, sock Socket, now time.Time, expire time.Duration) *subscriber {
	r.mu.Lock()
	qlen := r.queueLen
	r.mu.Unlock()
	s := &subscriber{reg: r, event: ev.name, backend: b, scheme: b.Scheme(), sock: sock}
	s.refresh(now, expire)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if ss, ok := sock.(SyncSocket); ok && ss.Sync() {
		s.sync = true
		return s
	}
	s.queue = make(chan *Raised, qlen)
	s.done = make(chan struct{})
	go s.run()
	return s
}

func (s *subscriber) refresh(now time.Time, expire time.Duration) {
	s.since.Store(now.UnixNano())
	s.expire.Store(int64(expire))
}

func (s *subscriber) expired(now time.Time) bool {
	exp := s.expire.Load()
	return exp > 0 && now.UnixNano() >= s.since.Load()+exp
}

func (s *subscriber) info(now time.Time) SubscriberInfo {
	in := SubscriberInfo{Socket: s.scheme + ":" + s.sock.String(), Expire: time.Duration(s.expire.Load())}
	if in.Expire > 0 {
		in.TTL = time.Duration(s.since.Load() + int64(in.Expire) - now.UnixNano())
		if in.TTL < 0 {
			in.TTL = 0
		}
	}
	return in
}

// deliver hands ev to the subscriber; false when its queue is full.
func (s *subscriber) deliver(ev *Raised) bool {
	if s.sync {
		if s.ctx.Err() != nil {
			return false
		}
		s.logResult(ev, s.send(ev))
		return true
	}
	select {
	case s.queue <- ev:
		return true
	default:
		if n := s.dropped.Add(1); n == 1 || n%1000 == 0 {
			s.reg.log.Warn("subscriber queue full, event dropped", "event", ev.Event,
				"socket", s.scheme+":"+s.sock.String(), "dropped", n)
		}
		return false
	}
}

func (s *subscriber) run() {
	defer close(s.done)
	defer s.sock.Close()
	for {
		select {
		case <-s.ctx.Done():
			return
		case ev := <-s.queue:
			if err := s.send(ev); s.ctx.Err() == nil {
				s.logResult(ev, err)
			}
		}
	}
}

// send runs the socket's Send; a panic in it (a bug in a backend, or in
// the script an event_route runs) costs that event, not the process.
func (s *subscriber) send(ev *Raised) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return s.sock.Send(s.ctx, ev)
}

// logResult logs a failed delivery: the first of a run of failures and
// every thousandth after it, so a dead receiver does not flood the log,
// and the first success after a run.
func (s *subscriber) logResult(ev *Raised, err error) {
	if err == nil {
		if n := s.failures.Swap(0); n > 0 {
			s.reg.log.Info("event delivery works again", "event", ev.Event, "socket", s.scheme+":"+s.sock.String(),
				"failed", n)
		}
		return
	}
	if n := s.failures.Add(1); n == 1 || n%1000 == 0 {
		s.reg.log.Warn("event delivery failed", "event", ev.Event, "socket", s.scheme+":"+s.sock.String(),
			"err", err, "failures", n)
	}
}

// stop ends the subscription: the delivery goroutine finishes the Send in
// progress, if any (its ctx is cancelled), and closes the socket.
func (s *subscriber) stop() {
	s.cancel()
	if s.sync {
		_ = s.sock.Close()
	}
}

// wait returns once the socket is closed.
func (s *subscriber) wait() {
	if !s.sync {
		<-s.done
	}
}
