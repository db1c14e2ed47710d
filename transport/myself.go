package transport

import (
	"net"
	"net/netip"
	"strings"
	"sync"
)

// selfEntry is one host:port the server answers to.
type selfEntry struct {
	name  string     // lower-case host name; empty when ip is set
	ip    netip.Addr // unmapped
	port  int        // 0 matches any port (alias= without port)
	proto Proto      // ProtoAny matches every protocol
}

// myselfTable answers OpenSIPS's "myself" test: the sockets' addresses
// and names, their advertised addresses, and alias= entries.
type myselfTable struct {
	mu      sync.RWMutex
	entries []selfEntry
}

func (t *myselfTable) add(e selfEntry) {
	t.mu.Lock()
	t.entries = append(t.entries, e)
	t.mu.Unlock()
}

func newSelfEntry(host string, port int, proto Proto) selfEntry {
	if ip, ok := hostIP(host); ok {
		return selfEntry{ip: ip, port: port, proto: proto}
	}
	return selfEntry{name: strings.ToLower(host), port: port, proto: proto}
}

// addSockets enters the bound address, the name the definition used and
// the advertised address of each socket. A wildcard socket answers to
// every address of the host's interfaces.
func (t *myselfTable) addSockets(sockets []*Socket) {
	for _, s := range sockets {
		proto, port := s.Spec.Proto, int(s.Local.Port())
		if s.Local.Addr().IsUnspecified() {
			addrs, _ := net.InterfaceAddrs()
			for _, a := range addrs {
				if p, ok := a.(*net.IPNet); ok {
					if ip, ok := netip.AddrFromSlice(p.IP); ok {
						t.add(selfEntry{ip: ip.Unmap(), port: port, proto: proto})
					}
				}
			}
		} else {
			t.add(selfEntry{ip: s.Local.Addr(), port: port, proto: proto})
		}
		if h := s.Spec.Host; h != "*" {
			if _, isIP := hostIP(h); !isIP {
				t.add(newSelfEntry(h, port, proto))
			}
		}
		if s.advertises() {
			host, advPort := s.SentBy()
			t.add(newSelfEntry(host, advPort, proto))
		}
	}
}

// AddAlias declares another name for this server (alias=). Port 0
// matches any port, ProtoAny any protocol.
func (m *Manager) AddAlias(host string, port int, proto Proto) {
	m.myself.add(newSelfEntry(host, port, proto))
}

// IsMyself reports whether host:port names this server, the way OpenSIPS
// checks "myself": port 0 (a URI without port) means the default port of
// the protocol, and proto ProtoAny matches every protocol.
func (m *Manager) IsMyself(host string, port int, proto Proto) bool {
	ip, isIP := hostIP(host)
	name := ""
	if !isIP {
		name = strings.TrimSuffix(strings.ToLower(host), ".")
	}
	m.myself.mu.RLock()
	defer m.myself.mu.RUnlock()
	for _, e := range m.myself.entries {
		if proto != ProtoAny && e.proto != ProtoAny && e.proto != proto {
			continue
		}
		if e.port != 0 {
			want := port
			if want == 0 {
				p := proto
				if p == ProtoAny {
					p = e.proto
				}
				want = p.DefaultPort()
			}
			if e.port != want {
				continue
			}
		}
		if isIP && e.ip == ip || !isIP && e.name != "" && e.name == name {
			return true
		}
	}
	return false
}

// hostIP reads an IP address host, IPv6 with or without brackets, and
// unmaps IPv4-mapped IPv6 (RFC 5118 §4.9 makes [::ffff:192.0.2.2] and
// 192.0.2.2 the same host).
func hostIP(host string) (netip.Addr, bool) {
	if len(host) > 2 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Zone() != "" {
		return netip.Addr{}, false
	}
	return ip.Unmap(), true
}
