package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// bindTCP opens the listener.
func (m *Manager) bindTCP(s *Socket, addr netip.AddrPort) error {
	lc := net.ListenConfig{}
	if s.Spec.ReusePort {
		lc.Control = setReusePort
	}
	l, err := lc.Listen(context.Background(), "tcp", addr.String())
	if err != nil {
		return err
	}
	s.tcp = l.(*net.TCPListener)
	local := s.tcp.Addr().(*net.TCPAddr).AddrPort()
	s.Local = netip.AddrPortFrom(local.Addr().Unmap(), local.Port())
	return nil
}

// acceptLoop takes connections until the listener closes.
func (m *Manager) acceptLoop(s *Socket) {
	defer m.wg.Done()
	backoff := 5 * time.Millisecond
	for {
		nc, err := s.tcp.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || m.isClosed() {
				return
			}
			// Out of descriptors and the like: wait instead of spinning,
			// as net/http does.
			m.log.Warn("tcp accept", "socket", s.String(), "err", err)
			select {
			case <-time.After(backoff):
			case <-m.ctx.Done():
				return
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		c := m.newConn(nc, s, false)
		if err := m.adopt(c, false); err != nil {
			m.log.Warn("tcp connection refused", "conn", c.String(), "err", err)
			nc.Close()
		}
	}
}

func (m *Manager) newConn(nc *net.TCPConn, s *Socket, outgoing bool) *Conn {
	remote := nc.RemoteAddr().(*net.TCPAddr).AddrPort()
	c := &Conn{
		Socket:   s,
		Remote:   netip.AddrPortFrom(remote.Addr().Unmap(), remote.Port()),
		Outgoing: outgoing,
		m:        m,
		nc:       nc,
	}
	c.touch()
	return c
}

// adopt enters c in the table and starts its reader. It holds m.mu so
// that no reader starts once Close has begun waiting.
func (m *Manager) adopt(c *Conn, reserved bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		if reserved {
			m.conns.unreserve()
		}
		return ErrClosed
	}
	m.nextCID++
	c.ID = m.nextCID
	if err := m.conns.add(c, reserved, m.cfg.TCPMaxConnections); err != nil {
		return err
	}
	m.wg.Add(1)
	go c.readLoop()
	return nil
}

// sendTCP writes on d.Conn when it is open, else on a connection already
// open to d.Addr (its own address or an alias), else on a new one.
func (m *Manager) sendTCP(d Destination, data []byte) error {
	if d.Conn != nil && !d.Conn.Closed() {
		if err := d.Conn.write(data); err == nil || !d.Addr.IsValid() {
			return err
		}
	}
	if _, err := checkDestination(d.Addr); err != nil {
		return err
	}
	if c := m.conns.lookup(TCP, d.Addr); c != nil {
		if err := c.write(data); err == nil {
			return nil
		}
		// The connection broke under us; a new one may still work.
	}
	c, err := m.dial(d)
	if err != nil {
		return err
	}
	return c.write(data)
}

// dial opens a connection from the forced or a matching TCP socket's
// address, so the peer sees the address we listen on.
func (m *Manager) dial(d Destination) (*Conn, error) {
	s := d.Socket
	if s == nil {
		s = m.pickSocket(TCP, d.Addr.Addr())
		if s == nil {
			return nil, fmt.Errorf("transport: connect to %s: no tcp socket for its address family", d.Addr)
		}
	} else if s.Spec.Proto != TCP || !s.canSend(d.Addr.Addr()) {
		return nil, fmt.Errorf("transport: connect to %s: socket %s cannot reach it", d.Addr, s)
	}
	if err := m.conns.reserve(m.cfg.TCPMaxConnections); err != nil {
		return nil, fmt.Errorf("transport: connect to %s: %w", d.Addr, err)
	}
	dialer := net.Dialer{Timeout: m.cfg.TCPConnectTimeout}
	if local := s.Local.Addr(); !local.IsUnspecified() {
		dialer.LocalAddr = net.TCPAddrFromAddrPort(netip.AddrPortFrom(local, 0))
	}
	nc, err := dialer.DialContext(m.ctx, "tcp", d.Addr.String())
	if err != nil {
		m.conns.unreserve()
		return nil, fmt.Errorf("transport: connect to tcp:%s: %w", d.Addr, err)
	}
	c := m.newConn(nc.(*net.TCPConn), s, true)
	if err := m.adopt(c, true); err != nil {
		nc.Close()
		return nil, fmt.Errorf("transport: connect to tcp:%s: %w", d.Addr, err)
	}
	return c, nil
}

// AddConnAlias lets later requests to addr reuse c, as RFC 5923 allows
// when a request arrives on c with an "alias" Via parameter (ConnAlias
// computes addr).
func (m *Manager) AddConnAlias(c *Conn, addr netip.AddrPort) {
	m.conns.alias(c, netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port()))
}

// ConnCount is the number of open stream connections.
func (m *Manager) ConnCount() int { return m.conns.count() }
