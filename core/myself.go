package core

import "switchboard/core/builtin"

var myself func(host string, port int) bool

// SetMyself installs the check of whether host:port is this server (its
// sockets, advertised addresses and aliases); the server calls it once it
// listens. Port 0 means any of the server's ports (a host given alone).
func SetMyself(f func(host string, port int) bool) {
	myself = f
	builtin.Myself = f
}

// IsMyself reports whether host:port is this server (rr's loose_route,
// is_myself). Before the server listens nothing is.
func IsMyself(host string, port int) bool {
	return myself != nil && myself(host, port)
}
