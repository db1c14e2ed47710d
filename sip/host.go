package sip

import "net/netip"

// scanHost scans a host (hostname, IPv4 address or IPv6 reference in
// brackets) starting at s[i] and returns where it ends.
func scanHost(s string, i int) (int, error) {
	if i < len(s) && s[i] == '[' {
		end := i + 1
		for end < len(s) && s[end] != ']' {
			end++
		}
		if end >= len(s) {
			return i, errorAt(i, "unterminated IPv6 reference")
		}
		if !isIPv6(s[i+1 : end]) {
			return i, errorAt(i, "invalid IPv6 reference")
		}
		return end + 1, nil
	}
	start := i
	for i < len(s) && isHostChar(s[i]) {
		i++
	}
	if i == start {
		return i, errorAt(i, "missing host")
	}
	return i, nil
}

// isHostChar accepts the hostname and IPv4 characters of RFC 3261, plus '_'
// which real deployments put in host names.
func isHostChar(c byte) bool {
	return isAlnum(c) || c == '-' || c == '.' || c == '_'
}

// isIPv6 validates the inside of an IPv6 reference. RFC 5118 §4.10: the
// three-colon form that RFC 3261's ABNF allowed is rejected, as RFC 5954
// corrected it.
func isIPv6(s string) bool {
	if s == "" || !containsByte(s, ':') {
		return false
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6() && a.Zone() == ""
}

// HostEqual compares two hosts as RFC 3261 §19.1.4 does: without case, and
// IP addresses by value, so "[::ffff:192.0.2.2]" equals "192.0.2.2"
// (RFC 5118 §4.9).
func HostEqual(a, b string) bool {
	if EqualFold(a, b) {
		return true
	}
	ipA, okA := parseHostIP(a)
	ipB, okB := parseHostIP(b)
	return okA && okB && ipA.Unmap() == ipB.Unmap()
}

// parseHostIP returns the address of a host that is an IP literal.
func parseHostIP(h string) (netip.Addr, bool) {
	if len(h) > 2 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	a, err := netip.ParseAddr(h)
	return a, err == nil && a.Zone() == ""
}
