// Package event_virtual is OpenSIPS's event_virtual module: a "virtual:"
// Event Interface socket that stands for several other subscribers and
// notifies them in parallel, with failover, or in turn (round-robin).
package event_virtual

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"switchboard/events"
)

// Scheme is the socket prefix the backend serves.
const Scheme = "virtual"

// Policy is how a virtual socket notifies its subscribers.
type Policy uint8

// Policies.
const (
	Parallel   Policy = iota // all at once
	Failover                 // the first that takes it, in order
	RoundRobin               // one each time, in turn
)

var policyNames = [...]string{"PARALLEL", "FAILOVER", "ROUND-ROBIN"}

func (p Policy) String() string { return policyNames[p] }

// Spec is a parsed virtual socket address: the policy and the subscriber
// sockets ("scheme:address"), in order.
type Spec struct {
	Policy  Policy
	Sockets []string
}

// ParseSpec parses "POLICY socket1 [socket2 ...]": the policy, then the
// sockets separated by spaces or tabs.
func ParseSpec(s string) (Spec, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' })
	if len(fields) == 0 {
		return Spec{}, errors.New("empty virtual socket: want POLICY socket [socket ...]")
	}
	var spec Spec
	found := false
	for i, name := range policyNames {
		if strings.EqualFold(fields[0], name) {
			spec.Policy, found = Policy(i), true
		}
	}
	if !found {
		return Spec{}, fmt.Errorf("unknown policy %q: want PARALLEL, FAILOVER or ROUND-ROBIN", fields[0])
	}
	spec.Sockets = fields[1:]
	if len(spec.Sockets) == 0 {
		return Spec{}, fmt.Errorf("%s with no subscriber socket", spec.Policy)
	}
	return spec, nil
}

// String writes the spec back as ParseSpec reads it.
func (s Spec) String() string {
	return s.Policy.String() + " " + strings.Join(s.Sockets, " ")
}

// Backend serves virtual: sockets; their subscribers are parsed by the
// other backends of the same registry.
type Backend struct {
	reg *events.Registry
	// FailoverTimeout is how long a subscriber that failed is skipped by
	// FAILOVER sockets (failover_timeout).
	failoverTimeout time.Duration
}

// NewBackend makes a backend for reg.
func NewBackend(reg *events.Registry, failoverTimeout time.Duration) *Backend {
	return &Backend{reg: reg, failoverTimeout: failoverTimeout}
}

// Scheme implements events.Backend.
func (b *Backend) Scheme() string { return Scheme }

// Parse implements events.Backend. Every subscriber socket is parsed by
// its own backend now, so a mistake in any of them fails the
// subscription.
func (b *Backend) Parse(addr string) (events.Socket, error) {
	spec, err := ParseSpec(addr)
	if err != nil {
		return nil, err
	}
	v := &socket{backend: b, policy: spec.Policy}
	for i, s := range spec.Sockets {
		if scheme, _, _ := events.SplitSocket(s); scheme == Scheme {
			v.Close()
			return nil, fmt.Errorf("subscriber %d (%s): a virtual socket cannot hold another", i+1, s)
		}
		be, sock, err := b.reg.ParseSocket(s)
		if err != nil {
			v.Close()
			return nil, fmt.Errorf("subscriber %d: %w", i+1, err)
		}
		v.subs = append(v.subs, &sub{scheme: be.Scheme(), sock: sock})
	}
	return v, nil
}

// socket is one virtual subscriber.
type socket struct {
	backend *Backend
	policy  Policy
	subs    []*sub

	mu   sync.Mutex
	next int // ROUND-ROBIN: the subscriber of the next event
}

// sub is one real subscriber inside a virtual socket.
type sub struct {
	scheme string
	sock   events.Socket

	mu         sync.Mutex
	lastFailed time.Time // FAILOVER: zero when it worked last
}

func (s *sub) String() string { return s.scheme + ":" + s.sock.String() }

func (v *socket) String() string {
	parts := make([]string, len(v.subs))
	for i, s := range v.subs {
		parts[i] = s.String()
	}
	return Spec{Policy: v.policy, Sockets: parts}.String()
}

// Match implements events.Socket: the same policy and the same
// subscribers, in the same order for FAILOVER and ROUND-ROBIN, in any
// order for PARALLEL (OpenSIPS virtual_match, which only checks that
// the first's are all in the second).
func (v *socket) Match(other events.Socket) bool {
	o, ok := other.(*socket)
	if !ok || o.policy != v.policy || len(o.subs) != len(v.subs) {
		return false
	}
	same := func(a, b *sub) bool { return a.scheme == b.scheme && a.sock.Match(b.sock) }
	if v.policy != Parallel {
		for i := range v.subs {
			if !same(v.subs[i], o.subs[i]) {
				return false
			}
		}
		return true
	}
	// The same set both ways: {x, x} is not {x, y}.
	return covers(v.subs, o.subs, same) && covers(o.subs, v.subs, same)
}

// covers reports whether every subscriber of a has a match in b.
func covers(a, b []*sub, same func(a, b *sub) bool) bool {
	for _, x := range a {
		found := false
		for _, y := range b {
			if same(x, y) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Send implements events.Socket.
func (v *socket) Send(ctx context.Context, ev *events.Raised) error {
	switch v.policy {
	case Parallel:
		return v.sendParallel(ctx, ev)
	case Failover:
		return v.sendFailover(ctx, ev)
	default:
		v.mu.Lock()
		s := v.subs[v.next]
		// Advance even when this one fails, so one dead subscriber does
		// not take every event.
		v.next = (v.next + 1) % len(v.subs)
		v.mu.Unlock()
		if err := s.sock.Send(ctx, ev); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
		return nil
	}
}

func (v *socket) sendParallel(ctx context.Context, ev *events.Raised) error {
	errs := make([]error, len(v.subs))
	var wg sync.WaitGroup
	for i, s := range v.subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.sock.Send(ctx, ev); err != nil {
				errs[i] = fmt.Errorf("%s: %w", s, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (v *socket) sendFailover(ctx context.Context, ev *events.Raised) error {
	var errs []error
	for _, s := range v.subs {
		s.mu.Lock()
		skip := !s.lastFailed.IsZero() && time.Since(s.lastFailed) <= v.backend.failoverTimeout
		s.mu.Unlock()
		if skip {
			continue
		}
		err := s.sock.Send(ctx, ev)
		s.mu.Lock()
		if err != nil {
			s.lastFailed = time.Now()
		} else {
			s.lastFailed = time.Time{}
		}
		s.mu.Unlock()
		if err == nil {
			return nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", s, err))
		if ctx.Err() != nil {
			break
		}
	}
	if len(errs) == 0 {
		return errors.New("every subscriber failed within failover_timeout: event dropped")
	}
	return fmt.Errorf("no subscriber took the event: %w", errors.Join(errs...))
}

// Close implements events.Socket: it closes every subscriber socket.
func (v *socket) Close() error {
	var errs []error
	for _, s := range v.subs {
		if err := s.sock.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	// subs stays: subscribers_list may still print the socket.
	return errors.Join(errs...)
}

var _ events.Backend = (*Backend)(nil)
var _ events.Socket = (*socket)(nil)
