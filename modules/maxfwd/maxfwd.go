package maxfwd

import (
	"strconv"

	"switchboard/engine"
	"switchboard/sip"
)

// OpenSIPS parses Max-Forwards as a 16-bit number (str2s), more than the
// 0..255 of RFC 3261 §20.22; a proxy only lowers it, so larger received
// values are accepted and capped to max_limit.
const maxHops = 65535

// parseHops reads a Max-Forwards value: 1*DIGIT up to maxHops.
func parseHops(s string) (int, bool) {
	if s == "" || len(s) > 5 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= maxHops
}

// current is the Max-Forwards header as the message will be written out.
type current struct {
	present bool
	value   string
	// edited is set when the header is no longer the received one: an
	// earlier call (or another function) rewrote or added it.
	edited bool
}

// currentHeader finds the Max-Forwards the message will be sent with.
// With no edits recorded that is the received header, read in place: the
// common case (the stock scripts call mf_process_maxfwd_header first)
// costs no allocation. Otherwise the edited message is written out and
// parsed again, since sip.Lumps cannot be read back; that is how a second
// call sees what the first one did, as OpenSIPS sees its in-place rewrite.
func currentHeader(m *sip.Msg) (current, bool) {
	h, received := m.Header(sip.HdrMaxForwards)
	if m.Lumps.Len() == 0 {
		if !received {
			return current{}, true
		}
		return current{present: true, value: h.Value}, true
	}
	out, err := sip.Parse(m.Bytes())
	if err != nil {
		return current{}, false
	}
	oh, ok := out.Header(sip.HdrMaxForwards)
	if !ok {
		return current{}, true
	}
	return current{present: true, value: oh.Value, edited: !received || oh.Value != h.Value}, true
}

// processMaxForwards is mf_process_maxfwd_header(max): 2 when the header
// was missing and was added with max, 1 when it was decremented, -1 when
// it is 0, -2 on an unreadable value.
func processMaxForwards(ctx *engine.Context, args []engine.Arg) int {
	m := ctx.Msg
	if m == nil || !m.IsRequest() || !args[0].Set || args[0].Int < 1 || args[0].Int > upperLimit {
		return -2
	}
	cur, ok := currentHeader(m)
	if !ok {
		return -2
	}
	if !cur.present {
		// OpenSIPS puts the new header before the first one.
		m.InsertHeader("Max-Forwards", strconv.Itoa(args[0].Int))
		return 2
	}
	hops, good := parseHops(cur.value)
	if !good {
		return -2
	}
	if hops == 0 {
		return -1
	}
	if cur.edited {
		// The header was already rewritten for this message. A recorded
		// edit cannot be replaced, and a second one at the same offset
		// would write both values, so the first decrement stands: a hop
		// is counted once however often the script asks.
		return 1
	}
	hops = min(hops, maxLimit+1) - 1
	h, _ := m.Header(sip.HdrMaxForwards)
	m.SetHeaderValue(h, strconv.Itoa(hops))
	return 1
}

// isMaxForwardsLess is is_maxfwd_lt(n): 1 when the header (as received,
// decremented or added by this script) is below n, -1 when it is not, -2
// when there is none, -3 when its value is unreadable.
func isMaxForwardsLess(ctx *engine.Context, args []engine.Arg) int {
	if ctx.Msg == nil || !args[0].Set {
		return -3
	}
	cur, ok := currentHeader(ctx.Msg)
	if !ok {
		return -3
	}
	if !cur.present {
		return -2
	}
	hops, good := parseHops(cur.value)
	if !good {
		return -3
	}
	if hops >= args[0].Int {
		return -1
	}
	return 1
}
