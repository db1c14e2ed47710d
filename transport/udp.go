package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"switchboard/sip"
)

// maxDatagram is the largest UDP payload; a read buffer this size never
// truncates.
const maxDatagram = 65535

// bindUDP opens the socket's kernel sockets: one shared by all readers, or
// with reuse_port one per reader so the kernel spreads datagrams over them
// without the readers contending for one socket.
func (m *Manager) bindUDP(s *Socket, addr netip.AddrPort) error {
	count := 1
	if s.Spec.ReusePort {
		count = m.readers(s)
	}
	lc := net.ListenConfig{}
	if s.Spec.ReusePort {
		lc.Control = setReusePort
	}
	for i := 0; i < count; i++ {
		pc, err := lc.ListenPacket(context.Background(), "udp", addr.String())
		if err != nil {
			s.closeKernel()
			return err
		}
		c, err := newUDPConn(pc.(*net.UDPConn))
		if err != nil {
			pc.Close()
			s.closeKernel()
			return err
		}
		m.growReceiveBuffer(s, c)
		s.udp = append(s.udp, c)
		if i == 0 {
			// Later reuse_port sockets must share the port the kernel
			// chose for an ephemeral bind.
			s.Local = c.LocalAddr().(*net.UDPAddr).AddrPort()
			s.Local = netip.AddrPortFrom(s.Local.Addr().Unmap(), s.Local.Port())
			addr = s.Local
		}
	}
	return nil
}

// growReceiveBuffer asks for maxbuffer bytes of receive buffer, as
// OpenSIPS does at start-up: the system's default (208 KB on Linux) holds
// only about a hundred small datagrams, a few milliseconds at high rates,
// and a datagram that does not fit is dropped and costs its sender a
// retransmission 500 ms later. It only ever grows the buffer; a failure
// leaves the socket as it was, with a notice.
func (m *Manager) growReceiveBuffer(s *Socket, c udpConn) {
	want := m.cfg.UDPReceiveBuffer
	if want <= 0 {
		return
	}
	if have, err := receiveBuffer(c); err == nil && have >= want {
		return
	}
	if err := c.SetReadBuffer(want); err != nil {
		m.log.Warn("udp receive buffer", "socket", s.String(), "maxbuffer", want, "err", err)
	}
}

// readers is how many goroutines read one UDP socket: use_workers when the
// definition has it, the global count otherwise.
func (m *Manager) readers(s *Socket) int {
	if s.Spec.Workers > 0 {
		return s.Spec.Workers
	}
	return m.cfg.UDPReaders
}

// startUDP runs the readers; Listen holds m.mu.
func (m *Manager) startUDP(s *Socket) {
	n := m.readers(s)
	alone := n <= len(s.udp) // each reader has a kernel socket of its own
	for i := 0; i < n; i++ {
		m.wg.Add(1)
		go m.readUDP(s, s.udp[i%len(s.udp)], alone)
	}
}

// readUDP delivers datagrams until the socket closes. The buffers and the
// Packet belong to this goroutine and are reused, so receiving allocates
// nothing. A reader alone on its socket reads in batches (serveAlone);
// readers sharing one take a datagram each in turn, so that one reads
// while the others handle theirs.
func (m *Manager) readUDP(s *Socket, c udpConn, alone bool) {
	defer m.wg.Done()
	pkt := &Packet{Socket: s}
	deliver := func(data []byte, src netip.AddrPort) {
		// CRLF keep-alives (RFC 5626 §3.5.1 is for streams, but many user
		// agents send them over UDP too) carry no message.
		if len(data) == 0 || sip.KeepaliveLen(data) == len(data) {
			return
		}
		pkt.Data = data
		pkt.Src = src
		m.handler(pkt)
	}
	readErr := func(err error) {
		// An ICMP error from an earlier send can surface here; the
		// socket is still good.
		m.log.Debug("udp read", "socket", s.String(), "err", err)
	}
	serve := readEach
	if alone {
		serve = udpConn.serveAlone
	}
	for {
		err := serve(c, deliver, readErr, m.isClosed)
		if errors.Is(err, net.ErrClosed) || m.isClosed() {
			return
		}
		readErr(err)
	}
}

// readEach reads one datagram at a time and hands each to deliver until
// stop says so or the socket closes, and returns what ended it.
func readEach(c udpConn, deliver func([]byte, netip.AddrPort), readErr func(error), stop func() bool) error {
	r := newUDPReader()
	for !stop() {
		data, src, err := r.readFrom(c)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			readErr(err)
			continue
		}
		deliver(data, src)
	}
	return net.ErrClosed
}

// sendUDP writes one datagram from the forced socket or the first UDP
// socket of the destination's family.
func (m *Manager) sendUDP(d Destination, data []byte) error {
	s := d.Socket
	if s == nil {
		s = m.pickSocket(UDP, d.Addr.Addr())
		if s == nil {
			return fmt.Errorf("transport: send to %s: no udp socket for its address family", d.Addr)
		}
	} else if s.Spec.Proto != UDP || !s.canSend(d.Addr.Addr()) {
		return fmt.Errorf("transport: send to %s: socket %s cannot reach it", d.Addr, s)
	}
	if len(data) > maxDatagram {
		return fmt.Errorf("transport: send to %s: %d bytes do not fit a datagram", d.Addr, len(data))
	}
	if err := s.udp[0].writeTo(data, d.Addr); err != nil {
		return fmt.Errorf("transport: send to udp:%s: %w", d.Addr, err)
	}
	if t := tap.Load(); t != nil {
		traceSent(t, UDP, s.Local, d.Addr, data)
	}
	return nil
}
