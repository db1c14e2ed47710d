package events

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// SplitHostPort splits the "host:port" of a network backend's socket
// (udp:, tcp:...): the port must be 1..65535, the host an IP address
// (IPv6 in brackets, which stay in host) or a host name.
func SplitHostPort(addr string) (host string, port int, err error) {
	i := strings.LastIndexByte(addr, ':')
	if i <= 0 {
		return "", 0, fmt.Errorf("port not specified in %q (want host:port)", addr)
	}
	host, portText := addr[:i], addr[i+1:]
	port, err = strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 || portText[0] == '+' {
		return "", 0, fmt.Errorf("malformed port %q in %q", portText, addr)
	}
	switch {
	case strings.HasPrefix(host, "["):
		ip, err := netip.ParseAddr(strings.TrimSuffix(host[1:], "]"))
		if err != nil || !strings.HasSuffix(host, "]") || !ip.Is6() {
			return "", 0, fmt.Errorf("malformed IPv6 address in %q", addr)
		}
	case strings.Contains(host, ":"):
		return "", 0, fmt.Errorf("write an IPv6 address in brackets: [%s]:%d", host, port)
	case !validHost(host):
		return "", 0, fmt.Errorf("malformed host %q in %q", host, addr)
	}
	return host, port, nil
}

// validHost accepts an IPv4 address or a DNS name: letters, digits, '-',
// '_' and dots, labels of 1..63 characters.
func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
