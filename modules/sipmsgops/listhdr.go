package sipmsgops

import (
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// token is one comma-separated option of a header value, with its span
// in the message.
type token struct {
	text       string
	start, end int
}

// listTokens splits a header value such as Supported or Require.
func listTokens(h *sip.Header) []token {
	var list []token
	off := 0
	for _, part := range strings.Split(h.Value, ",") {
		trimmed := strings.TrimSpace(part)
		if trimmed != "" {
			s := h.ValueStart + off + strings.Index(part, trimmed)
			list = append(list, token{text: trimmed, start: s, end: s + len(trimmed)})
		}
		off += len(part) + 1
	}
	return list
}

// listHdrHasOption is list_hdr_has_option(hdr, option): any instance of
// the header, as received, lists the option (compared without case).
func listHdrHasOption(ctx *engine.Context, a []engine.Arg) int {
	n, ok := headerArg(&a[0])
	if !ok || ctx.Msg == nil {
		return -1
	}
	for i := range ctx.Msg.Headers() {
		h := &ctx.Msg.Headers()[i]
		if !n.matches(h) {
			continue
		}
		for _, t := range listTokens(h) {
			if strings.EqualFold(t.text, a[1].Str) {
				return 1
			}
		}
	}
	return -1
}

// listHdrAddOption is list_hdr_add_option(hdr, option): the option goes
// at the end of the first instance. Each add is an insertion at the end
// of the received value, so several adds come out in call order.
func listHdrAddOption(ctx *engine.Context, a []engine.Arg) int {
	n, ok := headerArg(&a[0])
	if !ok || ctx.Msg == nil || a[1].Str == "" {
		return -1
	}
	for i := range ctx.Msg.Headers() {
		h := &ctx.Msg.Headers()[i]
		if !n.matches(h) {
			continue
		}
		sep := ", "
		if strings.TrimSpace(h.Value) == "" {
			sep = ""
		}
		ctx.Msg.Lumps.InsertAfter(h.ValueStart+len(h.Value), sep+a[1].Str)
		return 1
	}
	return -1
}

// listHdrRemoveOption is list_hdr_remove_option(hdr, option): in every
// instance the last occurrence of the option goes with its separator; a
// header left without options goes entirely.
func listHdrRemoveOption(ctx *engine.Context, a []engine.Arg) int {
	n, ok := headerArg(&a[0])
	if !ok || ctx.Msg == nil {
		return -1
	}
	m := ctx.Msg
	removed := false
	for i := range m.Headers() {
		h := &m.Headers()[i]
		if !n.matches(h) {
			continue
		}
		list := listTokens(h)
		k := -1
		for j, t := range list {
			if strings.EqualFold(t.text, a[1].Str) {
				k = j
			}
		}
		switch {
		case k < 0:
			continue
		case len(list) == 1:
			m.RemoveHeader(h)
		case k == len(list)-1: // ", last"
			m.Lumps.Delete(list[k-1].end, list[k].end)
		default: // "opt, "
			m.Lumps.Delete(list[k].start, list[k+1].start)
		}
		removed = true
	}
	return truth(removed)
}
