package tm

import (
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/core/coretest"
	"switchboard/sip"
)

// TestReplicate: t_replicate sends the request statefully to the given
// URI (and the appended branches) and keeps every reply of the copies
// from the UAC, a timeout's 408 too; a reply of the script's own still
// goes (OpenSIPS marks the transaction local).
func TestReplicate(t *testing.T) {
	message := withMethod(invite, "MESSAGE")
	tests := []struct {
		name, route string
		msg         string
		code        int      // the route's return code
		dsts        []string // where copies went
		downstream  int      // reply code each copy gets; 0: none, the branch times out
		upstream    []string // what the UAC got
	}{
		{"a 200 stays here", `$var(rc) = t_replicate("sip:127.0.0.9:5090"); return($var(rc));`, message, 1,
			[]string{"sip:127.0.0.9:5090"}, 200, nil},
		{"a 500 stays here", `t_replicate("sip:127.0.0.9:5090;transport=tcp");`, message, 1,
			[]string{"sip:127.0.0.9:5090;transport=tcp"}, 500, nil},
		{"no reply: no 408 upstream", `t_replicate("sip:127.0.0.9");`, message, 1,
			[]string{"sip:127.0.0.9"}, 0, nil},
		{"appended branches get copies too", `append_branch("sip:carol@127.0.0.8"); t_replicate("sip:127.0.0.9");`, message, 1,
			[]string{"sip:127.0.0.9", "sip:carol@127.0.0.8"}, 486, nil},
		{"the script's own reply goes", `t_replicate("sip:127.0.0.9"); t_reply(202, "Accepted");`, message, 1,
			[]string{"sip:127.0.0.9"}, 500, []string{"202"}},
		{"an INVITE's 486 stays here", `t_replicate("sip:127.0.0.9");`, invite, 1, []string{"sip:127.0.0.9"}, 486, []string{"100"}},
		{"a bad URI is refused", `$var(u) = "sip:"; if (!t_replicate("$var(u)")) { exit; } return(1);`, message, 0, nil, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, `modparam("tm", "fr_timeout", 2)
route {
`+tc.route+`
}
`)
			relayed := Stats.RelayedReplies.Load()
			if code := h.request(tc.msg); code != tc.code {
				t.Errorf("route returned %d, want %d", code, tc.code)
			}
			var dsts []string
			for _, f := range h.rec.Forwards {
				dsts = append(dsts, f.Dst)
			}
			if !slices.Equal(dsts, tc.dsts) {
				t.Fatalf("copies went to %v, want %v", dsts, tc.dsts)
			}
			if tc.downstream != 0 {
				for _, f := range slices.Clone(h.rec.Forwards) {
					if !h.reply(answer(t, f.Data, tc.downstream)) {
						t.Error("tm did not take the reply of a copy")
					}
				}
			} else if len(tc.dsts) > 0 {
				advance(2500 * time.Millisecond)
			}
			if got := h.codes(); !slices.Equal(got, tc.upstream) {
				t.Errorf("the UAC got %v, want %v", got, tc.upstream)
			}
			if n := Stats.RelayedReplies.Load() - relayed; n != 0 {
				t.Errorf("relayed_replies went up by %d", n)
			}
			settle(t)
		})
	}
}

// t_replicate's flags: of t_relay's, only no-dns-failover applies, and
// it is not supported yet.
func TestReplicateFlags(t *testing.T) {
	for _, tc := range []struct{ flags, want string }{
		{"no-auto-477", "does not apply"},
		{"no-dns-failover", "not supported: t_relay flag no-dns-failover"},
		{"bogus", `unknown t_relay flag "bogus"`},
	} {
		t.Run(tc.flags, func(t *testing.T) {
			got := coretest.CompileErrors(t, "loadmodule \"tm.so\"\nroute {\nt_replicate(\"sip:127.0.0.9\", \""+tc.flags+"\");\n}\n")
			if !strings.Contains(got, tc.want) {
				t.Errorf("errors %q, want %q", got, tc.want)
			}
		})
	}
}

// A 2xx to a replicated INVITE is ACKed by tm, as the UAC of the copy
// (RFC 3261 §13.2.2.4): to the Contact, along the reversed Record-Route,
// with the 2xx's To; again for a retransmitted 2xx. Nothing goes to the
// UAC but the 100 Trying of the transaction.
func TestReplicateInvite2xx(t *testing.T) {
	tests := []struct {
		name      string
		rr        []string // the 2xx's Record-Route values
		wantRURI  string
		wantRoute []string
		wantDst   string
	}{
		{"no route set", nil, "sip:bob@192.0.2.20:5070", nil, "sip:bob@192.0.2.20:5070"},
		{"loose routers, reversed", []string{"<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"},
			"sip:bob@192.0.2.20:5070", []string{"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"}, "sip:p1.example.com;lr"},
		{"a strict first hop takes the Request-URI", []string{"<sip:p2.example.com;lr>", "<sip:p1.example.com>"},
			"sip:p1.example.com", []string{"<sip:p2.example.com;lr>", "<sip:bob@192.0.2.20:5070>"}, "sip:p1.example.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "route {\nt_replicate(\"sip:127.0.0.9\");\n}\n")
			h.request(invite)
			sent := h.forwarded("INVITE")
			if len(sent) != 1 {
				t.Fatalf("%d INVITEs", len(sent))
			}
			extra := []sip.Field{{Name: "Contact", Value: "<sip:bob@192.0.2.20:5070>"}}
			for _, rr := range tc.rr {
				extra = append(extra, sip.Field{Name: "Record-Route", Value: rr})
			}
			ok := answer(t, sent[0], 200, extra...)
			h.reply(ok)
			h.reply(ok) // retransmitted
			var acks []coretest.Forward
			for _, f := range h.rec.Forwards {
				if strings.HasPrefix(f.Data, "ACK ") {
					acks = append(acks, f)
				}
			}
			if len(acks) != 2 {
				t.Fatalf("%d ACKs, want 2 (the 2xx and its retransmission)", len(acks))
			}
			ack, err := sip.ParseString(acks[0].Data)
			if err != nil {
				t.Fatalf("ACK does not parse: %v\n%s", err, acks[0].Data)
			}
			if got := ack.RequestURIString(); got != tc.wantRURI {
				t.Errorf("ACK Request-URI %s, want %s", got, tc.wantRURI)
			}
			routes, _ := ack.Routes()
			var got []string
			for _, r := range routes {
				got = append(got, acks[0].Data[r.Start:r.End])
			}
			if !slices.Equal(got, tc.wantRoute) {
				t.Errorf("ACK Route %q, want %q", got, tc.wantRoute)
			}
			if acks[0].Dst != tc.wantDst {
				t.Errorf("ACK sent to %s, want %s", acks[0].Dst, tc.wantDst)
			}
			to, _ := ack.To()
			cseq, _ := ack.CSeq()
			if to.Tag() != "uas" || cseq.Method != "ACK" || cseq.Seq != 314159 {
				t.Errorf("ACK To tag %q, CSeq %v", to.Tag(), cseq)
			}
			if acks[1].Data != acks[0].Data {
				t.Error("the second ACK differs from the first")
			}
			if got := h.codes(); !slices.Equal(got, []string{"100"}) {
				t.Errorf("the UAC got %v, want only the 100", got)
			}
			settle(t)
		})
	}
}
