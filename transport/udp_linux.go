//go:build linux

package transport

import (
	"errors"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// On Linux the UDP hot path calls recvfrom and sendto as raw system calls
// on the non-blocking socket, inside the runtime's RawConn Read and Write
// (which park the goroutine in the netpoller on EAGAIN, as net does). A
// raw call skips the runtime's entersyscall/exitsyscall: the processor is
// never seen as blocked in a system call, so sysmon neither wakes up for
// it nor hands the processor to another thread. Under load that was a
// quarter of the server's CPU (docs/performance.md). Neither call can
// block: the socket is non-blocking.

// udpFamily returns the address family of a UDP socket: a wildcard
// "udp" socket is AF_INET6 (dual stack) even for an IPv4 address.
func udpFamily(c *net.UDPConn) (int, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0, err
	}
	family := 0
	var sockErr error
	err = rc.Control(func(fd uintptr) {
		var sa unix.Sockaddr
		sa, sockErr = unix.Getsockname(int(fd))
		switch sa.(type) {
		case *unix.SockaddrInet4:
			family = unix.AF_INET
		case *unix.SockaddrInet6:
			family = unix.AF_INET6
		}
	})
	if err == nil {
		err = sockErr
	}
	if err == nil && family == 0 {
		err = errors.New("transport: udp socket of an unknown address family")
	}
	return family, err
}

// udpConn is one kernel UDP socket with its raw access.
type udpConn struct {
	*net.UDPConn
	raw    syscall.RawConn
	family int
}

func newUDPConn(c *net.UDPConn) (udpConn, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return udpConn{}, err
	}
	family, err := udpFamily(c)
	if err != nil {
		return udpConn{}, err
	}
	return udpConn{UDPConn: c, raw: rc, family: family}, nil
}

// udpReader is one reader goroutine's state: its buffer, and a read
// function made once so that a read allocates nothing.
type udpReader struct {
	buf   []byte
	n     int
	from  unix.RawSockaddrAny
	errno syscall.Errno
	read  func(fd uintptr) bool
}

func newUDPReader() *udpReader {
	r := &udpReader{buf: make([]byte, maxDatagram)}
	r.read = r.recvfrom
	return r
}

// recvfrom is the RawConn read function: false asks the runtime to wait
// until the socket is readable.
func (r *udpReader) recvfrom(fd uintptr) bool {
	fromLen := uint32(unsafe.Sizeof(r.from))
	n, _, errno := unix.RawSyscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&r.buf[0])), uintptr(len(r.buf)),
		0, uintptr(unsafe.Pointer(&r.from)), uintptr(unsafe.Pointer(&fromLen)))
	switch errno {
	case unix.EAGAIN:
		return false
	case unix.EINTR:
		return r.recvfrom(fd)
	}
	r.n, r.errno = int(n), errno
	return true
}

// readFrom reads one datagram into the reader's buffer.
func (r *udpReader) readFrom(c udpConn) ([]byte, netip.AddrPort, error) {
	if err := c.raw.Read(r.read); err != nil {
		return nil, netip.AddrPort{}, err
	}
	if r.errno != 0 {
		return nil, netip.AddrPort{}, &net.OpError{Op: "read", Net: "udp", Err: r.errno}
	}
	return r.buf[:r.n], decodeSockaddr(&r.from), nil
}

// batchLen is how many datagrams one recvmmsg call may take.
const batchLen = 4

// mmsghdr is struct mmsghdr of recvmmsg(2): x/sys/unix has no type for it.
type mmsghdr struct {
	hdr unix.Msghdr
	len uint32
}

// batchReader is a reader with a kernel socket to itself. recvmmsg takes
// every queued datagram, up to batchLen, in one call; when it returns
// fewer the queue was empty, so the reader waits for the socket's next
// readiness edge instead of trying a read that would fail with EAGAIN,
// which was one system call per received datagram at low rates
// (docs/performance.md). That is safe only because one RawConn.Read
// spans the reader's life: the runtime clears a socket's readiness when
// a Read starts, so an edge it saw while messages were being handled
// would otherwise be lost, and a queued datagram with it.
type batchReader struct {
	bufs    [batchLen][]byte
	from    [batchLen]unix.RawSockaddrAny
	iovs    [batchLen]unix.Iovec
	hdrs    [batchLen]mmsghdr
	deliver func([]byte, netip.AddrPort)
	readErr func(error)
	stop    func() bool
}

// serveAlone reads datagrams in batches and hands each to deliver until
// stop says so or the socket closes; it returns the Read's error.
func (c udpConn) serveAlone(deliver func([]byte, netip.AddrPort), readErr func(error), stop func() bool) error {
	b := &batchReader{deliver: deliver, readErr: readErr, stop: stop}
	for i := range b.bufs {
		b.bufs[i] = make([]byte, maxDatagram)
		b.iovs[i].Base = &b.bufs[i][0]
		b.iovs[i].SetLen(maxDatagram)
		b.hdrs[i].hdr.Name = (*byte)(unsafe.Pointer(&b.from[i]))
		b.hdrs[i].hdr.Iov = &b.iovs[i]
		b.hdrs[i].hdr.SetIovlen(1)
	}
	err := c.raw.Read(b.serve)
	if err == nil {
		err = net.ErrClosed // serve stops only when told to
	}
	return err
}

// serve is the RawConn read function: it handles batches until the queue
// is empty (false: wait for readiness) or the manager closes (true).
func (b *batchReader) serve(fd uintptr) bool {
	for !b.stop() {
		for i := range b.hdrs {
			b.hdrs[i].hdr.Namelen = uint32(unsafe.Sizeof(b.from[i]))
			b.hdrs[i].hdr.Flags = 0
		}
		n, _, errno := unix.RawSyscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&b.hdrs[0])), batchLen,
			unix.MSG_DONTWAIT, 0, 0)
		switch errno {
		case 0:
		case unix.EAGAIN:
			return false
		case unix.EINTR:
			continue
		default:
			// The error is reported once and cleared (an ICMP error from
			// an earlier send); the datagrams behind it are read next.
			b.readErr(&net.OpError{Op: "read", Net: "udp", Err: errno})
			continue
		}
		for i := 0; i < int(n); i++ {
			b.deliver(b.bufs[i][:b.hdrs[i].len], decodeSockaddr(&b.from[i]))
		}
		if n < batchLen {
			return false
		}
	}
	return true
}

// decodeSockaddr returns the address in sa, IPv4 never in mapped form.
func decodeSockaddr(sa *unix.RawSockaddrAny) netip.AddrPort {
	switch sa.Addr.Family {
	case unix.AF_INET:
		in := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		return netip.AddrPortFrom(netip.AddrFrom4(in.Addr), getPort(&in.Port))
	case unix.AF_INET6:
		in := (*unix.RawSockaddrInet6)(unsafe.Pointer(sa))
		return netip.AddrPortFrom(netip.AddrFrom16(in.Addr).Unmap(), getPort(&in.Port))
	}
	return netip.AddrPort{}
}

// encodeSockaddr writes dst for a socket of family into sa and returns
// its length: IPv4 goes mapped on an AF_INET6 socket. It is 0 when the
// socket cannot reach dst.
func encodeSockaddr(sa *unix.RawSockaddrAny, family int, dst netip.AddrPort) uint32 {
	addr := dst.Addr()
	switch {
	case family == unix.AF_INET && addr.Is4():
		in := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		*in = unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: addr.As4()}
		putPort(&in.Port, dst.Port())
		return unix.SizeofSockaddrInet4
	case family == unix.AF_INET6:
		in := (*unix.RawSockaddrInet6)(unsafe.Pointer(sa))
		*in = unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: addr.As16()}
		putPort(&in.Port, dst.Port())
		if addr.Is6() && addr.Zone() != "" {
			return 0 // scoped addresses take the net package's path
		}
		return unix.SizeofSockaddrInet6
	}
	return 0
}

// udpWriter is one send: pooled, with its write function made once.
type udpWriter struct {
	data  []byte
	to    unix.RawSockaddrAny
	toLen uint32
	errno syscall.Errno
	write func(fd uintptr) bool
}

var udpWriters = sync.Pool{New: func() any {
	w := &udpWriter{}
	w.write = w.sendto
	return w
}}

func (w *udpWriter) sendto(fd uintptr) bool {
	var p unsafe.Pointer
	if len(w.data) > 0 {
		p = unsafe.Pointer(&w.data[0])
	}
	_, _, errno := unix.RawSyscall6(unix.SYS_SENDTO, fd, uintptr(p), uintptr(len(w.data)),
		0, uintptr(unsafe.Pointer(&w.to)), uintptr(w.toLen))
	switch errno {
	case unix.EAGAIN:
		return false
	case unix.EINTR:
		return w.sendto(fd)
	}
	w.errno = errno
	return true
}

// writeTo sends one datagram to dst.
func (c udpConn) writeTo(data []byte, dst netip.AddrPort) error {
	w := udpWriters.Get().(*udpWriter)
	defer udpWriters.Put(w)
	w.toLen = encodeSockaddr(&w.to, c.family, dst)
	if w.toLen == 0 {
		_, err := c.WriteToUDPAddrPort(data, dst)
		return err
	}
	w.data, w.errno = data, 0
	err := c.raw.Write(w.write)
	w.data = nil
	if err == nil && w.errno != 0 {
		err = &net.OpError{Op: "write", Net: "udp", Addr: net.UDPAddrFromAddrPort(dst), Err: w.errno}
	}
	return err
}

// putPort and getPort store and read a sockaddr port, which is in network
// byte order whatever the host's.
func putPort(p *uint16, port uint16) {
	b := (*[2]byte)(unsafe.Pointer(p))
	b[0], b[1] = byte(port>>8), byte(port)
}

func getPort(p *uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(p))
	return uint16(b[0])<<8 | uint16(b[1])
}

// receiveBuffer is the socket's SO_RCVBUF as the kernel reports it.
func receiveBuffer(c udpConn) (int, error) {
	n, errno := 0, error(nil)
	err := c.raw.Control(func(fd uintptr) {
		n, errno = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF)
	})
	if err == nil {
		err = errno
	}
	return n, err
}
