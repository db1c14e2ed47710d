//go:build !linux

package transport

import (
	"errors"
	"net"
	"net/netip"
)

// udpConn is one kernel UDP socket. Elsewhere than on Linux it goes
// through the net package (udp_linux.go has the raw system calls).
type udpConn struct{ *net.UDPConn }

func newUDPConn(c *net.UDPConn) (udpConn, error) { return udpConn{c}, nil }

// udpReader is one reader goroutine's buffer.
type udpReader struct{ buf []byte }

func newUDPReader() *udpReader { return &udpReader{buf: make([]byte, maxDatagram)} }

// readFrom reads one datagram into the reader's buffer.
func (r *udpReader) readFrom(c udpConn) ([]byte, netip.AddrPort, error) {
	n, src, err := c.ReadFromUDPAddrPort(r.buf)
	if err != nil {
		return nil, netip.AddrPort{}, err
	}
	return r.buf[:n], netip.AddrPortFrom(src.Addr().Unmap(), src.Port()), nil
}

// serveAlone is readEach: elsewhere than on Linux a reader alone on its
// socket reads one datagram at a time too (udp_linux.go batches).
func (c udpConn) serveAlone(deliver func([]byte, netip.AddrPort), readErr func(error), stop func() bool) error {
	return readEach(c, deliver, readErr, stop)
}

// receiveBuffer is not read elsewhere than on Linux: maxbuffer is then
// always asked for.
func receiveBuffer(udpConn) (int, error) { return 0, errors.New("not read on this system") }

// writeTo sends one datagram to dst.
func (c udpConn) writeTo(data []byte, dst netip.AddrPort) error {
	_, err := c.WriteToUDPAddrPort(data, dst)
	return err
}
