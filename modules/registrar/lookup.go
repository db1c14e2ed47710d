package registrar

import (
	"slices"
	"strings"
	"time"

	"switchboard/engine"
	"switchboard/modules/usrloc"
	"switchboard/sip"
)

// lookup return codes (OpenSIPS 3.6).
const (
	lookupFound    = 1
	lookupNotFound = -1
	lookupFiltered = -2 // bindings exist, none accepts the method
	lookupError    = -3
)

func runLookup(ctx *engine.Context, a []engine.Arg) int {
	flags, ok := a[1].Fixed.(lookupFlags)
	if !ok {
		var err error
		if flags, err = parseLookupFlags(a[1].Str); err != nil {
			logError(ctx, "lookup", err)
			return lookupError
		}
	}
	cs, rc := contactsOf(ctx, a[0].Fixed.(string), a[2].Str, ctx.Msg.NewRequestURI())
	if rc != lookupFound {
		return rc
	}
	if flags.methodFiltering {
		method := ctx.Msg.Method()
		cs = slices.DeleteFunc(cs, func(c usrloc.Contact) bool { return !c.Allows(method) })
		if len(cs) == 0 {
			return lookupFiltered
		}
	}
	if flags.noBranches {
		cs = cs[:1]
	}
	first := 0
	if !flags.branchesOnly {
		// The best binding becomes the Request-URI branch.
		c := &cs[0]
		ctx.Msg.SetRequestURI(c.URI)
		ctx.DstURI, ctx.Path = nextHop(c), c.Path
		ctx.RURIQ, ctx.Socket = c.Q, c.Socket
		ctx.BranchFlags |= c.CFlags
		first = 1
	}
	for _, c := range cs[first:] {
		ctx.Branches = append(ctx.Branches, engine.Branch{URI: c.URI, DstURI: nextHop(&c), Path: c.Path,
			Q: c.Q, Flags: c.CFlags, Socket: c.Socket})
	}
	return lookupFound
}

// nextHop is where a request to c goes first: the first Path hop (the
// edge proxy that handles the UA's NAT, RFC 3327 §5.4), else the
// address the REGISTER really came from.
func nextHop(c *usrloc.Contact) string {
	if c.Path != "" {
		return firstPathURI(c.Path)
	}
	return c.Received
}

// contactsOf returns the live bindings of the AOR given, or of uri.
func contactsOf(ctx *engine.Context, table, aorArg, uri string) ([]usrloc.Contact, int) {
	u, err := usrloc.Load()
	var d *usrloc.Domain
	if err == nil {
		d, err = u.Domain(table)
	}
	if err != nil {
		logError(ctx, "lookup", err)
		return nil, lookupError
	}
	if aorArg != "" {
		uri = aorArg
	}
	aor, err := aorOf(uri, u.UseDomain(), config())
	if err != nil {
		return nil, lookupNotFound
	}
	cs, err := d.Get(aor)
	if err != nil {
		logError(ctx, "lookup", err)
		return nil, lookupError
	}
	if len(cs) == 0 {
		return nil, lookupNotFound
	}
	return cs, lookupFound
}

// toURI is the default AOR of the is_* functions: the To URI.
func toURI(ctx *engine.Context) string {
	if to, err := ctx.Msg.To(); err == nil {
		return to.URI.Raw
	}
	return ""
}

// runRegistered is is_registered(domain, [aor]) and the 2.x
// registered(domain, [aor], [callid]): 1 when the AOR has a binding (with
// that Call-ID), -1 otherwise.
func runRegistered(ctx *engine.Context, a []engine.Arg) int {
	cs, rc := contactsOf(ctx, a[0].Fixed.(string), a[1].Str, toURI(ctx))
	if rc != lookupFound {
		return -1
	}
	if len(a) > 2 && a[2].Str != "" &&
		!slices.ContainsFunc(cs, func(c usrloc.Contact) bool { return c.CallID == a[2].Str }) {
		return -1
	}
	return 1
}

// runIsContactRegistered is is_contact_registered(domain, [aor],
// [contact], [callid]): the contact defaults to the request's first
// Contact; either it or the Call-ID must match a binding.
func runIsContactRegistered(ctx *engine.Context, a []engine.Arg) int {
	cs, rc := contactsOf(ctx, a[0].Fixed.(string), a[1].Str, toURI(ctx))
	if rc != lookupFound {
		return -1
	}
	contact, callID := a[2].Str, a[3].Str
	if contact == "" && callID == "" {
		if list, err := ctx.Msg.Contacts(); err == nil && len(list.List) > 0 {
			contact = list.List[0].URI.Raw
		}
	}
	for _, c := range cs {
		if (contact == "" || sameURI(c.URI, contact)) && (callID == "" || c.CallID == callID) {
			return 1
		}
	}
	return -1
}

func sameURI(a, b string) bool {
	ua, err1 := sip.ParseURI(a)
	ub, err2 := sip.ParseURI(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return ua.Equal(&ub)
}

// runRemove is remove(domain, aor, [contact], [next_hop], [sip_instance],
// [bflag]): removes the AOR's bindings matching every filter given. 1
// when something was removed, -1 when nothing matched, -2 on an error.
func runRemove(ctx *engine.Context, a []engine.Arg) int {
	u, err := usrloc.Load()
	var d *usrloc.Domain
	if err == nil {
		d, err = u.Domain(a[0].Fixed.(string))
	}
	if err != nil {
		logError(ctx, "remove", err)
		return -2
	}
	aor, err := aorOf(a[1].Str, u.UseDomain(), config())
	if err != nil {
		return -1
	}
	contact, nextHopFilter, instance := a[2].Str, a[3].Str, a[4].Str
	bflag, _ := a[5].Fixed.(uint64)
	removed := 0
	_, err = d.Update(aor, func(_ time.Time, cur []usrloc.Contact) ([]usrloc.Contact, error) {
		kept := slices.DeleteFunc(cur, func(c usrloc.Contact) bool {
			match := (contact == "" || sameURI(c.URI, contact)) &&
				(nextHopFilter == "" || strings.Contains(nextHop(&c)+" "+c.URI, nextHopFilter)) &&
				(instance == "" || c.Instance == instance) &&
				(bflag == 0 || c.CFlags&bflag != 0)
			if match {
				removed++
			}
			return match
		})
		return kept, nil
	})
	if err != nil {
		logError(ctx, "remove", err)
		return -2
	}
	if removed == 0 {
		return -1
	}
	return 1
}

// runAddSockHdr is add_sock_hdr(name): the REGISTER carries the socket it
// arrived on to a registrar behind this proxy (save's socket-header).
func runAddSockHdr(ctx *engine.Context, a []engine.Arg) int {
	if ctx.Received.Socket == "" || a[0].Str == "" {
		return -1
	}
	ctx.Msg.AddHeader(a[0].Str, ctx.Received.Socket)
	return 1
}
