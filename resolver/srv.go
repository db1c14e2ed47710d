package resolver

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/miekg/dns"
)

// srvRecord is the part of an SRV record we keep: a copy, because cached
// records are shared.
type srvRecord struct {
	priority, weight, port uint16
	target                 string
}

// lookupSRV returns the SRV records of name in the order to try them.
// available is false when the name has no SRV records at all, which sends
// the caller on to A/AAAA; a lone target of "." (RFC 2782: "decidedly not
// available") gives available true and no records.
func (r *Resolver) lookupSRV(ctx context.Context, name string) (records []srvRecord, available bool, err error) {
	a, err := r.lookup(ctx, name, dns.TypeSRV)
	if err != nil {
		return nil, false, err
	}
	for _, rr := range a.records {
		if s, ok := rr.(*dns.SRV); ok {
			available = true
			if s.Target != "." {
				records = append(records, srvRecord{s.Priority, s.Weight, s.Port, s.Target})
			}
		}
	}
	return r.orderSRV(records), available, nil
}

// orderSRV sorts by priority and, within one priority, draws records by
// the RFC 2782 weighted selection: the records "in any order" except that
// zero weights come first, a running sum of weights, a random number in
// [0, sum], the first record whose running sum reaches it. "Any order" is
// a shuffle here, so that records of weight 0 share the load too.
func (r *Resolver) orderSRV(records []srvRecord) []srvRecord {
	slices.SortStableFunc(records, func(a, b srvRecord) int { return cmp.Compare(a.priority, b.priority) })
	out := make([]srvRecord, 0, len(records))
	for len(records) > 0 {
		n := 1
		for n < len(records) && records[n].priority == records[0].priority {
			n++
		}
		group := records[:n]
		records = records[n:]
		for i := len(group) - 1; i > 0; i-- {
			j := r.randIntN(i + 1)
			group[i], group[j] = group[j], group[i]
		}
		slices.SortStableFunc(group, func(a, b srvRecord) int {
			return cmp.Compare(min(a.weight, 1), min(b.weight, 1))
		})
		for len(group) > 0 {
			i := r.drawWeighted(group)
			out = append(out, group[i])
			group = slices.Delete(group, i, i+1)
		}
	}
	return out
}

func (r *Resolver) drawWeighted(group []srvRecord) int {
	sum := 0
	for _, s := range group {
		sum += int(s.weight)
	}
	pick, running := r.randIntN(sum+1), 0
	for i, s := range group[:len(group)-1] {
		running += int(s.weight)
		if running >= pick {
			return i
		}
	}
	return len(group) - 1
}

// srvTargets resolves the SRV records of one transport to addresses, in
// order. found reports whether there were SRV records.
func (r *Resolver) srvTargets(ctx context.Context, name, proto string) (targets []Target, found bool, err error) {
	records, found, err := r.lookupSRV(ctx, name)
	if err != nil || len(records) == 0 {
		return nil, found, err
	}
	lists := make([][]Target, len(records))
	errs := make([]error, len(records))
	parallel(len(records), func(i int) {
		s := records[i]
		lists[i], errs[i] = r.hostTargets(ctx, s.target, proto, s.port)
	})
	for _, l := range lists {
		targets = append(targets, l...)
	}
	if len(targets) == 0 {
		return nil, true, firstServerError(errs)
	}
	return targets, true, nil
}

// firstServerError returns the first error that is not "does not exist";
// a name that does not exist is no reason to fail when others might.
func firstServerError(errs []error) error {
	for _, err := range errs {
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}
