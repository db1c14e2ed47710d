package rr

import "switchboard/sip"

// removeDropped records the deletion of the route values loose_route
// consumed. A header whose values all go is removed whole; otherwise
// only the values go, with the comma that joined them to a kept one, so
// the rest of the header is forwarded as received.
func (r *router) removeDropped() {
	m := r.ctx.Msg
	hs := m.Headers()
	k := 0
	for hi := range hs {
		h := &hs[hi]
		if h.Type != sip.HdrRoute {
			continue
		}
		// Routes lists the values header by header, in order.
		end, first := h.ValueStart+len(h.Value), k
		for k < len(r.routes) && r.routes[k].Start < end {
			k++
		}
		removeValues(m, h, r.routes[first:k], r.drop[first:k])
	}
}

// removeValues deletes the dropped values of one header.
func removeValues(m *sip.Msg, h *sip.Header, values []sip.NameAddr, drop []bool) {
	kept := false
	for _, d := range drop {
		kept = kept || !d
	}
	if !kept {
		if len(values) > 0 {
			m.RemoveHeader(h)
		}
		return
	}
	for i := 0; i < len(values); {
		if !drop[i] {
			i++
			continue
		}
		j := i
		for j+1 < len(values) && drop[j+1] {
			j++
		}
		if j+1 < len(values) {
			// up to the next kept value: "<a>, " of "<a>, <b>"
			m.Lumps.Delete(values[i].Start, values[j+1].Start)
		} else {
			// from the end of the previous kept value: ", <b>"
			m.Lumps.Delete(values[i-1].End, values[j].End)
		}
		i = j + 1
	}
}
