// Package blacklist holds OpenSIPS's core destination blacklists
// (blacklists.c): named lists of rules that say which destinations a
// request may not be sent to. A rule matches a destination by network
// (address and mask), protocol, port and a shell pattern over the bytes of
// the outgoing message; a negated rule matches everything the plain one
// does not. Lists are static (the script's dst_blacklist lines, read-only)
// or dynamic (rules added over MI or from the script, optionally expiring).
// The package has no I/O: the core asks Check before it sends.
package blacklist

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Rule is one blacklist rule.
type Rule struct {
	// Negate is the "!" form (OpenSIPS's BLR_APPLY_CONTRARY): the rule
	// matches what the plain rule would not.
	Negate bool
	// IP is the network address (already masked) and Mask its mask, of
	// the same family.
	IP   netip.Addr
	Mask netip.Addr
	// Proto is "" for any protocol, else udp, tcp, tls, sctp, ws or wss.
	Proto string
	// Port is 0 for any port.
	Port uint16
	// Pattern is a shell pattern (fnmatch, no flags) the outgoing
	// message must match; "" matches any message.
	Pattern string
	// Expires is when a rule of an expiring list stops applying; zero
	// never.
	Expires time.Time
}

// protocols are the names a rule may give; "any" is the empty Proto.
var protocols = []string{"udp", "tcp", "tls", "sctp", "ws", "wss"}

// ParseProto reads a protocol name as a rule gives it: "any" (or "") is
// any protocol.
func ParseProto(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || s == "any" {
		return "", nil
	}
	for _, p := range protocols {
		if s == p {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown protocol %q", s)
}

// ParseNet reads an address with an optional mask: "10.0.0.1",
// "10.0.0.0/8", "10.0.0.0/255.0.0.0", "fd00::/8". The address is masked.
func ParseNet(s string) (ip, mask netip.Addr, err error) {
	s = strings.TrimSpace(s)
	addrText, maskText, hasMask := strings.Cut(s, "/")
	addrText = strings.Trim(addrText, "[]")
	ip, err = netip.ParseAddr(addrText)
	if err != nil || ip.Zone() != "" {
		return ip, mask, fmt.Errorf("not an IP address: %q", addrText)
	}
	ip = ip.Unmap()
	bits := ip.BitLen()
	switch {
	case !hasMask:
		mask = prefixMask(ip.Is4(), bits)
	case maskText == "":
		return ip, mask, fmt.Errorf("empty netmask in %q", s)
	case strings.ContainsAny(maskText, ".:"):
		mask, err = netip.ParseAddr(maskText)
		if err != nil || mask.Zone() != "" {
			return ip, mask, fmt.Errorf("bad netmask %q", maskText)
		}
		mask = mask.Unmap()
		if mask.Is4() != ip.Is4() {
			return ip, mask, fmt.Errorf("netmask %q is not of the address's family", maskText)
		}
	default:
		n, err := strconv.Atoi(maskText)
		if err != nil || n < 0 || n > bits {
			return ip, mask, fmt.Errorf("bad netmask length %q (0..%d)", maskText, bits)
		}
		mask = prefixMask(ip.Is4(), n)
	}
	return and(ip, mask), mask, nil
}

// prefixMask is the mask of the first n bits.
func prefixMask(v4 bool, n int) netip.Addr {
	var b [16]byte
	size := 16
	if v4 {
		size = 4
	}
	for i := 0; i < size && n > 0; i++ {
		if n >= 8 {
			b[i] = 0xff
			n -= 8
		} else {
			b[i] = ^byte(0xff >> n)
			n = 0
		}
	}
	if v4 {
		return netip.AddrFrom4([4]byte(b[:4]))
	}
	return netip.AddrFrom16(b)
}

// and masks ip with mask (same family).
func and(ip, mask netip.Addr) netip.Addr {
	a, m := ip.As16(), mask.As16()
	for i := range a {
		a[i] &= m[i]
	}
	if ip.Is4() {
		return netip.AddrFrom4([4]byte(a[12:]))
	}
	return netip.AddrFrom16(a)
}

// Matches reports whether the rule matches a destination: its address,
// protocol ("udp"...), port and the message about to be sent there.
func (r *Rule) Matches(dst netip.Addr, proto string, port uint16, msg []byte) bool {
	hit := (r.Port == 0 || r.Port == port) &&
		(r.Proto == "" || r.Proto == proto) &&
		r.inNet(dst) &&
		(r.Pattern == "" || Match(r.Pattern, msg))
	return hit != r.Negate
}

func (r *Rule) inNet(dst netip.Addr) bool {
	dst = dst.Unmap()
	if !r.IP.IsValid() || dst.Is4() != r.IP.Is4() {
		return false
	}
	// Byte-wise, without building an address: this runs for every rule
	// of every list in use, for every destination a request goes to. A
	// v4 address and mask are v4-mapped in 16 bytes alike, so the prefix
	// compares equal.
	a, ip, mask := dst.As16(), r.IP.As16(), r.Mask.As16()
	for i := range a {
		if a[i]&mask[i] != ip[i] {
			return false
		}
	}
	return true
}

// same reports whether two rules are the same rule (expiry aside): what
// OpenSIPS compares for duplicates and deletions.
func (r Rule) same(o Rule) bool {
	return r.Negate == o.Negate && r.Port == o.Port && r.Proto == o.Proto &&
		r.IP == o.IP && r.Mask == o.Mask && r.Pattern == o.Pattern
}

// ParseMIRule reads a rule as the MI commands add_blacklist_rule and
// del_blacklist_rule take it: [!][proto,]ip[/mask][,port[,pattern]], where
// proto may be "any" and the pattern is the rest of the text, commas
// included.
func ParseMIRule(s string) (Rule, error) {
	var r Rule
	s = strings.TrimLeft(s, " \t")
	if strings.HasPrefix(s, "!") {
		r.Negate = true
		s = s[1:]
	}
	token, rest, more := strings.Cut(s, ",")
	if p, err := ParseProto(token); err == nil && strings.TrimSpace(token) != "" {
		r.Proto = p
		if !more {
			return r, errors.New("rule has a protocol but no address")
		}
		token, rest, more = strings.Cut(rest, ",")
	}
	ip, mask, err := ParseNet(token)
	if err != nil {
		return r, err
	}
	r.IP, r.Mask = ip, mask
	if !more {
		return r, nil
	}
	token, rest, _ = strings.Cut(rest, ",")
	port, err := ParsePort(token)
	if err != nil {
		return r, err
	}
	r.Port = port
	r.Pattern = rest
	return r, nil
}

// ParsePort reads a rule's port: 0 (any) to 65535.
func ParsePort(s string) (uint16, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 65535 {
		return 0, fmt.Errorf("bad port %q", s)
	}
	return uint16(n), nil
}

// String writes the rule in the MI form ParseMIRule reads.
func (r *Rule) String() string {
	var b strings.Builder
	if r.Negate {
		b.WriteByte('!')
	}
	proto := r.Proto
	if proto == "" {
		proto = "any"
	}
	b.WriteString(proto)
	b.WriteByte(',')
	b.WriteString(r.IP.String())
	b.WriteByte('/')
	b.WriteString(r.Mask.String())
	if r.Port != 0 || r.Pattern != "" {
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(int(r.Port)))
	}
	if r.Pattern != "" {
		b.WriteByte(',')
		b.WriteString(r.Pattern)
	}
	return b.String()
}
