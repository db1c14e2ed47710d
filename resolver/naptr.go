package resolver

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/miekg/dns"
)

// naptrRecord is a copy of the fields we use; cached records are shared.
type naptrRecord struct {
	order, preference uint16
	flags, service    string
	regexp            string
	replacement       string
}

// lookupNAPTR returns the NAPTR records of name sorted by order, then
// preference (RFC 3403 §4.1).
func (r *Resolver) lookupNAPTR(ctx context.Context, name string) ([]naptrRecord, error) {
	a, err := r.lookup(ctx, name, dns.TypeNAPTR)
	if err != nil {
		return nil, err
	}
	var records []naptrRecord
	for _, rr := range a.records {
		if n, ok := rr.(*dns.NAPTR); ok {
			records = append(records, naptrRecord{n.Order, n.Preference,
				unescapeCharString(n.Flags), unescapeCharString(n.Service), unescapeCharString(n.Regexp), n.Replacement})
		}
	}
	slices.SortStableFunc(records, func(a, b naptrRecord) int {
		return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.preference, b.preference))
	})
	return records, nil
}

// naptrTargets is RFC 3263 §4.1 with NAPTR: keep the records whose service
// is a SIP transport we speak (only SIPS ones for a sips URI) and whose
// flag is "s", then resolve each replacement as an SRV name, in NAPTR
// order. found reports whether any usable NAPTR record existed; when none
// did, the caller goes on to plain SRV queries.
func (r *Resolver) naptrTargets(ctx context.Context, host string, secure bool) (targets []Target, found bool, err error) {
	records, err := r.lookupNAPTR(ctx, host)
	if err != nil {
		return nil, false, err
	}
	type step struct{ name, proto string }
	var steps []step
	for _, n := range records {
		proto := protoForService(n.service)
		if proto == "" || !strings.EqualFold(n.flags, "s") || !r.speaks(proto) ||
			(secure && !protoInfo[proto].secure) {
			continue
		}
		steps = append(steps, step{n.replacement, proto})
	}
	if len(steps) == 0 {
		return nil, false, nil
	}
	lists := make([][]Target, len(steps))
	errs := make([]error, len(steps))
	parallel(len(steps), func(i int) {
		lists[i], _, errs[i] = r.srvTargets(ctx, steps[i].name, steps[i].proto)
	})
	for _, l := range lists {
		targets = append(targets, l...)
	}
	return targets, true, firstServerError(errs)
}

func (r *Resolver) speaks(proto string) bool { return slices.Contains(r.protos, proto) }
