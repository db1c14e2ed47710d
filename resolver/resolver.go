// Package resolver locates SIP servers the way RFC 3263 tells a proxy to:
// NAPTR, then SRV, then A/AAAA, with a TTL-aware cache, coalescing of
// identical queries, a failover blacklist (OpenSIPS's DNS blacklist) and
// ENUM. Every query is bounded by the caller's context and by Config.Timeout,
// so a worker never waits on DNS for longer than it was told to.
package resolver

import (
	"errors"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/miekg/dns"
)

// Target is one place to send a request to.
type Target struct {
	Proto string // "udp", "tcp", "tls", "sctp", "ws" or "wss"
	Addr  netip.AddrPort
	// Host is the name whose A/AAAA record gave Addr (the SRV target, or
	// the URI host), or the literal address for a numeric URI. Logs want
	// it; a TLS client checking RFC 5922 identity wants the URI domain,
	// which the caller already has.
	Host string
}

func (t Target) String() string { return t.Proto + ":" + t.Addr.String() }

// Config tunes a Resolver. The zero value is usable: servers come from
// /etc/resolv.conf and every other field has the default noted beside it.
type Config struct {
	Servers  []string      // "host:port"; default: the nameservers of /etc/resolv.conf
	Timeout  time.Duration // one try against one server; default 2s
	Attempts int           // passes over Servers; default 2

	CacheSize   int           // entries; default 4096; negative disables the cache
	MinTTL      time.Duration // floor for positive answers; default 0
	MaxTTL      time.Duration // ceiling for positive answers; default 1h
	NegativeTTL time.Duration // ceiling for NXDOMAIN/NODATA; default 30s

	TryIPv6  bool // dns_try_ipv6: also look up AAAA records
	TryNAPTR bool // dns_try_naptr: start from NAPTR (RFC 3263 §4.1); without it, from SRV

	// Protos are the transports this server can send on, in order of
	// preference; only those are taken from NAPTR and SRV. Default:
	// udp, tcp, tls.
	Protos []string

	BlacklistSize int // failed targets remembered; default 1024

	// SlowQuery, when set with SlowThreshold, is told of every query
	// sent to the DNS servers that took longer than SlowThreshold
	// (exec_dns_threshold): the core raises E_CORE_THRESHOLD from it.
	SlowThreshold time.Duration
	SlowQuery     func(name string, took time.Duration)

	// Now is the clock for cache and blacklist expiry; default time.Now.
	// Tests inject their own.
	Now func() time.Time
}

// Errors a caller can test for with errors.Is.
var (
	// ErrNotFound means DNS answered, and the answer was that nothing
	// usable exists: NXDOMAIN, no records, or no supported transport.
	ErrNotFound = errors.New("resolver: no such host")
	// ErrServer means no server gave a usable answer (SERVFAIL, REFUSED,
	// timeouts).
	ErrServer = errors.New("resolver: server failure")
)

// Resolver is safe for concurrent use.
type Resolver struct {
	servers  []string
	timeout  time.Duration
	attempts int
	minTTL   time.Duration
	maxTTL   time.Duration
	negTTL   time.Duration
	tryIPv6  bool
	tryNAPTR bool
	protos   []string
	now      func() time.Time
	slowAt   time.Duration
	onSlow   func(name string, took time.Duration)

	udp, tcp  *dns.Client
	cache     *cache
	flights   flightGroup
	blacklist *blacklist

	// randIntN picks SRV weights; tests swap in a seeded source.
	randIntN func(n int) int
}

// New builds a Resolver. It reads /etc/resolv.conf only when
// Config.Servers is empty.
func New(c Config) (*Resolver, error) {
	r := &Resolver{
		servers:  c.Servers,
		timeout:  orDefault(c.Timeout, 2*time.Second),
		attempts: max(1, orDefault(c.Attempts, 2)),
		minTTL:   c.MinTTL,
		maxTTL:   orDefault(c.MaxTTL, time.Hour),
		negTTL:   orDefault(c.NegativeTTL, 30*time.Second),
		tryIPv6:  c.TryIPv6,
		tryNAPTR: c.TryNAPTR,
		protos:   c.Protos,
		now:      c.Now,
		slowAt:   c.SlowThreshold,
		onSlow:   c.SlowQuery,
		randIntN: rand.IntN,
	}
	if len(r.servers) == 0 {
		conf, err := dns.ClientConfigFromFile("/etc/resolv.conf")
		if err != nil {
			return nil, err
		}
		for _, s := range conf.Servers {
			r.servers = append(r.servers, netip.AddrPortFrom(mustAddr(s), 53).String())
		}
		if len(r.servers) == 0 {
			return nil, errors.New("resolver: no nameserver in /etc/resolv.conf")
		}
	}
	if r.protos == nil {
		r.protos = []string{"udp", "tcp", "tls"}
	}
	for _, p := range r.protos {
		if _, ok := protoInfo[p]; !ok {
			return nil, errors.New("resolver: unknown transport " + p)
		}
	}
	if r.now == nil {
		r.now = time.Now
	}
	r.udp = &dns.Client{Net: "udp", Timeout: r.timeout}
	r.tcp = &dns.Client{Net: "tcp", Timeout: r.timeout}
	r.cache = newCache(orDefault(c.CacheSize, 4096))
	r.blacklist = newBlacklist(orDefault(c.BlacklistSize, 1024))
	return r, nil
}

// mustAddr parses a resolv.conf nameserver; one that does not parse
// becomes the unspecified address, which fails at query time with a clear
// error instead of hiding the other servers.
func mustAddr(s string) netip.Addr {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.IPv4Unspecified()
	}
	return a
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
