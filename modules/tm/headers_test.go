package tm

import (
	"strings"
	"testing"
)

// t_add_hdrs puts its headers into every request tm sends for the
// transaction: the branch, the CANCEL and the ACK of a non-2xx;
// t_add_cancel_reason gives the CANCELs a Reason.
func TestExtraHeaders(t *testing.T) {
	const reason = `Reason: SIP ;cause=200 ;text="Call completed elsewhere"`
	tests := []struct {
		name, route string
		inInvite    string // in the INVITE sent, "" none expected
		inCancel    []string
		inAck       string
		notIn       string // in none of the requests
	}{
		{name: "t_add_hdrs before t_relay",
			route:    `if (is_method("INVITE")) { t_newtran(); t_add_hdrs("X-Origin: 192.0.2.1\r\nX-Two: 2\r\n"); } t_relay();`,
			inInvite: "X-Origin: 192.0.2.1\r\nX-Two: 2\r\n", inCancel: []string{"X-Origin: 192.0.2.1\r\nX-Two: 2\r\n"}, inAck: "X-Origin: 192.0.2.1\r\n"},
		{name: "the second call replaces the first, CRLF added",
			route:    `if (is_method("INVITE")) { t_newtran(); t_add_hdrs("X-Old: 1\r\n"); t_add_hdrs("X-New: 1"); } t_relay();`,
			inInvite: "X-New: 1\r\n", inCancel: []string{"X-New: 1\r\n"}, inAck: "X-New: 1\r\n", notIn: "X-Old"},
		{name: "t_add_cancel_reason",
			route:    `if (is_method("CANCEL")) { t_add_cancel_reason("` + strings.ReplaceAll(reason, `"`, `\"`) + `\r\n"); } t_relay();`,
			inCancel: []string{reason + "\r\n"}},
		{name: "without a transaction t_add_hdrs is false",
			route: `if (t_add_hdrs("X-None: 1\r\n")) { exit; } t_relay();`, notIn: "X-None"},
		{name: "an empty line is refused",
			route: `if (is_method("INVITE")) { t_newtran(); if (t_add_hdrs("X-A: 1\r\n\r\nbody")) { exit; } } t_relay();`, notIn: "X-A"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "loadmodule \"sipmsgops.so\"\nroute {\n"+tc.route+"\n}\n")
			h.request(invite)
			sent := h.forwarded("INVITE")
			if len(sent) != 1 {
				t.Fatalf("%d INVITEs sent", len(sent))
			}
			h.reply(answer(t, sent[0], 180))
			h.request(withMethod(invite, "CANCEL"))
			cancels := h.forwarded("CANCEL")
			if len(cancels) != 1 {
				t.Fatalf("%d CANCELs sent", len(cancels))
			}
			h.reply(answer(t, sent[0], 487))
			acks := h.forwarded("ACK")
			if len(acks) != 1 {
				t.Fatalf("%d ACKs sent", len(acks))
			}
			check := func(what, msg, want string) {
				t.Helper()
				head, _, _ := strings.Cut(msg, "\r\n\r\n")
				if want != "" && !strings.Contains(head+"\r\n", want) {
					t.Errorf("%s without %q:\n%s", what, want, msg)
				}
				if tc.notIn != "" && strings.Contains(msg, tc.notIn) {
					t.Errorf("%s with %q:\n%s", what, tc.notIn, msg)
				}
			}
			check("INVITE", sent[0], tc.inInvite)
			for _, w := range append(tc.inCancel, "") {
				check("CANCEL", cancels[0], w)
			}
			check("ACK", acks[0], tc.inAck)
			settle(t)
		})
	}
}
