package sip

import "strings"

// scanHost scans the host of a Via sent-by (hostname, IPv4 address or IPv6
// reference) at s[i] and returns where it ends. It finds the host's extent
// here, where LWS, ',' or ';' may follow, and validates it with the URI
// host rules so both places accept the same hosts.
func scanHost(s string, i int) (int, error) {
	end := i
	if end < len(s) && s[end] == '[' {
		j := strings.IndexByte(s[end:], ']')
		if j < 0 {
			return i, errorAt(i, "IPv6 reference without closing ']'")
		}
		end += j + 1
	} else {
		for end < len(s) && (isAlnum(s[end]) || s[end] == '-' || s[end] == '.' || s[end] == '_') {
			end++
		}
	}
	if end == i {
		return i, errorAt(i, "missing host")
	}
	if n, err := scanURIHost(s[i:end], 0); err != nil || n != end-i {
		if err == nil {
			err = errorAt(n, "invalid host")
		}
		return i, rebase(err, i)
	}
	return end, nil
}

// HostEqual compares two hosts as RFC 3261 §19.1.4 does: without case, and
// IP addresses by value, so "[::ffff:192.0.2.2]" equals "192.0.2.2"
// (RFC 5118 §4.9).
func HostEqual(a, b string) bool { return equalURIHost(a, b) }
