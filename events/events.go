// Package events is switchboard's Event Interface (OpenSIPS evi/): the
// registry of published events, their subscribers and the backends that
// deliver to them.
//
// The core and the modules publish events by name (E_UL_AOR_INSERT,
// E_CORE_THRESHOLD...) and raise them with parameters; external
// applications subscribe over MI (event_subscribe) or from the script
// (subscribe_event) with a socket string "scheme:address" whose scheme
// names a registered Backend (udp, unix, tcp, flatstore, rabbitmq,
// virtual, route). Raise never waits for network I/O: each subscriber has
// a bounded queue drained by its own goroutine, so a slow or dead receiver
// loses its own events (logged) and nobody else's. Only sockets that ask
// for it (SyncSocket, a sync event_route) run in the raiser's goroutine.
package events

import (
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"
)

// MaxNameLen is the longest event name OpenSIPS accepts (MAX_EVENT_NAME).
const MaxNameLen = 64

// MaxDepth bounds events raised from inside a sync delivery of another
// event (an event_route that raises an event): deeper raises are dropped
// and logged instead of recursing forever.
const MaxDepth = 10

// DefaultQueueLen is how many raised events wait for one subscriber
// before further ones are dropped.
const DefaultQueueLen = 1024

// Errors the registry returns; MI and script callers map them onto their
// own answers.
var (
	ErrUnknownEvent   = errors.New("event not published")
	ErrUnknownScheme  = errors.New("no event backend for socket")
	ErrNoSubscriber   = errors.New("subscriber does not exist")
	ErrBackendTwice   = errors.New("event backend registered twice")
	ErrBadEventName   = errors.New("bad event name")
	ErrNegativeExpiry = errors.New("negative expire value")
)

// Registry holds the published events, their subscribers and the
// backends. The zero value is not usable: use NewRegistry or Default.
type Registry struct {
	log      *slog.Logger
	queueLen int

	mu       sync.Mutex
	events   []*Event // in publication order; an event's id is its index
	byName   map[string]*Event
	backends map[string]Backend
}

// Default is the process's registry: the core, the modules, MI and the
// script use it.
var Default = NewRegistry(nil)

// NewRegistry makes an empty registry that logs delivery failures to log
// (slog.Default when nil).
func NewRegistry(log *slog.Logger) *Registry {
	if log == nil {
		log = slog.Default()
	}
	return &Registry{
		log:      log.With("module", "events"),
		queueLen: DefaultQueueLen,
		byName:   map[string]*Event{},
		backends: map[string]Backend{},
	}
}

// SetQueueLen sets the per-subscriber queue length for subscribers added
// after the call (tests use a short one).
func (r *Registry) SetQueueLen(n int) {
	if n < 1 {
		n = 1
	}
	r.mu.Lock()
	r.queueLen = n
	r.mu.Unlock()
}

// Publish makes the event called name known, with the names of the
// parameters it is raised with (documentation: events_list, the checker,
// docs/compat.md). Publishing a name again returns the event already
// published, so the core, each module and each script raise_event share
// one event and its subscribers. A script-published event has no declared
// parameters.
func (r *Registry) Publish(name string, params ...string) (*Event, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if ev, ok := r.byName[name]; ok {
		if len(ev.params) == 0 && len(params) > 0 {
			ev.params = append([]string(nil), params...)
		}
		return ev, nil
	}
	ev := &Event{name: name, id: len(r.events), params: append([]string(nil), params...), reg: r}
	r.events = append(r.events, ev)
	r.byName[name] = ev
	return ev, nil
}

// MustPublish is Publish for names fixed in the code: a bad one is a bug
// and panics.
func (r *Registry) MustPublish(name string, params ...string) *Event {
	ev, err := r.Publish(name, params...)
	if err != nil {
		panic(err)
	}
	return ev
}

func checkName(name string) error {
	if name == "" || len(name) > MaxNameLen {
		return fmt.Errorf("%w: %q must be 1..%d characters", ErrBadEventName, name, MaxNameLen)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c == ':' || c >= 0x7f {
			return fmt.Errorf("%w: %q: no spaces, colons or control characters", ErrBadEventName, name)
		}
	}
	return nil
}

// Lookup returns the published event called name, or nil.
func (r *Registry) Lookup(name string) *Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byName[name]
}

// Events returns the published events in publication (id) order.
func (r *Registry) Events() []*Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Event(nil), r.events...)
}

// RegisterBackend makes b serve its scheme. A scheme registered twice is
// an error: two loaded modules claim it.
func (r *Registry) RegisterBackend(b Backend) error {
	scheme := b.Scheme()
	if scheme == "" {
		return fmt.Errorf("events: backend with an empty scheme")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.backends[scheme]; dup {
		return fmt.Errorf("%w: %q", ErrBackendTwice, scheme)
	}
	r.backends[scheme] = b
	return nil
}

// UnregisterBackend removes the backend of scheme and every subscriber it
// served (their sockets are closed).
func (r *Registry) UnregisterBackend(scheme string) {
	r.mu.Lock()
	delete(r.backends, scheme)
	events := append([]*Event(nil), r.events...)
	r.mu.Unlock()
	for _, ev := range events {
		for _, s := range ev.removeIf(func(s *subscriber) bool { return s.scheme == scheme }) {
			s.wait()
		}
	}
}

// Schemes returns the registered backend schemes, sorted.
func (r *Registry) Schemes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.backends))
	for s := range r.backends {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// ParseSocket parses "scheme:address" with the backend of its scheme.
func (r *Registry) ParseSocket(s string) (Backend, Socket, error) {
	scheme, addr, err := SplitSocket(s)
	if err != nil {
		return nil, nil, err
	}
	r.mu.Lock()
	b, ok := r.backends[scheme]
	r.mu.Unlock()
	if !ok {
		return nil, nil, fmt.Errorf("%w %q (scheme %q is not served by a loaded module)", ErrUnknownScheme, s, scheme)
	}
	sock, err := b.Parse(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("events: socket %q: %w", s, err)
	}
	return b, sock, nil
}

// Subscribe subscribes socket to the published event. expire > 0 makes
// the subscription end that long after now; expire == 0 means it never
// expires (the script's subscribe_event without expire). Subscribing a
// socket that matches an existing subscriber of the event refreshes that
// subscriber: its subscription time restarts and its expiry becomes
// expire.
func (r *Registry) Subscribe(event, socket string, expire time.Duration) error {
	if expire < 0 {
		return ErrNegativeExpiry
	}
	ev := r.Lookup(event)
	if ev == nil {
		return fmt.Errorf("%w: %q", ErrUnknownEvent, event)
	}
	b, sock, err := r.ParseSocket(socket)
	if err != nil {
		return err
	}
	now := time.Now()
	ev.mu.Lock()
	r.mu.Lock()
	current := r.backends[b.Scheme()]
	r.mu.Unlock()
	if current != b {
		// Unregistered since ParseSocket: UnregisterBackend would not
		// see a subscriber added now.
		ev.mu.Unlock()
		_ = sock.Close()
		return fmt.Errorf("%w %q (its module stopped)", ErrUnknownScheme, socket)
	}
	for _, s := range ev.list() {
		if s.backend == b && s.sock.Match(sock) {
			s.refresh(now, expire)
			ev.mu.Unlock()
			_ = sock.Close()
			return nil
		}
	}
	s := newSubscriber(r, ev, b, sock, now, expire)
	next := append(ev.list(), s)
	ev.subs.Store(&next)
	ev.mu.Unlock()
	return nil
}

// Unsubscribe removes the subscriber of event that matches socket (MI
// event_subscribe with expire 0). It reports whether one was removed.
func (r *Registry) Unsubscribe(event, socket string) (bool, error) {
	ev := r.Lookup(event)
	if ev == nil {
		return false, fmt.Errorf("%w: %q", ErrUnknownEvent, event)
	}
	b, sock, err := r.ParseSocket(socket)
	if err != nil {
		return false, err
	}
	defer sock.Close()
	gone := ev.removeIf(func(s *subscriber) bool { return s.backend == b && s.sock.Match(sock) })
	return len(gone) > 0, nil
}

// Subscriber returns the live subscriber of event that matches socket.
func (r *Registry) Subscriber(event, socket string) (SubscriberInfo, error) {
	ev := r.Lookup(event)
	if ev == nil {
		return SubscriberInfo{}, fmt.Errorf("%w: %q", ErrUnknownEvent, event)
	}
	b, sock, err := r.ParseSocket(socket)
	if err != nil {
		return SubscriberInfo{}, err
	}
	defer sock.Close()
	now := time.Now()
	for _, s := range ev.list() {
		if s.backend == b && s.sock.Match(sock) && !s.expired(now) {
			return s.info(now), nil
		}
	}
	return SubscriberInfo{}, ErrNoSubscriber
}

// Close removes every subscriber of every event, waits for their delivery
// goroutines to close the sockets; the events stay published.
func (r *Registry) Close() {
	for _, ev := range r.Events() {
		for _, s := range ev.removeIf(func(*subscriber) bool { return true }) {
			s.wait()
		}
	}
}
