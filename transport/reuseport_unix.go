//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package transport

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// setReusePort lets several sockets bind the same address, so the kernel
// balances datagrams (and connections) among them.
func setReusePort(network, address string, rc syscall.RawConn) error {
	var sockErr error
	err := rc.Control(func(fd uintptr) {
		sockErr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	})
	if err != nil {
		return err
	}
	return sockErr
}
