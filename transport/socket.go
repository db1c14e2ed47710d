package transport

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// SocketSpec is one socket= (or the older listen=) definition:
//
//	socket = proto:host[:port] [as host[:port]] [use_workers N] [anycast]
//	         [reuse_port] [tag NAME] [frag] [tos N] [use_auto_scaling_profile P]
type SocketSpec struct {
	Proto Proto
	// Host is an IP address (IPv6 without brackets), a host name resolved
	// by Listen, or "*" for every address.
	Host string
	// Port is the port to bind; ParseSocket fills the protocol's default
	// when the definition has none, so 0 here (from Go code) binds an
	// ephemeral port.
	Port int
	// AdvertisedHost and AdvertisedPort come from "as": what goes into
	// Via and Record-Route instead of the bound address (a host behind
	// NAT). Empty and 0 when not given.
	AdvertisedHost string
	AdvertisedPort int
	Workers        int  // use_workers: readers for this socket; 0 = the global count
	ReusePort      bool // reuse_port: SO_REUSEPORT, one kernel socket per reader
	Tag            string
	Anycast        bool
	Frag           bool   // frag: accepted for compatibility; the kernel fragments UDP already
	TOS            int    // tos: accepted, not applied yet
	ScalingProfile string // use_auto_scaling_profile: accepted, not applied
}

// ParseSocket reads the words of one socket= value, as the script parser
// splits them: "udp:127.0.0.1:5060", "as", "1.2.3.4:5060", "use_workers", "4".
// A word may also hold several of them separated by spaces (a quoted value).
// It does no I/O: host names are resolved by Listen.
func ParseSocket(words []string) (SocketSpec, error) {
	var fields []string
	for _, w := range words {
		fields = append(fields, strings.Fields(w)...)
	}
	var s SocketSpec
	if len(fields) == 0 {
		return s, fmt.Errorf("transport: empty socket definition")
	}
	if err := s.parseAddress(fields[0]); err != nil {
		return s, err
	}
	for i := 1; i < len(fields); i++ {
		word := strings.ToLower(fields[i])
		// value returns the argument of a keyword that takes one.
		value := func() (string, error) {
			if i+1 >= len(fields) {
				return "", fmt.Errorf("transport: socket %s: %q needs a value", fields[0], fields[i])
			}
			i++
			return fields[i], nil
		}
		switch word {
		case "as":
			v, err := value()
			if err != nil {
				return s, err
			}
			host, port, err := splitHostPort(v)
			if err != nil {
				return s, fmt.Errorf("transport: socket %s: advertised address %q: %w", fields[0], v, err)
			}
			if host == "*" {
				return s, fmt.Errorf("transport: socket %s: advertised address cannot be *", fields[0])
			}
			s.AdvertisedHost, s.AdvertisedPort = host, port
		case "use_workers", "tos":
			v, err := value()
			if err != nil {
				return s, err
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || (word == "tos" && n > 255) {
				return s, fmt.Errorf("transport: socket %s: %s wants a number, not %q", fields[0], word, v)
			}
			if word == "tos" {
				s.TOS = n
			} else {
				s.Workers = n
			}
		case "tag", "use_auto_scaling_profile":
			v, err := value()
			if err != nil {
				return s, err
			}
			if word == "tag" {
				s.Tag = v
			} else {
				s.ScalingProfile = v
			}
		case "anycast":
			s.Anycast = true
		case "reuse_port":
			s.ReusePort = true
		case "frag":
			s.Frag = true
		default:
			return s, fmt.Errorf("transport: socket %s: unknown socket option %q (want as, use_workers, anycast, reuse_port, tag, frag, tos, use_auto_scaling_profile)", fields[0], fields[i])
		}
	}
	return s, s.unsupported()
}

// unsupported refuses the options switchboard parses but does not act on
// yet: accepting them would be a silent no-op.
func (s *SocketSpec) unsupported() error {
	switch {
	case s.TOS != 0:
		return fmt.Errorf("not supported: socket option tos")
	case s.Frag:
		return fmt.Errorf("not supported: socket option frag")
	case s.Anycast:
		return fmt.Errorf("not supported: socket option anycast")
	case s.ScalingProfile != "":
		return fmt.Errorf("not supported: socket option use_auto_scaling_profile")
	}
	return nil
}

// parseAddress reads "proto:host[:port]". OpenSIPS 3 requires the proto;
// a bare "host[:port]" as older listen= lines had is taken as UDP.
func (s *SocketSpec) parseAddress(addr string) error {
	rest := addr
	s.Proto = UDP
	if i := strings.IndexByte(addr, ':'); i > 0 {
		if p, err := ParseProto(addr[:i]); err == nil {
			s.Proto, rest = p, addr[i+1:]
		}
	}
	host, port, err := splitHostPort(rest)
	if err != nil {
		return fmt.Errorf("transport: socket %q: %w", addr, err)
	}
	if port == 0 {
		port = s.Proto.DefaultPort()
	}
	s.Host, s.Port = host, port
	return nil
}

// splitHostPort splits "host", "host:port", "[v6]", "[v6]:port" or a bare
// IPv6 address. A port of "*" or 0 means the default and comes back as 0.
func splitHostPort(hp string) (host string, port int, err error) {
	portText := ""
	switch {
	case strings.HasPrefix(hp, "["):
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return "", 0, fmt.Errorf("IPv6 reference without closing ']'")
		}
		host = hp[1:end]
		if _, err := netip.ParseAddr(host); err != nil || strings.Contains(host, "%") {
			return "", 0, fmt.Errorf("invalid IPv6 address %q", host)
		}
		after := hp[end+1:]
		if after != "" {
			if after[0] != ':' {
				return "", 0, fmt.Errorf("unexpected %q after IPv6 reference", after)
			}
			portText = after[1:]
			if portText == "" {
				return "", 0, fmt.Errorf("port number expected")
			}
		}
	case strings.Count(hp, ":") > 1:
		// A bare IPv6 address cannot carry a port: the last group would be
		// read as one.
		if _, err := netip.ParseAddr(hp); err != nil || strings.Contains(hp, "%") {
			return "", 0, fmt.Errorf("invalid address %q (write IPv6 with a port as [addr]:port; zones are not supported)", hp)
		}
		host = hp
	default:
		host = hp
		if i := strings.IndexByte(hp, ':'); i >= 0 {
			host, portText = hp[:i], hp[i+1:]
			if portText == "" {
				return "", 0, fmt.Errorf("port number expected")
			}
		}
		if err := checkHostName(host); err != nil {
			return "", 0, err
		}
	}
	if portText != "" && portText != "*" {
		n, err := strconv.Atoi(portText)
		if err != nil || n < 0 || n > 65535 {
			return "", 0, fmt.Errorf("invalid port %q", portText)
		}
		port = n
	}
	return host, port, nil
}

// checkHostName accepts an IPv4 address, "*", or a host name made of
// letters, digits, '-', '_' and '.'.
func checkHostName(host string) error {
	if host == "" {
		return fmt.Errorf("missing host")
	}
	if host == "*" {
		return nil
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return fmt.Errorf("invalid host %q", host)
		}
	}
	if strings.Trim(host, "0123456789.") == "" {
		if _, err := netip.ParseAddr(host); err != nil {
			return fmt.Errorf("invalid IPv4 address %q", host)
		}
	}
	return nil
}

// String writes the definition back in socket= syntax.
func (s SocketSpec) String() string {
	var b strings.Builder
	b.WriteString(s.Proto.String())
	b.WriteByte(':')
	b.WriteString(hostPort(s.Host, s.Port))
	if s.AdvertisedHost != "" {
		b.WriteString(" as ")
		b.WriteString(hostPort(s.AdvertisedHost, s.AdvertisedPort))
	}
	if s.Workers > 0 {
		fmt.Fprintf(&b, " use_workers %d", s.Workers)
	}
	if s.Anycast {
		b.WriteString(" anycast")
	}
	if s.ReusePort {
		b.WriteString(" reuse_port")
	}
	if s.Tag != "" {
		b.WriteString(" tag ")
		b.WriteString(s.Tag)
	}
	return b.String()
}

// hostPort joins host and port the SIP way: IPv6 in brackets, no ":0".
func hostPort(host string, port int) string {
	if strings.IndexByte(host, ':') >= 0 {
		host = "[" + host + "]"
	}
	if port == 0 {
		return host
	}
	return host + ":" + strconv.Itoa(port)
}

// Matches reports whether the definition is the socket that proto (""
// any), host and port (0 any) name, as force_send_socket names one: by
// its address or its advertised one; a wildcard host matches any address.
// Nothing is resolved: a name matches the same name.
func (s SocketSpec) Matches(proto, host string, port int) bool {
	if proto != "" && !strings.EqualFold(proto, s.Proto.String()) {
		return false
	}
	if port != 0 && port != s.Port && port != s.AdvertisedPort {
		return false
	}
	same := func(a, b string) bool {
		if x, err := netip.ParseAddr(a); err == nil {
			y, err := netip.ParseAddr(b)
			return err == nil && x.Unmap() == y.Unmap()
		}
		return strings.EqualFold(a, b)
	}
	return s.Host == "*" || same(host, s.Host) || (s.AdvertisedHost != "" && same(host, s.AdvertisedHost))
}
