package registrar

import (
	"slices"
	"time"

	"switchboard/engine"
	"switchboard/modules/usrloc"
	"switchboard/sip"
)

// apply is RFC 3261 §10.3 steps 6 and 7 on the AOR's live bindings, run
// under usrloc's lock for the AOR. Every check comes before the result
// is returned, so a refused REGISTER changes nothing.
func (req *register) apply(ctx *engine.Context, cfg *settings, flags saveFlags, now time.Time, cur []usrloc.Contact) ([]usrloc.Contact, error) {
	if req.star {
		// Step 6: every binding goes, unless one was written by this
		// Call-ID with a CSeq not lower than the request's.
		for _, c := range cur {
			if c.CallID == req.callID && c.CSeq >= req.cseq {
				return nil, reject(400, "Invalid CSeq number")
			}
		}
		return nil, nil
	}
	for _, b := range req.bindings {
		i := slices.IndexFunc(cur, func(c usrloc.Contact) bool { return sameBinding(&c, &b.na) })
		if i < 0 {
			if b.expires > 0 {
				cur = append(cur, req.contact(ctx, flags, b, now))
			}
			continue
		}
		// Step 7: a binding from another Call-ID is replaced; from
		// the same one only by a higher CSeq. An equal CSeq is this
		// REGISTER again (a retransmission sl answers anew): the
		// binding stays as the first copy left it.
		if cur[i].CallID == req.callID {
			if req.cseq < cur[i].CSeq {
				return nil, reject(400, "Invalid CSeq number")
			}
			if req.cseq == cur[i].CSeq {
				continue
			}
		}
		if b.expires == 0 {
			cur = slices.Delete(cur, i, i+1)
			continue
		}
		id := cur[i].ID
		cur[i] = req.contact(ctx, flags, b, now)
		cur[i].ID = id
	}
	limit := pick(flags.maxContacts, cfg.maxContacts)
	if limit > 0 && len(cur) > limit {
		if !flags.force {
			r := reject(503, "Too many registered contacts")
			if cfg.retryAfter > 0 {
				r.headers = []sip.Field{{Name: "Retry-After", Value: itoa(cfg.retryAfter)}}
			}
			return nil, r
		}
		// force-registration: the oldest bindings make room.
		slices.SortStableFunc(cur, func(a, b usrloc.Contact) int { return a.LastModified.Compare(b.LastModified) })
		cur = cur[len(cur)-limit:]
	}
	return cur, nil
}

// sameBinding matches a Contact of the REGISTER to a stored binding: by
// +sip.instance and reg-id when the UA sends them (RFC 5626 §6: a flow
// is the instance and reg-id, whatever its URI), else by URI equality
// (RFC 3261 §10.3 step 7, §19.1.4).
func sameBinding(c *usrloc.Contact, na *sip.NameAddr) bool {
	if inst := na.Instance(); inst != "" && c.Instance != "" {
		return inst == c.Instance && na.RegID() == c.RegID
	}
	stored, err := sip.ParseURI(c.URI)
	if err != nil {
		return c.URI == na.URI.Raw
	}
	return stored.Equal(&na.URI)
}

// contact is the binding a Contact of the REGISTER becomes.
func (req *register) contact(ctx *engine.Context, flags saveFlags, b binding, now time.Time) usrloc.Contact {
	c := usrloc.Contact{
		URI: b.na.URI.Raw, Expires: now.Unix() + b.expires, Q: b.q, CallID: req.callID, CSeq: req.cseq,
		CFlags: ctx.BranchFlags, UserAgent: req.ua, Received: req.received, Path: req.path,
		Socket: req.socket, Methods: req.methods, Instance: b.na.Instance(), RegID: b.na.RegID(),
		LastModified: now,
	}
	if flags.memoryOnly {
		c.Flags |= usrloc.FlagMemOnly
	}
	return c
}
