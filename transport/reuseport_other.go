//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package transport

import (
	"errors"
	"syscall"
)

func setReusePort(network, address string, rc syscall.RawConn) error {
	return errors.New("not supported: reuse_port on this system")
}
