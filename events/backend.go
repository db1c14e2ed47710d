package events

import (
	"context"
	"fmt"
	"strings"
)

// Backend is an event transport (OpenSIPS's evi_export_t): the module that
// serves one socket scheme. event_datagram serves "udp" and "unix",
// event_stream "tcp", event_flatstore "flatstore", event_rabbitmq
// "rabbitmq", event_virtual "virtual", and the core serves "route" for
// event_route. A module registers its backends from its Init hook with
// Registry.RegisterBackend and removes them from Shutdown with
// Registry.UnregisterBackend, so a scheme is only known while a script that
// loads the module runs.
type Backend interface {
	// Scheme is the socket prefix the backend serves, without the colon:
	// "udp" for "udp:127.0.0.1:8888".
	Scheme() string
	// Parse validates addr, the socket string after "scheme:", and returns
	// the destination. It runs inside MI commands and script functions:
	// no network I/O, no blocking. A bad addr is an error that says what
	// is wrong with it (it reaches the MI client and the log).
	Parse(addr string) (Socket, error)
}

// Socket is one subscriber's destination, made by its backend's Parse
// (OpenSIPS's evi_reply_sock with the transport's match/print/free).
type Socket interface {
	// String prints the destination as subscribers_list shows it after
	// "scheme:" (OpenSIPS's print function): "127.0.0.1:8888".
	String() string
	// Match reports whether other, parsed by the same backend, names the
	// same destination: subscribing a socket that matches an existing
	// subscriber refreshes that subscriber's expiry instead of adding one.
	Match(other Socket) bool
	// Send delivers one raised event. The registry calls it from the
	// subscriber's own delivery goroutine, one event at a time, in raise
	// order, so it may block; it must bound its I/O itself (the ctx ends
	// when the subscriber is removed or the registry stops). A returned
	// error is logged with the subscriber; the subscription stays.
	// Sockets that implement SyncSocket are called in the raiser's
	// goroutine instead.
	Send(ctx context.Context, ev *Raised) error
	// Close releases what the socket holds (connections, open files) once
	// it is unsubscribed, expired or its backend is unregistered. No Send
	// runs during or after Close.
	Close() error
}

// SyncSocket is a Socket whose Send must run in the goroutine that raises
// the event, before Raise returns: a sync event_route. Sync returning
// false puts the socket on a delivery goroutine like any other.
type SyncSocket interface {
	Socket
	Sync() bool
}

// Raised is one occurrence of an event as backends see it.
type Raised struct {
	// Event is the event's name: "E_UL_AOR_INSERT".
	Event string
	// Params are the event's parameters, in the order the raiser gave
	// them. Shared by every subscriber: read-only.
	Params Params
	// Depth is how many sync deliveries this raise is nested in (0 for
	// an event raised by the core, a module, MI or a main route): a sync
	// backend that runs script passes it on so nested raises stay bounded
	// (Event.RaiseDepth).
	Depth int
}

// Param is one event parameter. Value is a string, an int or nil (a
// parameter without value); Name is empty for positional parameters (a
// script raise_event without attribute names, or an MI raise_event with an
// array).
type Param struct {
	Name  string
	Value any
}

// Params are an event's parameters. They are either all named or all
// positional, as in OpenSIPS.
type Params []Param

// Named reports whether the parameters carry names (a JSON object in the
// payload) rather than only values (a JSON array).
func (p Params) Named() bool { return len(p) > 0 && p[0].Name != "" }

// Get returns the value of the parameter called name.
func (p Params) Get(name string) (any, bool) {
	for _, prm := range p {
		if prm.Name == name {
			return prm.Value, true
		}
	}
	return nil, false
}

// SplitSocket splits "scheme:addr" at the first colon. The scheme is a
// lower-case word, the address non-empty.
func SplitSocket(s string) (scheme, addr string, err error) {
	scheme, addr, found := strings.Cut(s, ":")
	switch {
	case s == "":
		return "", "", fmt.Errorf("events: empty socket")
	case !found || scheme == "":
		return "", "", fmt.Errorf("events: socket %q: want scheme:address (udp:127.0.0.1:8888)", s)
	case addr == "":
		return "", "", fmt.Errorf("events: socket %q: no address after %q", s, scheme+":")
	case !validScheme(scheme):
		return "", "", fmt.Errorf("events: socket %q: %q is no scheme (want udp:, unix:, tcp:, route:...)", s, scheme)
	}
	return scheme, addr, nil
}

// validScheme accepts a lower-case word: a letter, then letters, digits
// or '_'.
func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || i > 0 && (c >= '0' && c <= '9' || c == '_')) {
			return false
		}
	}
	return true
}
