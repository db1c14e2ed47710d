package usrloc

import (
	"slices"

	"switchboard/engine"
	"switchboard/events"
)

// The events usrloc raises (OpenSIPS ul_evi.c), with their parameters.
// E_UL_CONTACT_REFRESH and E_UL_LATENCY_UPDATE need contact_refresh_timer
// and pinging latency, which this usrloc does not have: they are not
// published, so an event_route for them fails the check.
var eventSpecs = []engine.EventSpec{
	{Name: "E_UL_AOR_INSERT", Params: aorParams},
	{Name: "E_UL_AOR_DELETE", Params: aorParams},
	{Name: "E_UL_CONTACT_INSERT", Params: contactParams},
	{Name: "E_UL_CONTACT_UPDATE", Params: contactParams},
	{Name: "E_UL_CONTACT_DELETE", Params: contactParams},
}

var (
	aorParams     = []string{"domain", "aor"}
	contactParams = []string{"domain", "aor", "uri", "received", "path", "qval", "user_agent", "socket",
		"bflags", "expires", "callid", "cseq", "attr", "latency", "shtag"}
)

// ulEvents are the published events of an instance.
type ulEvents struct {
	aorInsert, aorDelete, ctInsert, ctUpdate, ctDelete *events.Event
}

func publishEvents() ulEvents {
	ev := make([]*events.Event, len(eventSpecs))
	for i, spec := range eventSpecs {
		ev[i] = events.Default.MustPublish(spec.Name, spec.Params...)
	}
	return ulEvents{aorInsert: ev[0], aorDelete: ev[1], ctInsert: ev[2], ctUpdate: ev[3], ctDelete: ev[4]}
}

// active reports whether any usrloc event has a subscriber: a change
// costs nothing more when nobody listens.
func (e *ulEvents) active() bool {
	return e.aorInsert.Active() || e.aorDelete.Active() || e.ctInsert.Active() || e.ctUpdate.Active() || e.ctDelete.Active()
}

// pendingEvent is an event worked out under a shard lock and raised after
// it is released: a sync event_route may call back into usrloc.
type pendingEvent struct {
	ev     *events.Event
	params events.Params
}

// changeEvents lists the events of aor going from old to next bindings,
// in OpenSIPS's order: the AOR appears before its contacts, and leaves
// after them.
func (d *Domain) changeEvents(aor string, old, next []Contact) []pendingEvent {
	e := &d.u.events
	if !e.active() {
		return nil
	}
	var out []pendingEvent
	if len(old) == 0 && len(next) > 0 && e.aorInsert.Active() {
		out = append(out, pendingEvent{e.aorInsert, d.aorParams(aor)})
	}
	for _, n := range next {
		i := slices.IndexFunc(old, func(o Contact) bool { return o.ID == n.ID })
		switch {
		case i < 0 && e.ctInsert.Active():
			out = append(out, pendingEvent{e.ctInsert, d.contactParams(aor, &n)})
		case i >= 0 && changed(&old[i], &n) && e.ctUpdate.Active():
			out = append(out, pendingEvent{e.ctUpdate, d.contactParams(aor, &n)})
		}
	}
	for _, o := range old {
		if !slices.ContainsFunc(next, func(n Contact) bool { return n.ID == o.ID }) && e.ctDelete.Active() {
			out = append(out, pendingEvent{e.ctDelete, d.contactParams(aor, &o)})
		}
	}
	if len(old) > 0 && len(next) == 0 && e.aorDelete.Active() {
		out = append(out, pendingEvent{e.aorDelete, d.aorParams(aor)})
	}
	return out
}

// changed reports whether a binding was written again (a refreshing
// REGISTER changes at least its CSeq or expiry).
func changed(a, b *Contact) bool {
	return a.Expires != b.Expires || a.CSeq != b.CSeq || a.CallID != b.CallID || a.Q != b.Q ||
		a.Received != b.Received || a.Path != b.Path || a.Socket != b.Socket || a.CFlags != b.CFlags ||
		a.UserAgent != b.UserAgent || a.Attr != b.Attr || a.Methods != b.Methods || !a.LastModified.Equal(b.LastModified)
}

func raiseAll(list []pendingEvent) {
	for _, p := range list {
		p.ev.Raise(p.params)
	}
}

func (d *Domain) aorParams(aor string) events.Params {
	return events.Params{{Name: "domain", Value: d.name}, {Name: "aor", Value: aor}}
}

func (d *Domain) contactParams(aor string, c *Contact) events.Params {
	return events.Params{
		{Name: "domain", Value: d.name}, {Name: "aor", Value: aor}, {Name: "uri", Value: c.URI},
		{Name: "received", Value: c.Received}, {Name: "path", Value: c.Path},
		{Name: "qval", Value: c.Q}, {Name: "user_agent", Value: c.UserAgent},
		{Name: "socket", Value: c.Socket}, {Name: "bflags", Value: int(c.CFlags)},
		{Name: "expires", Value: int(c.Expires)}, {Name: "callid", Value: c.CallID},
		{Name: "cseq", Value: int(c.CSeq)}, {Name: "attr", Value: c.Attr},
		{Name: "latency", Value: 0}, {Name: "shtag", Value: ""},
	}
}
