package tm

import (
	"strings"
	"testing"
	"time"
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

// The Reason of the CANCELs tm sends (RFC 3326), as OpenSIPS picks it.
func TestCancelReason(t *testing.T) {
	cancelWithReason := strings.Replace(withMethod(invite, "CANCEL"), "Content-Length: 0", "Reason: Q.850;cause=16\r\nContent-Length: 0", 1)
	tests := []struct {
		name, route string
		branches    int
		// event happens once every branch rang: "cancel" (the UAC's
		// CANCEL, cancelMsg), "timeout" (fr_inv_timeout), "200" or "603"
		// (branch 0 answers)
		event     string
		cancelMsg string
		want      string // the Reason line of the CANCEL the last branch gets; "" none
	}{
		{"the UAC cancelled", `t_relay();`, 1, "cancel", withMethod(invite, "CANCEL"),
			`Reason: SIP;cause=487;text="ORIGINATOR_CANCEL"`},
		{"pass-reason-hdr", `t_relay("pass-reason-hdr");`, 1, "cancel", cancelWithReason, `Reason: Q.850;cause=16`},
		{"without pass-reason-hdr the received one stays", `t_relay();`, 1, "cancel", cancelWithReason,
			`Reason: SIP;cause=487;text="ORIGINATOR_CANCEL"`},
		{"t_add_cancel_reason wins", `if (is_method("CANCEL")) { t_add_cancel_reason("Reason: SIP;cause=600;text=\"Busy\""); } t_relay("pass-reason-hdr");`,
			1, "cancel", cancelWithReason, `Reason: SIP;cause=600;text="Busy"`},
		{"fr_inv_timeout", `t_relay();`, 1, "timeout", "", `Reason: SIP;cause=480;text="NO_ANSWER"`},
		{"another branch answered", `append_branch("sip:carol@chicago.example.com"); t_relay();`, 2, "200", "",
			`Reason: SIP ;cause=200 ;text="Call completed elsewhere"`},
		{"a 6xx ends the search, no reason", `append_branch("sip:carol@chicago.example.com"); t_relay();`, 2, "603", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "loadmodule \"sipmsgops.so\"\nmodparam(\"tm\", \"fr_inv_timeout\", 4)\nroute {\n"+tc.route+"\n}\n")
			h.request(invite)
			sent := h.forwarded("INVITE")
			if len(sent) != tc.branches {
				t.Fatalf("%d branches", len(sent))
			}
			for _, inv := range sent {
				h.reply(answer(t, inv, 180))
			}
			switch tc.event {
			case "cancel":
				h.request(tc.cancelMsg)
			case "timeout":
				advance(4100 * time.Millisecond)
			default:
				code := 200
				if tc.event == "603" {
					code = 603
				}
				h.reply(answer(t, sent[0], code))
			}
			cancels := h.forwarded("CANCEL")
			if len(cancels) == 0 {
				t.Fatal("no CANCEL sent")
			}
			last := cancels[len(cancels)-1]
			var reasons []string
			for _, line := range strings.Split(last, "\r\n") {
				if strings.HasPrefix(line, "Reason:") {
					reasons = append(reasons, line)
				}
			}
			switch {
			case tc.want == "" && len(reasons) != 0:
				t.Errorf("CANCEL with %q", reasons)
			case tc.want != "" && (len(reasons) != 1 || reasons[0] != tc.want):
				t.Errorf("CANCEL reasons %q, want %q:\n%s", reasons, tc.want, last)
			}
			for _, inv := range sent {
				h.reply(answer(t, inv, 487))
			}
			settle(t)
		})
	}
}
