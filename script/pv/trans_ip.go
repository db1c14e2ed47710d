package pv

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"switchboard/engine"
)

// The {ip.*} class converts and tests IP addresses. Text addresses may be
// IPv6 references in brackets; binary ones are the 4 or 16 network-order
// bytes of {ip.pton}.

// resolveTimeout bounds {ip.resolve} on a host name. The lookup runs on the
// worker that evaluates the transformation, as in OpenSIPS, so a slow DNS
// server holds that worker for up to this long; an address literal never
// waits.
const resolveTimeout = 2 * time.Second

func init() {
	trRegister("ip.pton", trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		a, ok := textIP(in)
		if !ok {
			return engine.Null, errors.New("ip.pton: input is not an IP address")
		}
		return engine.Str(string(a.AsSlice())), nil
	}))
	trRegister("ip.ntop", trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		a, ok := netip.AddrFromSlice([]byte(in.Str))
		if !in.IsStr() || !ok {
			return engine.Null, errors.New("ip.ntop: input is not a 4 or 16 byte binary address")
		}
		return engine.Str(a.String()), nil
	}))
	trRegister("ip.family", trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		switch {
		case in.IsStr() && len(in.Str) == 4:
			return engine.Str("INET"), nil
		case in.IsStr() && len(in.Str) == 16:
			return engine.Str("INET6"), nil
		}
		return engine.Null, errors.New("ip.family: input is not a 4 or 16 byte binary address")
	}))
	isIP := func(want func(netip.Addr) bool) Transformation {
		return func(_ *engine.Context, in engine.Value) (engine.Value, error) {
			if _, err := trText(in, "ip"); err != nil {
				return engine.Null, err
			}
			a, ok := textIP(in)
			return trBool(ok && want(a)), nil
		}
	}
	trRegister("ip.isip", trNoArgs(isIP(func(netip.Addr) bool { return true })))
	trRegister("ip.isip4", trNoArgs(isIP(netip.Addr.Is4)))
	trRegister("ip.isip6", trNoArgs(isIP(netip.Addr.Is6)))
	trRegister("ip.isprivate", trNoArgs(isIP(isPrivateIPv4)))
	trRegister("ip.resolve", trNoArgs(resolver("ip")))
	trRegister("ip.resolve4", trNoArgs(resolver("ip4")))
	trRegister("ip.resolve6", trNoArgs(resolver("ip6")))
	trRegister("ip.matches", makeIPMatches)
}

// textIP parses a text address; OpenSIPS's str2ip6 takes brackets too.
func textIP(in engine.Value) (netip.Addr, bool) {
	s := in.String()
	if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
		s = s[1 : len(s)-1]
		a, err := netip.ParseAddr(s)
		return a, err == nil && a.Is6() && a.Zone() == ""
	}
	a, err := netip.ParseAddr(s)
	return a, err == nil && a.Zone() == ""
}

// isPrivateIPv4 matches the ranges OpenSIPS calls private: RFC 1918,
// RFC 6598 shared space and loopback. IPv6 is never private there.
func isPrivateIPv4(a netip.Addr) bool {
	if !a.Is4() {
		return false
	}
	for _, p := range privateNets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

var privateNets = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
}

// resolver returns {ip.resolve*}: an address literal comes back as it is
// (normalized); a host name is looked up and the first address of the
// family is returned, or null when there is none (not an error, as in
// OpenSIPS).
func resolver(network string) Transformation {
	return func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		host, err := trText(in, "ip")
		if err != nil {
			return engine.Null, err
		}
		if a, ok := textIP(in); ok {
			if network == "ip4" && !a.Is4() || network == "ip6" && !a.Is6() {
				return engine.Null, nil
			}
			return engine.Str(a.String()), nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), resolveTimeout)
		defer cancel()
		addrs, err := net.DefaultResolver.LookupNetIP(ctx, network, host)
		if err != nil || len(addrs) == 0 {
			return engine.Null, nil
		}
		return engine.Str(addrs[0].Unmap().String()), nil
	}
}

func makeIPMatches(args []TransformArg) (Transformation, error) {
	if err := trWantArgs(args, 1, 1); err != nil {
		return nil, err
	}
	netArg, err := parseTrStr(args[0], "network")
	if err != nil {
		return nil, err
	}
	var fixed netip.Prefix
	if netArg.spec == nil {
		if fixed, err = parseIPNet(netArg.s); err != nil {
			return nil, err
		}
	}
	return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
		if _, err := trText(in, "ip"); err != nil {
			return engine.Null, err
		}
		a, ok := textIP(in)
		if !ok {
			return engine.Null, errors.New("ip.matches: input is not an IP address")
		}
		prefix := fixed
		if netArg.spec != nil {
			text, err := netArg.get(ctx)
			if err != nil {
				return engine.Null, err
			}
			if prefix, err = parseIPNet(text); err != nil {
				return engine.Null, err
			}
		}
		if a.Is4() != prefix.Addr().Is4() {
			return engine.Null, errors.New("ip.matches: address and network are of different families")
		}
		return trBool(prefix.Contains(a)), nil
	}, nil
}

// parseIPNet reads "ip/bits"; the address need not be the network's
// first (10.1.2.3/8 means 10.0.0.0/8), as OpenSIPS masks it.
func parseIPNet(s string) (netip.Prefix, error) {
	addr, bits, ok := strings.Cut(s, "/")
	if !ok {
		return netip.Prefix{}, errors.New("network " + strconv.Quote(s) + " is not in ip/bits form")
	}
	a, okIP := textIP(engine.Str(addr))
	n, err := strconv.Atoi(bits)
	if !okIP || err != nil || n < 0 || n > a.BitLen() {
		return netip.Prefix{}, errors.New("invalid network " + strconv.Quote(s))
	}
	return netip.PrefixFrom(a, n).Masked(), nil
}
