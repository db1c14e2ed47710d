package resolver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// maxCNAMEChain bounds alias chains, as recursive servers do, so that a
// loop in someone's zone cannot keep a worker busy.
const maxCNAMEChain = 8

// ednsSize is the DNS Flag Day 2020 buffer size: big enough for most NAPTR
// and SRV sets, small enough to avoid IP fragmentation.
const ednsSize = 1232

// lookup returns the records of type qtype for name, from the cache or the
// wire, following CNAMEs. A name that does not exist, or has no such
// records, gives an answer with no records, not an error; errors are for
// servers that could not answer.
func (r *Resolver) lookup(ctx context.Context, name string, qtype uint16) (*answer, error) {
	name = dns.Fqdn(strings.ToLower(name))
	for range maxCNAMEChain {
		a, next, err := r.lookupOne(ctx, name, qtype)
		if err != nil || next == "" {
			return a, err
		}
		name = next
	}
	return nil, fmt.Errorf("%w: CNAME chain too long at %s", ErrServer, name)
}

// lookupOne asks one question. When the server answered with a CNAME whose
// target it did not resolve (an authoritative server for another zone),
// next is that target. Such a dangling alias is cached by its own key.
func (r *Resolver) lookupOne(ctx context.Context, name string, qtype uint16) (a *answer, next string, err error) {
	key := name + "/" + dns.TypeToString[qtype]
	if a := r.cache.get(key, r.now()); a != nil {
		return a.follow()
	}
	a, err = r.flights.do(ctx, key, func() (*answer, error) {
		// The query serves every waiter, so it must not die with the
		// first one's context; its own bounds are Timeout and Attempts.
		start := time.Now()
		msg, err := r.exchange(context.WithoutCancel(ctx), name, qtype)
		if took := time.Since(start); r.onSlow != nil && r.slowAt > 0 && took > r.slowAt {
			r.onSlow(strings.TrimSuffix(name, "."), took)
		}
		if err != nil {
			return nil, err
		}
		a := r.digest(msg, name, qtype)
		r.cache.put(key, a, r.now())
		return a, nil
	})
	if err != nil {
		return nil, "", err
	}
	return a.follow()
}

// follow turns a dangling-CNAME answer into the name to ask next.
func (a *answer) follow() (*answer, string, error) {
	if len(a.records) == 1 {
		if c, ok := a.records[0].(*dns.CNAME); ok {
			return nil, strings.ToLower(c.Target), nil
		}
	}
	return a, "", nil
}

// exchange sends the question to each server in turn, Attempts times over,
// each try bounded by Timeout and by ctx. A truncated UDP answer is asked
// again over TCP. Only NOERROR and NXDOMAIN are answers; SERVFAIL and
// REFUSED mean "ask someone else".
func (r *Resolver) exchange(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.SetEdns0(ednsSize, false)
	var lastErr error
	for range r.attempts {
		for _, server := range r.servers {
			resp, err := r.try(ctx, q, server)
			if err == nil {
				return resp, nil
			}
			lastErr = err
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%w: %s %s: %w", ErrServer, name, dns.TypeToString[qtype], ctx.Err())
			}
		}
	}
	return nil, fmt.Errorf("%w: %s %s: %w", ErrServer, name, dns.TypeToString[qtype], lastErr)
}

func (r *Resolver) try(ctx context.Context, q *dns.Msg, server string) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	resp, _, err := r.udp.ExchangeContext(ctx, q, server)
	if err == nil && resp.Truncated {
		resp, _, err = r.tcp.ExchangeContext(ctx, q, server)
	}
	if err != nil {
		return nil, err
	}
	if len(resp.Question) != 1 || !strings.EqualFold(resp.Question[0].Name, q.Question[0].Name) ||
		resp.Question[0].Qtype != q.Question[0].Qtype {
		return nil, errors.New("answer does not match the question")
	}
	if resp.Rcode != dns.RcodeSuccess && resp.Rcode != dns.RcodeNameError {
		return nil, fmt.Errorf("%s from %s", dns.RcodeToString[resp.Rcode], server)
	}
	return resp, nil
}

// digest extracts from a response the records for name and how long they
// may be kept. A recursive server puts the whole CNAME chain and the final
// records in one answer; we walk it from name.
func (r *Resolver) digest(msg *dns.Msg, name string, qtype uint16) *answer {
	now := r.now()
	if msg.Rcode == dns.RcodeNameError {
		return &answer{expires: now.Add(r.negativeTTL(msg))}
	}
	owner := name
	ttl := uint32(1<<32 - 1)
	var records []dns.RR
	var alias *dns.CNAME
	for range maxCNAMEChain {
		var cname *dns.CNAME
		for _, rr := range msg.Answer {
			h := rr.Header()
			if !strings.EqualFold(h.Name, owner) {
				continue
			}
			if h.Rrtype == qtype {
				records = append(records, rr)
				ttl = min(ttl, h.Ttl)
			} else if c, ok := rr.(*dns.CNAME); ok {
				cname = c
			}
		}
		if len(records) > 0 || cname == nil {
			break
		}
		ttl = min(ttl, cname.Hdr.Ttl)
		owner, alias = strings.ToLower(cname.Target), cname
	}
	if len(records) == 0 && alias != nil {
		// The chain stops at a name this response says nothing about
		// (an authoritative server for another zone): keep the last
		// alias, and lookup asks for its target.
		records = []dns.RR{alias}
	}
	if len(records) == 0 {
		return &answer{expires: now.Add(r.negativeTTL(msg))}
	}
	d := min(max(time.Duration(ttl)*time.Second, r.minTTL), r.maxTTL)
	return &answer{records: records, expires: now.Add(d)}
}

// negativeTTL is the RFC 2308 §5 negative TTL (the SOA's TTL capped by its
// MINIMUM), kept short by NegativeTTL because a proxy would rather ask
// again than keep refusing calls to a domain that has just been fixed.
func (r *Resolver) negativeTTL(msg *dns.Msg) time.Duration {
	for _, rr := range msg.Ns {
		if soa, ok := rr.(*dns.SOA); ok {
			d := time.Duration(min(soa.Hdr.Ttl, soa.Minttl)) * time.Second
			return min(d, r.negTTL)
		}
	}
	return r.negTTL
}
