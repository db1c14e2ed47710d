package tm

import (
	"slices"
	"strings"
	"testing"
	"time"

	_ "switchboard/modules/signaling"
	_ "switchboard/modules/sl"
	"switchboard/sip"
)

// TestCancel: a CANCEL matching the INVITE (§9.2) gets a 200 from us,
// the ringing branch a CANCEL built from what it was sent (§9.1), the
// other one a CANCEL once it rings; the 487 goes upstream when all end
// (§16.10), and failure_route sees t_was_cancelled.
func TestCancel(t *testing.T) {
	h := newHarness(t, `route {
	if (t_check_trans()) { $var(matched) = 1; }
	append_branch("sip:carol@chicago.example.com");
	t_on_failure("missed");
	t_relay();
}
failure_route[missed] {
	if (t_was_cancelled()) { $avp(cancelled) = 1; }
	if (t_relay()) { $avp(relayed) = 1; }
}
`)
	h.request(invite)
	sent := h.forwarded("INVITE")
	if len(sent) != 2 {
		t.Fatalf("%d branches", len(sent))
	}
	h.reply(answer(t, sent[0], 180))
	if code := h.request(withMethod(invite, "CANCEL")); code != 1 {
		t.Fatalf("t_relay on CANCEL returned %d", code)
	}
	if got := h.codes(); !slices.Equal(got, []string{"100", "180", "200"}) {
		t.Fatalf("upstream %v, want the CANCEL's 200 after the 180", got)
	}
	cancels := h.forwarded("CANCEL")
	if len(cancels) != 1 {
		t.Fatalf("%d CANCELs before branch 1 rang, want 1 (§9.1)", len(cancels))
	}
	c, _ := sip.ParseString(cancels[0])
	inv, _ := sip.ParseString(sent[0])
	cv, _ := c.Via()
	iv, _ := inv.Via()
	if cv.Branch != iv.Branch || c.RequestURIString() != inv.RequestURIString() {
		t.Errorf("CANCEL does not match its INVITE (§9.1):\n%s", cancels[0])
	}
	h.reply(answer(t, sent[1], 180))
	if n := len(h.forwarded("CANCEL")); n != 2 {
		t.Errorf("branch 1 not CANCELled after it rang: %d CANCELs", n)
	}
	h.reply(answer(t, cancels[0], 200)) // the CANCEL's own 200 is absorbed
	h.reply(answer(t, sent[0], 487))
	h.reply(answer(t, sent[1], 487))
	// Branch 1's 180 still goes up: the INVITE is not answered yet.
	if got := h.codes(); !slices.Equal(got, []string{"100", "180", "200", "180", "487"}) {
		t.Errorf("upstream %v, want a single 487 at the end", got)
	}
	settle(t)
}

// TestSerialForking: failure_route sees the winning reply ($T_reply_code,
// t_check_status, $T_ruri) and t_relay there adds a branch to the same
// transaction; its 200 goes upstream and the 486 never does.
func TestSerialForking(t *testing.T) {
	h := newHarness(t, `route {
	t_on_failure("next");
	t_relay();
}
failure_route[next] {
	if (t_check_status("48[0-9]") && $T_reply_code == 486 && $T_ruri == "sip:bob@biloxi.example.com") {
		$ru = "sip:bob@voicemail.example.com";
		t_relay();
	}
}
`)
	h.request(invite)
	first := h.forwarded("INVITE")[0]
	h.reply(answer(t, first, 486))
	sent := h.forwarded("INVITE")
	if len(sent) != 2 || !strings.HasPrefix(sent[1], "INVITE sip:bob@voicemail.example.com ") {
		t.Fatalf("no new branch from failure_route: %q", sent)
	}
	h.reply(answer(t, sent[1], 200))
	if got := h.codes(); !slices.Equal(got, []string{"100", "200"}) {
		t.Errorf("upstream %v", got)
	}
	settle(t)
}

// TestParallelForking: the first 2xx goes upstream at once and the other
// branch is CANCELled (§16.7 step 10); a second 2xx is relayed too (RFC
// 6026 §8.2), the losing 487 is not.
func TestParallelForking(t *testing.T) {
	h := newHarness(t, `route {
	append_branch("sip:carol@chicago.example.com");
	t_relay();
}
`)
	h.request(invite)
	sent := h.forwarded("INVITE")
	h.reply(answer(t, sent[0], 180))
	h.reply(answer(t, sent[1], 180))
	h.reply(answer(t, sent[1], 200))
	if n := len(h.forwarded("CANCEL")); n != 1 {
		t.Errorf("%d CANCELs, want 1 for the loser", n)
	}
	h.reply(answer(t, sent[1], 200)) // retransmission: relayed statelessly
	h.reply(answer(t, sent[0], 487))
	if got := h.codes(); !slices.Equal(got, []string{"100", "180", "180", "200", "200"}) {
		t.Errorf("upstream %v", got)
	}
	if n := len(h.forwarded("ACK")); n != 1 {
		t.Errorf("%d ACKs, want 1 for the 487 (the 2xx ACK is end to end)", n)
	}
	settle(t)
}

// TestChallengesAggregated: §16.7 step 7: with several 401/407, the one
// relayed carries every challenge.
func TestChallengesAggregated(t *testing.T) {
	h := newHarness(t, `route {
	append_branch("sip:carol@chicago.example.com");
	t_relay();
}
`)
	h.request(invite)
	sent := h.forwarded("INVITE")
	h.reply(answer(t, sent[0], 407, sip.Field{Name: "Proxy-Authenticate", Value: `Digest realm="a"`}))
	h.reply(answer(t, sent[1], 401, sip.Field{Name: "WWW-Authenticate", Value: `Digest realm="b"`}))
	if len(h.rec.Replies) != 2 {
		t.Fatalf("upstream %v", h.codes())
	}
	out := h.rec.Replies[1]
	if !strings.Contains(out, `Proxy-Authenticate: Digest realm="a"`) || !strings.Contains(out, `WWW-Authenticate: Digest realm="b"`) {
		t.Errorf("challenges not aggregated:\n%s", out)
	}
	settle(t)
}

// TestRoutes: branch_route runs per branch ($T_branch_idx) and may drop
// one; t_on_reply there arms that branch's onreply_route, where drop
// keeps a provisional from going upstream (OpenSIPS t_on_branch,
// t_on_reply).
func TestRoutes(t *testing.T) {
	h := newHarness(t, `route {
	append_branch("sip:carol@chicago.example.com");
	append_branch("sip:dave@denver.example.com");
	t_on_branch("each");
	t_relay();
}
branch_route[each] {
	if ($T_branch_idx == 2) { drop; }
	if ($T_branch_idx == 1) { t_on_reply("quiet"); }
	$rU = "b" + $T_branch_idx;
}
onreply_route[quiet] {
	if (t_check_status("18[0-9]")) { drop; }
}
`)
	h.request(invite)
	sent := h.forwarded("INVITE")
	if len(sent) != 2 {
		t.Fatalf("%d branches sent, want 2 (branch 2 dropped)", len(sent))
	}
	for i, want := range []string{"INVITE sip:b0@biloxi.example.com ", "INVITE sip:b1@chicago.example.com "} {
		if !strings.HasPrefix(sent[i], want) {
			t.Errorf("branch %d lacks its own edits:\n%s", i, sent[i])
		}
	}
	h.reply(answer(t, sent[1], 180))
	h.reply(answer(t, sent[0], 183))
	if got := h.codes(); !slices.Equal(got, []string{"100", "183"}) {
		t.Errorf("upstream %v, want branch 1's 180 dropped", got)
	}
	h.reply(answer(t, sent[0], 404))
	h.reply(answer(t, sent[1], 480))
	settle(t)
}

// TestNonInvite: Timer E retransmits a non-INVITE at T1 doubling to T2,
// then every T2 once a provisional came (§17.1.2.2); Timer F (fr_timeout)
// gives a 408; no 100 Trying for non-INVITE.
func TestNonInvite(t *testing.T) {
	h := newHarness(t, `modparam("tm", "fr_timeout", 8)
route { t_relay(); }
`)
	options := withMethod(invite, "OPTIONS")
	h.request(options)
	advance(3500 * time.Millisecond) // 0.5, 1.5, 3.5
	if n := len(h.forwarded("OPTIONS")); n != 4 {
		t.Errorf("%d OPTIONS after 3.5 s, want 4", n)
	}
	advance(4500 * time.Millisecond)
	if got := h.codes(); !slices.Equal(got, []string{"408"}) {
		t.Errorf("upstream %v, want only our 408", got)
	}
	settle(t)
}

// TestSendReplyStateful: signaling's send_reply goes through tm when the
// request has a transaction (core.ProvideTransactionReply), through sl
// otherwise.
func TestSendReplyStateful(t *testing.T) {
	tests := []struct {
		name, route string
		want        []string
		stateful    bool
	}{
		{"with a transaction", "t_newtran(); send_reply(404, \"Not Found\");", []string{"100", "404"}, true},
		{"without", "send_reply(404, \"Not Found\");", []string{"404"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "loadmodule \"sl.so\"\nloadmodule \"signaling.so\"\nroute {\n"+tc.route+"\n}\n")
			h.request(invite)
			if got := h.codes(); !slices.Equal(got, tc.want) {
				t.Fatalf("replies %v, want %v", got, tc.want)
			}
			last, _ := sip.ParseString(h.rec.Replies[len(h.rec.Replies)-1])
			to, _ := last.To()
			if stateful := !strings.HasPrefix(to.Tag(), "sl"); stateful != tc.stateful {
				t.Errorf("To tag %q: stateful %v, want %v", to.Tag(), stateful, tc.stateful)
			}
			settle(t)
		})
	}
}

// TestTransactionState: AVPs set before t_relay are the transaction's in
// failure_route; $T_fr_timeout set before the transaction exists applies
// to it; t_local_replied tells our 408 from a received reply (OpenSIPS tm
// pseudo-variables and functions).
func TestTransactionState(t *testing.T) {
	h := newHarness(t, `route {
	$avp(who) = "alice";
	$T_fr_timeout = 1;
	t_on_failure("check");
	t_relay();
}
failure_route[check] {
	if ($avp(who) == "alice" && t_local_replied("last") && t_local_replied("all") && $T_fr_timeout == 1) {
		t_reply(480, "Checked");
	}
}
`)
	h.request(invite)
	advance(1020 * time.Millisecond)
	if got := h.codes(); !slices.Equal(got, []string{"100", "480"}) {
		t.Errorf("upstream %v, want failure_route's 480 after 1 s", got)
	}
}

// TestCompletedNonInvite: once a non-INVITE's final reply went upstream,
// the transaction keeps only its last reply and where it goes (shedLocked)
// and still answers a retransmitted request with it (§17.2.2).
func TestCompletedNonInvite(t *testing.T) {
	h := newHarness(t, simpleRelay)
	options := withMethod(invite, "OPTIONS")
	h.request(options)
	sent := h.forwarded("OPTIONS")
	if len(sent) != 1 {
		t.Fatalf("%d OPTIONS sent", len(sent))
	}
	h.reply(answer(t, sent[0], 200))
	if got := h.codes(); !slices.Equal(got, []string{"200"}) {
		t.Fatalf("upstream got %v", got)
	}
	tx := lookupRequest(mustParse(t, options))
	if tx == nil {
		t.Fatal("the transaction ended at once")
	}
	tx.mu.Lock()
	state, last, req, dst := tx.state, tx.lastReply, tx.request, tx.replyDst
	tx.mu.Unlock()
	if state != serverCompleted || last == nil || req != nil || dst == nil {
		t.Errorf("state %d, last reply %d bytes, request kept %v, destination %v: want Completed with only the reply and where it goes",
			state, len(last), req != nil, dst)
	}
	if code := h.request(options); code != 0 || len(h.forwarded("OPTIONS")) != 1 {
		t.Errorf("a retransmitted OPTIONS went on (code %d)", code)
	}
	if got := h.codes(); !slices.Equal(got, []string{"200", "200"}) {
		t.Errorf("retransmission: upstream got %v, want the 200 again", got)
	}
	settle(t)
}
