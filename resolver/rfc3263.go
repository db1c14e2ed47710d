package resolver

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"switchboard/sip"
)

// Resolve returns the targets to try for u, best first, per RFC 3263:
//
//   - §4.1 transport: the transport parameter if present; else UDP (TLS for
//     sips) for a numeric host or a URI with a port; else NAPTR (when
//     TryNAPTR), else SRV for each transport we speak, else UDP (TLS).
//   - §4.2 address and port: a numeric host as is; with a port, A/AAAA of
//     the host; else SRV of the NAPTR replacement or of the transport's
//     name; else A/AAAA with the transport's default port.
//
// Targets marked with MarkFailed come last. The error is ErrNotFound when
// DNS says there is nothing, ErrServer when DNS could not say, or ctx's.
func (r *Resolver) Resolve(ctx context.Context, u *sip.URI) ([]Target, error) {
	targets, err := r.resolve(ctx, u)
	if len(targets) > 0 {
		return r.order(targets), nil
	}
	if err == nil {
		err = ErrNotFound
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w: %w", err, ctxErr)
	}
	return nil, fmt.Errorf("resolve %s: %w", u.Host, err)
}

func (r *Resolver) resolve(ctx context.Context, u *sip.URI) ([]Target, error) {
	if !u.IsSIP() {
		return nil, errUnsupported("URI scheme " + u.Scheme)
	}
	secure := sip.EqualFold(u.Scheme, "sips")
	transport, _ := u.Params.Get("transport")
	proto, err := explicitProto(transport, secure)
	if err != nil {
		return nil, err
	}
	host := u.HostName()
	ip, ipErr := netip.ParseAddr(host)
	if proto == "" && (ipErr == nil || u.Port != 0) {
		proto = "udp"
		if secure {
			proto = "tls"
		}
	}
	port := uint16(u.Port)
	if ipErr == nil {
		if port == 0 {
			port = protoInfo[proto].port
		}
		return []Target{{Proto: proto, Addr: netip.AddrPortFrom(ip.Unmap(), port), Host: host}}, nil
	}
	if port != 0 {
		return r.hostTargets(ctx, host, proto, port)
	}
	if proto != "" {
		return r.srvThenHost(ctx, host, []string{proto}, proto)
	}
	var naptrErr error
	if r.tryNAPTR {
		// NAPTR records whose SRV names lead nowhere are treated like no
		// NAPTR at all: the domain's own SRV and A records may still work.
		targets, _, err := r.naptrTargets(ctx, host, secure)
		if len(targets) > 0 {
			return targets, nil
		}
		naptrErr = err
	}
	var protos []string
	for _, p := range r.protos {
		if !secure || protoInfo[p].secure {
			protos = append(protos, p)
		}
	}
	fallback := "udp"
	if secure {
		fallback = "tls"
	}
	targets, err := r.srvThenHost(ctx, host, protos, fallback)
	if len(targets) == 0 && err == nil {
		err = naptrErr
	}
	return targets, err
}

// srvThenHost asks the SRV name of each transport (concurrently), keeps the
// answers in the order of protos, and falls back to A/AAAA with the
// default port of fallback when no transport has SRV records (§4.2).
func (r *Resolver) srvThenHost(ctx context.Context, host string, protos []string, fallback string) ([]Target, error) {
	lists := make([][]Target, len(protos))
	founds := make([]bool, len(protos))
	errs := make([]error, len(protos))
	parallel(len(protos), func(i int) {
		name := protoInfo[protos[i]].srv + "." + strings.TrimSuffix(host, ".")
		lists[i], founds[i], errs[i] = r.srvTargets(ctx, name, protos[i])
	})
	var targets []Target
	anySRV := false
	for i := range protos {
		targets = append(targets, lists[i]...)
		anySRV = anySRV || founds[i]
	}
	srvErr := firstServerError(errs)
	if anySRV || ctx.Err() != nil {
		return targets, srvErr
	}
	// No SRV record at all, or no answer about them: RFC 3263 only
	// mentions the first, but a proxy whose SRV query timed out is better
	// off trying the plain name than failing the call.
	targets, err := r.hostTargets(ctx, host, fallback, protoInfo[fallback].port)
	if len(targets) == 0 && srvErr != nil && errors.Is(err, ErrNotFound) {
		err = srvErr
	}
	return targets, err
}
