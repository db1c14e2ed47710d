package tm

import (
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/sip"
)

// simpleRelay relays everything, checking retransmissions first.
const simpleRelay = `route {
	t_relay();
}
`

// TestRequestMatching: RFC 3261 §17.2.3 matches by branch, sent-by and
// method (ACK with its INVITE); without the magic cookie the RFC 2543
// rules apply (RFC 4475 §3.3.8 inv2543, §3.1.2.x badbranch); §9.2 finds
// the INVITE of a CANCEL.
func TestRequestMatching(t *testing.T) {
	rfc2543 := strings.Replace(invite, ";branch=z9hG4bK776asdhds", "", 1)
	tests := []struct {
		name       string
		a, b       string
		bAsInvite  bool // look b up as its INVITE (CANCEL)
		wantSameTx bool
	}{
		{"§17.2.3 retransmission", invite, invite, false, true},
		{"§17.2.3 other branch", invite, withBranch(invite, "z9hG4bKother"), false, false},
		{"§17.2.3 other sent-by", invite, strings.Replace(invite, "pc33.atlanta.example.com;", "pc34.atlanta.example.com;", 1), false, false},
		{"§17.2.3 sent-by host is case-insensitive", invite, strings.Replace(invite, "pc33.atlanta.example.com;", "PC33.atlanta.example.com;", 1), false, true},
		{"§17.2.3 ACK goes with its INVITE", invite, withMethod(invite, "ACK"), false, true},
		{"§17.2.3 CANCEL is a transaction of its own", invite, withMethod(invite, "CANCEL"), false, false},
		{"§9.2 CANCEL finds its INVITE", invite, withMethod(invite, "CANCEL"), true, true},
		{"RFC 2543 retransmission", rfc2543, rfc2543, false, true},
		{"RFC 2543 ACK with the reply's To tag", rfc2543,
			withMethod(strings.Replace(rfc2543, "<sip:bob@biloxi.example.com>\r\n", "<sip:bob@biloxi.example.com>;tag=x\r\n", 1), "ACK"), false, true},
		{"RFC 2543 other CSeq", rfc2543, strings.Replace(rfc2543, "314159", "314160", 2), false, false},
		{"RFC 4475 badbranch: cookie alone is RFC 2543", withBranch(invite, "z9hG4bK"), withBranch(invite, "z9hG4bK"), false, true},
		{"RFC 2543 CANCEL finds its INVITE", rfc2543, withMethod(rfc2543, "CANCEL"), true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := sip.ParseString(tc.a)
			b, _ := sip.ParseString(tc.b)
			ka, err := requestKey(a, "")
			if err != nil {
				t.Fatal(err)
			}
			method := ""
			if tc.bAsInvite {
				method = "INVITE"
			}
			kb, err := requestKey(b, method)
			if err != nil {
				t.Fatal(err)
			}
			if (ka == kb) != tc.wantSameTx {
				t.Errorf("same transaction %v, want %v\n%q\n%q", ka == kb, tc.wantSameTx, ka, kb)
			}
		})
	}
}

// TestBestReply: RFC 3261 §16.7 step 6 (6xx first, then the lowest
// class) with OpenSIPS's preference for replies a UAC can act on.
func TestBestReply(t *testing.T) {
	type reply struct {
		code  int
		local bool
	}
	tests := []struct {
		name    string
		replies []reply
		want    int // index of the winner
	}{
		{"lowest class wins", []reply{{486, false}, {302, false}}, 1},
		{"6xx wins over anything", []reply{{302, false}, {603, false}, {404, false}}, 1},
		{"earliest on a tie", []reply{{486, false}, {404, false}}, 0},
		{"401 over other 4xx", []reply{{486, false}, {401, false}}, 1},
		{"4xx over 5xx", []reply{{503, false}, {480, false}}, 1},
		{"a received reply over our own 408", []reply{{408, true}, {480, false}}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var all []*branch
			for i, r := range tc.replies {
				all = append(all, &branch{index: i, code: r.code, local: r.local, state: clientCompleted})
			}
			if got := bestBranch(all); got == nil || got.index != tc.want {
				t.Errorf("winner %+v, want branch %d", got, tc.want)
			}
		})
	}
}

// TestRelayedReplyEdits: §16.7 step 3 removes our Via; step 6 turns a
// 503 into a 500.
func TestRelayedReplyEdits(t *testing.T) {
	two := "SIP/2.0 503 Service Unavailable\r\nVia: SIP/2.0/UDP us;branch=z9hG4bKa\r\nVia: SIP/2.0/UDP them;branch=z9hG4bKb\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
	oneLine := strings.Replace(strings.Replace(two, "z9hG4bKa\r\nVia: ", "z9hG4bKa, ", 1), "503 Service Unavailable", "486 Busy Here", 1)
	tests := []struct{ name, in, firstLine, via string }{
		{"§16.7 step 6: 503 becomes 500", two, "SIP/2.0 500 Server Internal Error", "Via: SIP/2.0/UDP them;branch=z9hG4bKb\r\n"},
		{"§16.7 step 3: our Via in a shared line", oneLine, "SIP/2.0 486 Busy Here", "Via: SIP/2.0/UDP them;branch=z9hG4bKb\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := sip.ParseString(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			out := string(replyBytes(m, nil))
			if !strings.HasPrefix(out, tc.firstLine+"\r\n") || !strings.Contains(out, tc.via) || strings.Contains(out, " us;") {
				t.Errorf("relayed:\n%s", out)
			}
		})
	}
}

func TestParseRelayFlags(t *testing.T) {
	tests := []struct {
		in      string
		want477 bool
		wantErr bool
	}{
		{"no-auto-477", true, false},
		{"no-auto-477, ", true, false},
		{"0x02", true, false},
		{"0", false, false},
		{"no-dns-failover, no-auto-477", false, true}, // not honoured: refused, not ignored
		{"pass-reason-hdr", false, false},
		{"pass-reason-hdr,no-auto-477", true, false},
		{"0x04", false, true},
		{"bogus", false, true},
	}
	for _, tc := range tests {
		f, err := parseRelayFlags(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("%q: error %v", tc.in, err)
			continue
		}
		if err == nil && f.(relayFlags).noAuto477 != tc.want477 {
			t.Errorf("%q: no-auto-477 %v", tc.in, !tc.want477)
		}
	}
}

// TestInviteClientTransaction: Timer A retransmits at T1, 2T1, 4T1,
// capped at T2 (§17.1.1.2); a provisional stops it and the 180 goes
// upstream while the 100 stays hop by hop (§16.7 step 5); the 486 is
// ACKed downstream (§17.1.1.3) and relayed without our Via.
func TestInviteClientTransaction(t *testing.T) {
	h := newHarness(t, simpleRelay)
	if code := h.request(invite); code != 1 {
		t.Fatalf("t_relay returned %d", code)
	}
	if got := h.codes(); !slices.Equal(got, []string{"100"}) {
		t.Fatalf("upstream got %v, want our 100 Trying", got)
	}
	sent := h.forwarded("INVITE")
	if len(sent) != 1 {
		t.Fatalf("%d INVITEs sent", len(sent))
	}
	// 0.5 + 1 + 2 + 4 + 4 = 11.5 s: five retransmissions.
	before := retransSnapshot()
	advance(11500 * time.Millisecond)
	if n := len(h.forwarded("INVITE")); n != 6 {
		t.Errorf("%d INVITEs after 11.5 s, want 6 (Timer A capped at T2)", n)
	}
	// retransmission_req_T1_1, _T1_2, _T1_3 once each, _T2 twice.
	if got := retransSnapshot().minus(before); got != (retransCounts{req: [4]int64{1, 1, 1, 2}}) {
		t.Errorf("retransmission statistics %+v", got)
	}
	h.reply(answer(t, sent[0], 100))
	h.reply(answer(t, sent[0], 180))
	advance(10 * time.Second)
	if n := len(h.forwarded("INVITE")); n != 6 {
		t.Errorf("retransmissions went on after a provisional: %d", n)
	}
	h.reply(answer(t, sent[0], 486))
	if got := h.codes(); !slices.Equal(got, []string{"100", "180", "486"}) {
		t.Fatalf("upstream got %v", got)
	}
	if strings.Contains(h.rec.Replies[2], "127.0.0.1:5060") {
		t.Errorf("our Via went upstream:\n%s", h.rec.Replies[2])
	}
	acks := h.forwarded("ACK")
	if len(acks) != 1 || !strings.Contains(acks[0], "tag=uas") {
		t.Fatalf("ACK downstream: %q", acks)
	}
	// A retransmitted 486 is ACKed again, not relayed again.
	h.reply(answer(t, sent[0], 486))
	if len(h.forwarded("ACK")) != 2 || len(h.rec.Replies) != 3 {
		t.Errorf("retransmitted 486: %d ACKs, %d replies", len(h.forwarded("ACK")), len(h.rec.Replies))
	}
	// The UAC's ACK is absorbed by the server transaction (§17.2.1).
	if code := h.request(withMethod(invite, "ACK")); code != 1 || len(h.forwarded("ACK")) != 2 {
		t.Errorf("the upstream ACK was not absorbed (code %d)", code)
	}
	settle(t)
}

// TestAnsweredInvite: a 2xx goes upstream, the INVITE server transaction
// is Accepted (RFC 6026 §7.1): retransmitted INVITEs are absorbed,
// retransmitted 2xx still go upstream (§8.2), and the transaction keeps
// neither its last reply nor the INVITE its branch sent (shedLocked)
// until Timers L and M end it.
func TestAnsweredInvite(t *testing.T) {
	h := newHarness(t, simpleRelay)
	h.request(invite)
	sent := h.forwarded("INVITE")
	if len(sent) != 1 {
		t.Fatalf("%d INVITEs sent", len(sent))
	}
	h.reply(answer(t, sent[0], 180))
	h.reply(answer(t, sent[0], 200))
	if got := h.codes(); !slices.Equal(got, []string{"100", "180", "200"}) {
		t.Fatalf("upstream got %v", got)
	}
	tx := lookupRequest(mustParse(t, invite))
	if tx == nil {
		t.Fatal("the INVITE transaction ended at once")
	}
	tx.mu.Lock()
	state, last, data, req, dst := tx.state, tx.lastReply, tx.branches[0].sent.Data, tx.request, tx.replyDst
	tx.mu.Unlock()
	if state != serverAccepted || last != nil || data != nil {
		t.Errorf("state %d, last reply %d bytes, sent INVITE %d bytes: want Accepted and both let go", state, len(last), len(data))
	}
	if req != nil || dst == nil {
		t.Errorf("request kept %v, reply destination %v: want the request let go for where its 2xx go", req != nil, dst)
	}
	if code := h.request(invite); code != 0 || len(h.forwarded("INVITE")) != 1 || len(h.rec.Replies) != 3 {
		t.Errorf("a retransmitted INVITE was not absorbed (code %d, %d replies)", code, len(h.rec.Replies))
	}
	h.reply(answer(t, sent[0], 200))
	if got := h.codes(); !slices.Equal(got, []string{"100", "180", "200", "200"}) {
		t.Errorf("retransmitted 2xx: upstream got %v", got)
	}
	advance(31 * time.Second) // still within 64*T1
	if lookupRequest(mustParse(t, invite)) == nil {
		t.Error("the transaction ended before Timer L")
	}
	settle(t)
}

func mustParse(t *testing.T, s string) *sip.Msg {
	t.Helper()
	m, err := sip.ParseString(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestServerTransaction: a retransmitted INVITE gets the last reply again
// and stops the script (§17.2.1; OpenSIPS t_relay/t_check_trans return
// 0); a local non-2xx is retransmitted by Timer G until the ACK.
func TestServerTransaction(t *testing.T) {
	h := newHarness(t, `route {
	if (!t_check_trans()) { }
	t_newtran();
	t_reply(486, "Busy Here");
}
`)
	h.request(invite)
	if got := h.codes(); !slices.Equal(got, []string{"100", "486"}) {
		t.Fatalf("replies %v", got)
	}
	if code := h.request(invite); code != 0 {
		t.Errorf("a retransmission ran the script on (code %d)", code)
	}
	if got := h.codes(); !slices.Equal(got, []string{"100", "486", "486"}) {
		t.Fatalf("retransmission answered with %v", got)
	}
	before := retransSnapshot()
	advance(1500 * time.Millisecond) // Timer G: T1, then 2*T1
	if n := len(h.rec.Replies); n != 5 {
		t.Errorf("%d replies after 1.5 s, want 5 (Timer G)", n)
	}
	if got := retransSnapshot().minus(before); got != (retransCounts{rpl: 2}) {
		t.Errorf("retransmission statistics %+v, want retransmission_rpl_T2 2", got)
	}
	h.request(withMethod(invite, "ACK"))
	advance(10 * time.Second)
	if n := len(h.rec.Replies); n != 5 {
		t.Errorf("Timer G went on after the ACK: %d replies", n)
	}
	settle(t)
}

// TestTimeouts: §17.1.1.2 Timer B (fr_timeout) gives a 408 of our own when
// nothing answers; after a provisional fr_inv_timeout runs (§16.8 Timer C)
// and the branch is CANCELled (§16.8, §9.1) before the 408.
func TestTimeouts(t *testing.T) {
	tests := []struct {
		name     string
		ring     bool
		after    time.Duration
		cancels  int
		upstream []string
		stats    retransCounts // the timeout counters (retransmissions not compared)
	}{
		{"Timer B without reply", false, 2 * time.Second, 0, []string{"100", "408"}, retransCounts{fr: 1}},
		{"fr_inv_timeout after ringing", true, 4 * time.Second, 1, []string{"100", "180", "408"}, retransCounts{frInv: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, `modparam("tm", "fr_timeout", 2)
modparam("tm", "fr_inv_timeout", 4)
route { t_relay(); }
`)
			before := retransSnapshot()
			h.request(invite)
			if tc.ring {
				h.reply(answer(t, h.forwarded("INVITE")[0], 180))
			}
			advance(tc.after - 20*time.Millisecond)
			if len(h.rec.Replies) != len(tc.upstream)-1 {
				t.Fatalf("timed out early: %v", h.codes())
			}
			advance(40 * time.Millisecond)
			if got := h.codes(); !slices.Equal(got, tc.upstream) {
				t.Errorf("upstream got %v, want %v", got, tc.upstream)
			}
			if n := len(h.forwarded("CANCEL")); n < tc.cancels || (tc.cancels == 0 && n != 0) {
				t.Errorf("%d CANCELs, want %d", n, tc.cancels)
			}
			got := retransSnapshot().minus(before)
			if got.fr != tc.stats.fr || got.frInv != tc.stats.frInv {
				t.Errorf("timeout_finalresponse %d, _inv %d; want %d, %d", got.fr, got.frInv, tc.stats.fr, tc.stats.frInv)
			}
			settle(t)
		})
	}
}

// retransCounts are the retransmission and timeout statistics.
type retransCounts struct {
	req            [4]int64
	rpl, fr, frInv int64
}

func retransSnapshot() retransCounts {
	var c retransCounts
	for i := range c.req {
		c.req[i] = Stats.RetransReq[i].Load()
	}
	c.rpl, c.fr, c.frInv = Stats.RetransRpl.Load(), Stats.TimeoutFR.Load(), Stats.TimeoutFRInv.Load()
	return c
}

func (c retransCounts) minus(o retransCounts) retransCounts {
	for i := range c.req {
		c.req[i] -= o.req[i]
	}
	c.rpl, c.fr, c.frInv = c.rpl-o.rpl, c.fr-o.fr, c.frInv-o.frInv
	return c
}
