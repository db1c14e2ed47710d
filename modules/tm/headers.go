package tm

import (
	"bytes"
	"fmt"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// headerLines checks header lines a script gives tm (t_add_hdrs,
// t_add_cancel_reason): at least one, in sip.HeaderLines's form.
func headerLines(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("no header")
	}
	return sip.HeaderLines(s)
}

// withHeaders puts header lines at the end of the header section of a
// message tm built (CANCEL, ACK).
func withHeaders(msg []byte, lines string) []byte {
	if lines == "" {
		return msg
	}
	end := bytes.Index(msg, []byte("\r\n\r\n"))
	if end < 0 {
		return msg
	}
	end += 2
	out := make([]byte, 0, len(msg)+len(lines))
	out = append(out, msg[:end]...)
	out = append(out, lines...)
	return append(out, msg[end:]...)
}

// tAddHdrs is t_add_hdrs(headers): header lines for every request tm
// sends for the transaction from now on (branches, CANCELs, ACKs); a
// second call replaces the first, as in OpenSIPS. False without a
// transaction.
func tAddHdrs(ctx *engine.Context, a []engine.Arg) int {
	lines, err := headerLines(a[0].Str)
	if err != nil {
		logger(ctx).Error("t_add_hdrs: bad headers", "err", err)
		return -1
	}
	if !peekState(ctx).with(func(tx *Transaction) { tx.extraHeaders = lines }) {
		return -1
	}
	return 1
}

// tAddCancelReason is t_add_cancel_reason(reason): the Reason header
// line the CANCELs tm sends carry when this CANCEL is relayed (call it
// before t_relay).
func tAddCancelReason(ctx *engine.Context, a []engine.Arg) int {
	lines, err := headerLines(a[0].Str)
	if err != nil {
		logger(ctx).Error("t_add_cancel_reason: bad header", "err", err)
		return -1
	}
	stateOf(ctx).cancelReason = lines
	return 1
}

// reasonHeaders are the Reason header lines of a received CANCEL, for
// t_relay's pass-reason-hdr (RFC 3326: the reason goes on downstream).
func reasonHeaders(m *sip.Msg) string {
	var b strings.Builder
	for _, h := range m.Headers() {
		if sip.EqualFold(h.Name, "Reason") {
			b.WriteString("Reason: ")
			b.WriteString(h.Value)
			b.WriteString("\r\n")
		}
	}
	return b.String()
}
