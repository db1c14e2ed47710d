package resolver

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// LookupHost returns the addresses of host: its A records, then its AAAA
// records when TryIPv6 is set. A numeric host is returned as is, without
// brackets. OpenSIPS asks for AAAA only after A failed; asking for both
// gives the failover list more to try, and the A records still come first.
func (r *Resolver) LookupHost(ctx context.Context, host string) ([]netip.Addr, error) {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip.Unmap()}, nil
	}
	if _, ok := dns.IsDomainName(host); !ok || host == "" {
		return nil, fmt.Errorf("%w: invalid name %q", ErrNotFound, host)
	}
	types := []uint16{dns.TypeA}
	if r.tryIPv6 {
		types = append(types, dns.TypeAAAA)
	}
	answers := make([]*answer, len(types))
	errs := make([]error, len(types))
	parallel(len(types), func(i int) {
		answers[i], errs[i] = r.lookup(ctx, host, types[i])
	})
	var addrs []netip.Addr
	for _, a := range answers {
		if a == nil {
			continue
		}
		for _, rr := range a.records {
			var ip netip.Addr
			switch rr := rr.(type) {
			case *dns.A:
				ip, _ = netip.AddrFromSlice(rr.A.To4())
			case *dns.AAAA:
				ip, _ = netip.AddrFromSlice(rr.AAAA.To16())
			}
			if ip.IsValid() {
				addrs = append(addrs, ip)
			}
		}
	}
	if len(addrs) > 0 {
		return addrs, nil
	}
	if err := firstServerError(errs); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: %s", ErrNotFound, host)
}

// hostTargets is LookupHost made into targets for one transport and port.
func (r *Resolver) hostTargets(ctx context.Context, host, proto string, port uint16) ([]Target, error) {
	addrs, err := r.LookupHost(ctx, host)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(host, ".")
	targets := make([]Target, len(addrs))
	for i, a := range addrs {
		targets[i] = Target{Proto: proto, Addr: netip.AddrPortFrom(a, port), Host: name}
	}
	return targets, nil
}

// parallel runs fn(0) ... fn(n-1) concurrently and waits for all: the
// lookups of one resolution step do not depend on each other, and a proxy
// pays the slowest one instead of their sum.
func parallel(n int, fn func(i int)) {
	if n == 1 {
		fn(0)
		return
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { fn(i) })
	}
	wg.Wait()
}
