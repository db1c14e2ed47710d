package transport

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Socket is a bound socket= definition.
type Socket struct {
	Spec  SocketSpec
	Local netip.AddrPort // the address bound, with the kernel's port when Spec.Port was 0
	// globalHost and globalPort are the advertised_address and
	// advertised_port core parameters, for a socket without "as".
	globalHost string
	globalPort int

	udp []udpConn // one, or one per reader with reuse_port
	tcp *net.TCPListener

	// name, sentByHost and sentByPort are String and SentBy, worked out
	// once when the socket is bound: every message asks for them.
	name       string
	sentByHost string
	sentByPort int
	sentBy     string // sentByHost:sentByPort
}

// bound records what String and SentBy return, once Local is known.
func (s *Socket) bound() {
	s.name = s.formatName()
	s.sentByHost, s.sentByPort = s.formatSentBy()
	s.sentBy = s.sentByHost + ":" + strconv.Itoa(s.sentByPort)
}

// SentByHostPort is SentBy as "host:port", IPv6 in brackets: what Via
// and Record-Route carry.
func (s *Socket) SentByHostPort() string {
	if s.sentBy != "" {
		return s.sentBy
	}
	host, port := s.SentBy()
	return host + ":" + strconv.Itoa(port)
}

// Proto is the socket's transport.
func (s *Socket) Proto() Proto { return s.Spec.Proto }

// String is the OpenSIPS name of the socket, "udp:127.0.0.1:5060".
func (s *Socket) String() string {
	if s.name != "" {
		return s.name
	}
	return s.formatName()
}

func (s *Socket) formatName() string {
	return s.Spec.Proto.String() + ":" + hostPort(s.Local.Addr().String(), int(s.Local.Port()))
}

// SentBy is the host and port to put in Via and Record-Route: the "as"
// address when the definition has one, else the advertised_address and
// advertised_port core parameters, else the bound address. It is worked
// out once when the socket is bound.
func (s *Socket) SentBy() (host string, port int) {
	if s.name != "" {
		return s.sentByHost, s.sentByPort
	}
	return s.formatSentBy()
}

func (s *Socket) formatSentBy() (host string, port int) { return s.Advertise("", 0) }

// Advertise is SentBy for a message whose script called
// set_advertised_address (host) or set_advertised_port (port): as in
// OpenSIPS, a socket's own "as" wins over them, and they win over the
// global parameters. An "as" without a port advertises the bound port.
// Empty and 0 mean "not set".
func (s *Socket) Advertise(host string, port int) (string, int) {
	if s.Spec.AdvertisedHost != "" {
		host, port = s.Spec.AdvertisedHost, s.Spec.AdvertisedPort
	} else {
		if host == "" {
			host = s.globalHost
		}
		if port == 0 {
			port = s.globalPort
		}
	}
	if host == "" {
		host = s.Local.Addr().String()
	}
	if port == 0 {
		port = int(s.Local.Port())
	}
	return hostPort(host, 0), port
}

// AsAddress returns the socket's own "as" address: the host, and the
// port (the bound one when "as" gave none); ok is false without "as"
// ($socket_in(advertised_ip), (advertised_port)).
func (s *Socket) AsAddress() (host string, port int, ok bool) {
	if s.Spec.AdvertisedHost == "" {
		return "", 0, false
	}
	host, port = s.SentBy()
	return host, port, true
}

// advertises reports whether the socket writes another address than
// the one it is bound to.
func (s *Socket) advertises() bool {
	return s.Spec.AdvertisedHost != "" || s.Spec.AdvertisedPort != 0 || s.globalHost != "" || s.globalPort != 0
}

// closeKernel closes the kernel sockets; the readers see net.ErrClosed.
func (s *Socket) closeKernel() error {
	var errs []error
	for _, c := range s.udp {
		errs = append(errs, c.Close())
	}
	if s.tcp != nil {
		errs = append(errs, s.tcp.Close())
	}
	return errors.Join(errs...)
}

// pickSocket returns the first socket of proto that can send to dst: same
// address family, or an IPv6 wildcard socket, which the kernel lets send
// IPv4 as mapped addresses.
func (m *Manager) pickSocket(proto Proto, dst netip.Addr) *Socket {
	m.mu.Lock()
	defer m.mu.Unlock()
	var fallback *Socket
	for _, s := range m.sockets {
		if s.Spec.Proto != proto {
			continue
		}
		local := s.Local.Addr()
		if local.Is4() == dst.Is4() {
			return s
		}
		if fallback == nil && local.Is6() && local.IsUnspecified() {
			fallback = s
		}
	}
	return fallback
}

// canSend reports whether a forced socket can reach dst's family.
func (s *Socket) canSend(dst netip.Addr) bool {
	local := s.Local.Addr()
	return local.Is4() == dst.Is4() || (local.Is6() && local.IsUnspecified())
}

// PickSocket returns the socket a message to dst over proto leaves from
// when none is forced: the first socket of that protocol and address
// family. The core asks before it builds the message, since the Via and
// Record-Route carry the socket's address.
func (m *Manager) PickSocket(proto Proto, dst netip.Addr) *Socket { return m.pickSocket(proto, dst) }

// SocketByName returns the socket written as name ("udp:127.0.0.1:5060",
// the form of $socket_out and force_send_socket), or nil.
func (m *Manager) SocketByName(name string) *Socket {
	for _, s := range m.Sockets() {
		if s.String() == name {
			return s
		}
	}
	return nil
}

// FindSocket returns the socket force_send_socket names: proto (ProtoAny:
// any), an address the socket is bound to or advertises, and port (0:
// any), as OpenSIPS's find_si matches them. A wildcard socket matches
// any address of its family.
func (m *Manager) FindSocket(proto Proto, host string, port int) *Socket {
	ip, isIP := hostIP(host)
	for _, s := range m.Sockets() {
		if proto != ProtoAny && s.Spec.Proto != proto {
			continue
		}
		advHost, advPort := s.SentBy()
		if port != 0 && port != int(s.Local.Port()) && port != advPort {
			continue
		}
		local := s.Local.Addr()
		switch {
		case isIP && (ip == local.Unmap() || local.IsUnspecified() && ip.Is4() == local.Is4()):
			return s
		case strings.EqualFold(strings.Trim(advHost, "[]"), strings.Trim(host, "[]")):
			return s
		case !isIP && strings.EqualFold(host, s.Spec.Host):
			return s
		}
	}
	return nil
}
