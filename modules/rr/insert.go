package rr

import (
	"strings"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/sip"
)

// insertRecordRoute is the forward hook: it writes the Record-Route that
// record_route or record_route_preset asked for into one copy of the
// request, now that its sending socket is known. The header goes before
// the original headers, after the Via the core put on top (a later
// InsertAfter at the same offset comes after the core's InsertBefore).
func insertRecordRoute(ctx *engine.Context, out *engine.Outgoing) {
	st := stateOf(ctx)
	if st == nil || !st.recorded {
		return
	}
	at := firstHeader(out.Msg)
	if len(st.presets) > 0 {
		double := len(st.presets) == 2
		for _, p := range st.presets {
			out.Lumps.InsertAfter(at, st.presetHeader(p, double))
		}
		return
	}
	// RFC 5658: a request that leaves on another socket than it came in
	// on needs both addresses, or the far side could not reach us back
	// on the one it knows. The outbound one goes first: the callee's
	// route set starts with it.
	rcv := ctx.Received
	double := config.doubleRR && rcv.Local.IsValid() &&
		(protoName(out.Proto) != protoName(rcv.Proto) || out.Local != rcv.Local)
	out.Lumps.InsertAfter(at, st.header(out.Advertised, out.Proto, double))
	if double {
		out.Lumps.InsertAfter(at, st.header(core.ReceivedAdvertised(ctx), rcv.Proto, true))
	}
}

// firstHeader is the offset of the first header line: where headers put
// on top of the message go.
func firstHeader(m *sip.Msg) int {
	if hs := m.Headers(); len(hs) > 0 {
		return hs[0].Start
	}
	return m.HeaderEnd()
}

// header is our Record-Route for a socket advertised as hostport:
// <sip:[user@]host:port[;transport=x][;r2=on];lr[;ftag=t][params]>.
func (st *msgState) header(hostport, proto string, r2 bool) string {
	var b strings.Builder
	b.WriteString("Record-Route: <sip:")
	if st.user != "" {
		b.WriteString(st.user)
		b.WriteByte('@')
	}
	b.WriteString(hostport)
	if p := protoName(proto); p != "udp" {
		b.WriteString(";transport=")
		b.WriteString(p)
	}
	if r2 {
		b.WriteString(";r2=on")
	}
	b.WriteString(";lr")
	st.writeTail(&b)
	return b.String()
}

// presetHeader is a Record-Route with a record_route_preset address. As
// in OpenSIPS the From tag comes before ;lr here.
func (st *msgState) presetHeader(p presetURI, double bool) string {
	var b strings.Builder
	b.WriteString("Record-Route: <")
	b.WriteString(p.scheme)
	b.WriteByte(':')
	if st.user != "" && !p.hasUser {
		b.WriteString(st.user)
		b.WriteByte('@')
	}
	b.WriteString(p.rest)
	if double && !p.hasR2 {
		b.WriteString(";r2=on")
	}
	if st.fromTag != "" {
		b.WriteString(";ftag=")
		b.WriteString(sip.EscapeParam(st.fromTag))
	}
	b.WriteString(";lr")
	b.WriteString(st.extra)
	b.WriteString(">\r\n")
	return b.String()
}

// writeTail ends a socket Record-Route: the From tag, the parameters and
// the closing bracket.
func (st *msgState) writeTail(b *strings.Builder) {
	if st.fromTag != "" {
		// A tag is a token, which may hold characters a URI parameter
		// may not ('`', '%'): those are escaped, and is_direction
		// unescapes before comparing.
		b.WriteString(";ftag=")
		b.WriteString(sip.EscapeParam(st.fromTag))
	}
	b.WriteString(st.rrParams)
	b.WriteString(st.extra)
	b.WriteString(">\r\n")
}

// protoName is a transport name in lower case, "udp" when unset.
func protoName(p string) string {
	if p == "" {
		return "udp"
	}
	return strings.ToLower(p)
}
