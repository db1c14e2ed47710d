// Package event_datagram is OpenSIPS's event_datagram module: an Event
// Interface backend that sends each event as a JSON-RPC 2.0 notification
// in one datagram, over UDP ("udp:host:port") or a unix datagram socket
// ("unix:/path").
package event_datagram

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"switchboard/events"
)

// MaxPayload is the largest event a datagram carries (OpenSIPS's FAQ:
// 65457 bytes); a larger one is not sent and its failure is logged.
const MaxPayload = 65457

// sendTimeout bounds one send, so a unix receiver whose queue is full
// does not hold the subscriber's goroutine for ever.
const sendTimeout = time.Second

// Backend serves one scheme: "udp" or "unix".
type Backend struct {
	unix bool
}

// UDP and Unix are the module's two backends.
var (
	UDP  = &Backend{}
	Unix = &Backend{unix: true}
)

// Scheme is "udp" or "unix".
func (b *Backend) Scheme() string {
	if b.unix {
		return "unix"
	}
	return "udp"
}

// Parse reads "host:port" (udp; an IPv6 host in brackets) or a socket
// path (unix). Host names are resolved when an event is sent, not here.
func (b *Backend) Parse(addr string) (events.Socket, error) {
	if b.unix {
		path, err := ParseUnix(addr)
		if err != nil {
			return nil, err
		}
		return &Socket{unix: true, host: path}, nil
	}
	host, port, err := ParseUDP(addr)
	if err != nil {
		return nil, err
	}
	return &Socket{host: host, port: port}, nil
}

// ParseUDP splits "host:port": the port must be 1..65535, the host an IP
// address (IPv6 in brackets) or a host name.
func ParseUDP(addr string) (host string, port int, err error) { return events.SplitHostPort(addr) }

// ParseUnix checks a unix socket path: non-empty, shorter than
// sockaddr_un's 108 bytes, without NUL.
func ParseUnix(path string) (string, error) {
	switch {
	case path == "":
		return "", errors.New("no unix socket path")
	case len(path) >= 108:
		return "", fmt.Errorf("unix socket path longer than 107 bytes: %q", path)
	case strings.IndexByte(path, 0) >= 0:
		return "", fmt.Errorf("unix socket path with a NUL byte: %q", path)
	}
	return path, nil
}

// Socket is one subscriber's destination. Its connection is made at the
// first event and kept until the subscription ends.
type Socket struct {
	unix bool
	host string // udp: host as written; unix: the path
	port int

	mu   sync.Mutex
	conn net.Conn
}

// String prints "host:port" or the path, as OpenSIPS's datagram_print.
func (s *Socket) String() string {
	if s.unix {
		return s.host
	}
	return s.host + ":" + strconv.Itoa(s.port)
}

// Match reports whether other is the same destination.
func (s *Socket) Match(other events.Socket) bool {
	o, ok := other.(*Socket)
	return ok && o.unix == s.unix && strings.EqualFold(o.host, s.host) && o.port == s.port
}

// Send sends the event as one JSON-RPC notification.
func (s *Socket) Send(ctx context.Context, ev *events.Raised) error {
	payload := events.JSONRPC(ev.Event, nil, ev.Params, events.Param{})
	if len(payload) > MaxPayload {
		return fmt.Errorf("event %s is %d bytes, more than a datagram carries (%d)", ev.Event, len(payload), MaxPayload)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		c, err := s.dial(ctx)
		if err != nil {
			return err
		}
		s.conn = c
	}
	s.conn.SetWriteDeadline(time.Now().Add(sendTimeout))
	if _, err := s.conn.Write(payload); err != nil {
		// A unix receiver that went away and came back is a new
		// socket: dial again next time.
		s.conn.Close()
		s.conn = nil
		return err
	}
	return nil
}

func (s *Socket) dial(ctx context.Context) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	var d net.Dialer
	if s.unix {
		return d.DialContext(ctx, "unixgram", s.host)
	}
	return d.DialContext(ctx, "udp", s.String())
}

// Close releases the connection.
func (s *Socket) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}

var (
	_ events.Backend = (*Backend)(nil)
	_ events.Socket  = (*Socket)(nil)
)
