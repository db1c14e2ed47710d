package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"time"

	"switchboard/sip"
)

// Packet is one message received: a UDP datagram or one framed message of
// a stream.
type Packet struct {
	Data   []byte
	Src    netip.AddrPort // the peer, IPv4 never in mapped form
	Socket *Socket        // the local socket it arrived on
	Conn   *Conn          // the stream connection; nil for UDP
}

// Handler receives packets. It runs on the reader goroutines, several at
// once, and the Packet and its Data are reused after it returns: the
// handler parses (sip.Parse copies) or copies what it keeps.
type Handler func(*Packet)

// Config holds the core parameters the transport obeys. Zero fields take
// the OpenSIPS defaults.
type Config struct {
	TCPConnectTimeout     time.Duration // tcp_connect_timeout; default 100ms
	TCPConnectionLifetime time.Duration // tcp_connection_lifetime, idle time before close; default 120s
	TCPMaxConnections     int           // tcp_max_connections; default 2048
	TCPSendTimeout        time.Duration // a write that blocks longer closes the connection; default 10s
	MaxMessageSize        int           // largest stream message; default sip.MaxMessageSize
	UDPReaders            int           // udp_workers: reader goroutines per UDP socket; default GOMAXPROCS
	// UDPReceiveBuffer is maxbuffer: the SO_RCVBUF each UDP socket asks
	// for, when that is more than the system gives it already (the
	// kernel caps it at net.core.rmem_max); 0 leaves the system's.
	UDPReceiveBuffer int
	// AdvertisedHost and AdvertisedPort are the advertised_address and
	// advertised_port core parameters: what the sockets without an "as"
	// of their own write into Via and Record-Route. Empty and 0: the
	// bound address and port.
	AdvertisedHost string
	AdvertisedPort int
	Logger         *slog.Logger
	// OnClose, when set, is told of every TCP connection that closes
	// while the manager runs (not of those Close shuts down): the core
	// raises E_CORE_TCP_DISCONNECT from it. It runs on the goroutine that
	// closed the connection and must not block.
	OnClose func(c *Conn)
}

func (c *Config) setDefaults() {
	if c.TCPConnectTimeout <= 0 {
		c.TCPConnectTimeout = 100 * time.Millisecond
	}
	if c.TCPConnectionLifetime <= 0 {
		c.TCPConnectionLifetime = 120 * time.Second
	}
	if c.TCPMaxConnections <= 0 {
		c.TCPMaxConnections = 2048
	}
	if c.TCPSendTimeout <= 0 {
		c.TCPSendTimeout = 10 * time.Second
	}
	if c.MaxMessageSize <= 0 {
		c.MaxMessageSize = sip.MaxMessageSize
	}
	if c.UDPReaders <= 0 {
		c.UDPReaders = runtime.GOMAXPROCS(0)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// ErrClosed is returned by Listen and Send after Close.
var ErrClosed = errors.New("transport: closed")

// Manager owns the sockets, the reader goroutines and the TCP connection
// table.
type Manager struct {
	cfg     Config
	handler Handler
	log     *slog.Logger

	ctx    context.Context // canceled by Close: stops dials and accept back-off
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex // guards sockets and closed
	sockets []*Socket
	closed  bool

	conns   connTable
	myself  myselfTable
	nextCID uint64 // connection ids, under conns.mu
}

// NewManager returns a Manager that will deliver packets to h.
func NewManager(cfg Config, h Handler) *Manager {
	cfg.setDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{cfg: cfg, handler: h, ctx: ctx, cancel: cancel}
	m.log = cfg.Logger.With("module", "transport")
	m.conns.init()
	return m
}

// Listen binds every socket of specs, then starts their readers. When one
// fails, the sockets of this call are closed again and nothing runs: a
// server starts with all its sockets or not at all.
func (m *Manager) Listen(specs []SocketSpec) error {
	for _, spec := range specs {
		if spec.Proto != UDP && spec.Proto != TCP {
			return fmt.Errorf("transport: socket %s: not supported: %s sockets", spec, spec.Proto)
		}
	}
	var opened []*Socket
	fail := func(err error) error {
		for _, s := range opened {
			s.closeKernel()
		}
		return err
	}
	for _, spec := range specs {
		s, err := m.bind(spec)
		if err != nil {
			return fail(fmt.Errorf("transport: socket %s: %w", spec, err))
		}
		opened = append(opened, s)
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return fail(ErrClosed)
	}
	m.sockets = append(m.sockets, opened...)
	for _, s := range opened {
		m.start(s)
	}
	m.mu.Unlock()
	m.myself.addSockets(opened)
	return nil
}

// bind resolves the spec's host and opens its kernel sockets.
func (m *Manager) bind(spec SocketSpec) (*Socket, error) {
	ip, err := resolveBindHost(m.ctx, spec.Host)
	if err != nil {
		return nil, err
	}
	s := &Socket{Spec: spec, globalHost: m.cfg.AdvertisedHost, globalPort: m.cfg.AdvertisedPort}
	addr := netip.AddrPortFrom(ip, uint16(spec.Port))
	switch spec.Proto {
	case UDP:
		err = m.bindUDP(s, addr)
	case TCP:
		err = m.bindTCP(s, addr)
	}
	if err != nil {
		return nil, err
	}
	s.bound()
	return s, nil
}

// resolveBindHost turns the host of a socket definition into the address
// to bind.
func resolveBindHost(ctx context.Context, host string) (netip.Addr, error) {
	if host == "*" {
		return netip.IPv4Unspecified(), nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap(), nil
	}
	// OpenSIPS takes a name that is a network interface to mean all its
	// addresses; that expansion is not done here.
	if _, err := net.InterfaceByName(host); err == nil {
		return netip.Addr{}, fmt.Errorf("not supported: interface name %q as socket address, give its IP address", host)
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(ips) == 0 {
		return netip.Addr{}, fmt.Errorf("cannot resolve %q: %w", host, err)
	}
	return ips[0].Unmap(), nil
}

// start runs the readers of a bound socket; m.mu is held so Close waits.
func (m *Manager) start(s *Socket) {
	switch s.Spec.Proto {
	case UDP:
		m.startUDP(s)
	case TCP:
		m.wg.Add(1)
		go m.acceptLoop(s)
	}
}

// Sockets returns the open sockets in the order they were listed.
func (m *Manager) Sockets() []*Socket {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Socket(nil), m.sockets...)
}

// Close stops the readers, closes sockets and connections and waits until
// every goroutine of the Manager has returned.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	sockets := m.sockets
	m.mu.Unlock()
	m.cancel()
	var errs []error
	for _, s := range sockets {
		if err := s.closeKernel(); err != nil {
			errs = append(errs, err)
		}
	}
	m.conns.closeAll()
	m.wg.Wait()
	return errors.Join(errs...)
}

func (m *Manager) isClosed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closed
}

// Destination says where Send puts bytes.
type Destination struct {
	Proto  Proto
	Addr   netip.AddrPort
	Socket *Socket // send from this socket; optional (OpenSIPS force_send_socket)
	Conn   *Conn   // write on this connection when it is still open; optional
}

// Send writes data, one whole SIP message, to d.
func (m *Manager) Send(d Destination, data []byte) error {
	if m.isClosed() {
		return ErrClosed
	}
	if d.Conn != nil && d.Proto == ProtoAny {
		d.Proto = d.Conn.Socket.Spec.Proto
	}
	addr, err := checkDestination(d.Addr)
	if err != nil && d.Conn == nil {
		return err
	}
	d.Addr = addr
	switch d.Proto {
	case UDP, ProtoAny:
		return m.sendUDP(d, data)
	case TCP:
		return m.sendTCP(d, data)
	}
	return fmt.Errorf("transport: send to %s: not supported: %s", d.Addr, d.Proto)
}

// checkDestination refuses addresses no message may go to: the
// unspecified address, port 0, and the IPv4 limited broadcast (RFC 4475
// §3.3.10 "bcast": a Via naming 255.255.255.255 must not turn a proxy into
// an amplifier).
func checkDestination(a netip.AddrPort) (netip.AddrPort, error) {
	ip := a.Addr().Unmap()
	a = netip.AddrPortFrom(ip, a.Port())
	switch {
	case !ip.IsValid() || ip.IsUnspecified():
		return a, fmt.Errorf("transport: send to %s: unspecified address", a)
	case a.Port() == 0:
		return a, fmt.Errorf("transport: send to %s: port 0", a)
	case ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return a, fmt.Errorf("transport: send to %s: broadcast address", a)
	}
	return a, nil
}
