package transport

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
)

// Socket is a bound socket= definition.
type Socket struct {
	Spec  SocketSpec
	Local netip.AddrPort // the address bound, with the kernel's port when Spec.Port was 0

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
// address when the definition has one, the bound address otherwise.
func (s *Socket) SentBy() (host string, port int) {
	if s.name != "" {
		return s.sentByHost, s.sentByPort
	}
	return s.formatSentBy()
}

func (s *Socket) formatSentBy() (host string, port int) {
	host, port = s.Spec.AdvertisedHost, s.Spec.AdvertisedPort
	if host == "" {
		host = s.Local.Addr().String()
	}
	if port == 0 {
		port = int(s.Local.Port())
	}
	return hostPort(host, 0), port
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
