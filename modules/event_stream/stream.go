// Package event_stream is OpenSIPS's event_stream module: an Event
// Interface backend that sends each event as JSON-RPC 2.0 over a TCP
// connection to the subscriber ("tcp:host:port[/method]"), as a
// notification or, in reliable_mode, as a request whose response it waits
// for.
package event_stream

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"switchboard/events"
)

// Config holds the module parameters.
type Config struct {
	// ReliableMode sends requests with an id and waits for the response
	// (reliable_mode).
	ReliableMode bool
	// Timeout bounds connecting and sending, and in reliable mode the
	// wait for the response (timeout, milliseconds).
	Timeout time.Duration
	// EventParam, when set, adds the event name to the params under this
	// key (event_param).
	EventParam string
}

// DefaultConfig is OpenSIPS's defaults: notifications, 1 s timeout.
func DefaultConfig() Config { return Config{Timeout: time.Second} }

// Backend serves the "tcp" scheme with one configuration.
type Backend struct {
	cfg Config
	ids atomic.Int64
}

// NewBackend makes a backend with cfg.
func NewBackend(cfg Config) *Backend { return &Backend{cfg: cfg} }

// Scheme is "tcp".
func (b *Backend) Scheme() string { return "tcp" }

// Parse reads "host:port[/method]". Host names are resolved when the
// connection is made, not here.
func (b *Backend) Parse(addr string) (events.Socket, error) {
	host, port, method, err := ParseAddress(addr)
	if err != nil {
		return nil, err
	}
	return &Socket{b: b, host: host, port: port, method: method}, nil
}

// ParseAddress splits "host:port[/method]": the host is an IP address
// (IPv6 in brackets) or a host name, the port 1..65535, the method (when
// given) a non-empty word without spaces.
func ParseAddress(addr string) (host string, port int, method string, err error) {
	hostPort, method, hasMethod := strings.Cut(addr, "/")
	if hasMethod && (method == "" || strings.ContainsAny(method, " \t\r\n\"\\")) {
		return "", 0, "", fmt.Errorf("malformed method %q in %q", method, addr)
	}
	if host, port, err = events.SplitHostPort(hostPort); err != nil {
		return "", 0, "", fmt.Errorf("%w (want host:port[/method])", err)
	}
	return host, port, method, nil
}

// Socket is one subscriber: a JSON-RPC server. Its connection is opened at
// the first event, kept, and opened again after a failure.
type Socket struct {
	b      *Backend
	host   string
	port   int
	method string

	mu   sync.Mutex
	conn net.Conn
	rd   *json.Decoder
}

// String prints "host:port[/method]".
func (s *Socket) String() string {
	out := s.host + ":" + strconv.Itoa(s.port)
	if s.method != "" {
		out += "/" + s.method
	}
	return out
}

// Match reports whether other is the same server and method.
func (s *Socket) Match(other events.Socket) bool {
	o, ok := other.(*Socket)
	return ok && strings.EqualFold(o.host, s.host) && o.port == s.port && o.method == s.method
}

// Send writes the event; in reliable mode it waits for the response and
// fails on a JSON-RPC error or a response to another request.
func (s *Socket) Send(ctx context.Context, ev *events.Raised) error {
	cfg := s.b.cfg
	method := s.method
	if method == "" {
		method = ev.Event
	}
	var extra events.Param
	if cfg.EventParam != "" {
		extra = events.Param{Name: cfg.EventParam, Value: ev.Event}
	}
	var id any
	var idNum int64
	if cfg.ReliableMode {
		idNum = s.b.ids.Add(1)
		id = idNum
	}
	payload := events.JSONRPC(method, id, ev.Params, extra)

	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.connect(ctx); err != nil {
		return err
	}
	deadline := time.Now().Add(cfg.Timeout)
	s.conn.SetDeadline(deadline)
	if _, err := s.conn.Write(payload); err != nil {
		s.drop()
		return fmt.Errorf("send to %s: %w", s, err)
	}
	if !cfg.ReliableMode {
		return nil
	}
	var reply struct {
		ID    json.RawMessage `json:"id"`
		Error json.RawMessage `json:"error"`
	}
	if err := s.rd.Decode(&reply); err != nil {
		s.drop()
		return fmt.Errorf("no JSON-RPC response from %s: %w", s, err)
	}
	if string(reply.ID) != strconv.FormatInt(idNum, 10) {
		s.drop() // out of step: start again on a fresh connection
		return fmt.Errorf("response from %s has id %s, want %d", s, reply.ID, idNum)
	}
	if len(reply.Error) > 0 && string(reply.Error) != "null" {
		return fmt.Errorf("%s answered %s with an error: %s", s, ev.Event, reply.Error)
	}
	return nil
}

func (s *Socket) connect(ctx context.Context) error {
	if s.conn != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.b.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(strings.Trim(s.host, "[]"), strconv.Itoa(s.port)))
	if err != nil {
		return fmt.Errorf("connect to %s: %w", s, err)
	}
	s.conn = c
	s.rd = json.NewDecoder(bufio.NewReader(c))
	return nil
}

func (s *Socket) drop() {
	if s.conn != nil {
		s.conn.Close()
		s.conn, s.rd = nil, nil
	}
}

// Close closes the connection.
func (s *Socket) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn, s.rd = nil, nil
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

var (
	_ events.Backend = (*Backend)(nil)
	_ events.Socket  = (*Socket)(nil)
)
