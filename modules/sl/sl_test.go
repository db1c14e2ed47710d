package sl

import (
	"hash/crc32"
	"strings"
	"testing"

	"switchboard/core/coretest"
	"switchboard/engine"
	"switchboard/sip"
)

const cfg = "loadmodule \"sl.so\"\nroute {\n%s\n}\n"

func run(t *testing.T, body, msg string) *coretest.Result {
	t.Helper()
	return coretest.RunScript(t, strings.Replace(cfg, "%s", body, 1), msg)
}

func TestSendReply(t *testing.T) {
	tests := []struct {
		name, body, msg string
		code            int
		firstLine       string
		replies         int
	}{
		{"404 to an INVITE (sl docs: sl_send_reply)", `sl_send_reply(404, "Not here");`, coretest.Invite, 1, "SIP/2.0 404 Not here", 1},
		{"code from a variable", `$var(c) = 483; sl_send_reply($var(c), "Too Many Hops");`, coretest.Invite, 1, "SIP/2.0 483 Too Many Hops", 1},
		{"no reply to ACK", `if (!sl_send_reply(200, "OK")) { $var(x) = 1; }`,
			strings.Replace(strings.Replace(coretest.Invite, "INVITE sip", "ACK sip", 1), "INVITE\r\n", "ACK\r\n", 1), 1, "", 0},
		{"code out of range", `sl_send_reply(700, "x");`, coretest.Invite, -1, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.body, tc.msg)
			if len(r.Sent.Replies) != tc.replies {
				t.Fatalf("%d replies, want %d", len(r.Sent.Replies), tc.replies)
			}
			if tc.replies == 0 {
				return
			}
			reply, err := sip.ParseString(r.Sent.Replies[0])
			if err != nil {
				t.Fatal(err)
			}
			if err := reply.Check(); err != nil {
				t.Fatal(err)
			}
			if got := strings.SplitN(r.Sent.Replies[0], "\r\n", 2)[0]; got != tc.firstLine {
				t.Errorf("first line %q, want %q", got, tc.firstLine)
			}
			to, _ := reply.To()
			if !strings.HasPrefix(to.Tag(), tagPrefix+".") {
				t.Errorf("To-tag %q lacks the sl signature", to.Tag())
			}
			via, _ := reply.Via()
			// coretest's request comes from 127.0.0.1:5070 while its Via
			// says pc33.atlanta.example.com: received is added.
			if via.Received != "127.0.0.1" {
				t.Errorf("Via received %q", via.Received)
			}
		})
	}
}

func TestSameTagForRetransmissions(t *testing.T) {
	a := run(t, `sl_send_reply(486, "Busy");`, coretest.Invite)
	b := run(t, `sl_send_reply(486, "Busy");`, coretest.Invite)
	if a.Sent.Replies[0] != b.Sent.Replies[0] {
		t.Error("a retransmitted request got a different reply")
	}
}

func TestReplyError(t *testing.T) {
	r := run(t, `sl_reply_error();`, coretest.Invite)
	if !strings.HasPrefix(r.Sent.Replies[0], "SIP/2.0 500 ") {
		t.Errorf("without an error: %q", strings.SplitN(r.Sent.Replies[0], "\r\n", 2)[0])
	}
}

// TestAbsorbACK: an ACK to an sl reply is consumed before the script; any
// other ACK is not.
func TestAbsorbACK(t *testing.T) {
	r := run(t, `sl_send_reply(486, "Busy");`, coretest.Invite)
	reply, _ := sip.ParseString(r.Sent.Replies[0])
	to, _ := reply.To()
	ack := strings.NewReplacer("INVITE sip", "ACK sip", "INVITE\r\n", "ACK\r\n",
		"To: Bob <sip:bob@biloxi.example.com>", "To: Bob <sip:bob@biloxi.example.com>;tag="+to.Tag()).Replace(coretest.Invite)
	tests := []struct {
		name string
		msg  string
		want bool
	}{
		{"ACK to our 486", ack, true},
		{"ACK to someone else's reply", strings.Replace(ack, tagPrefix, "other", 1), false},
		{"not an ACK", coretest.Invite, false},
	}
	for _, tc := range tests {
		m, err := sip.ParseString(tc.msg)
		if err != nil {
			t.Fatal(err)
		}
		ctx := &engine.Context{}
		ctx.Reset(m, engine.RequestRoute)
		before := Stats.ReceivedACKs.Load()
		if got := absorbACK(ctx); got != tc.want {
			t.Errorf("%s: absorbed %v, want %v", tc.name, got, tc.want)
		}
		if tc.want && Stats.ReceivedACKs.Load() != before+1 {
			t.Errorf("%s: received_ACKs not counted", tc.name)
		}
	}
}

func TestCRCString(t *testing.T) {
	for _, s := range []string{"", "a", "a84b4c76e66710@pc33.atlanta.example.com", "z9hG4bK776asdhds" + strings.Repeat("x", 300)} {
		want := crc32.Update(0, crc32.IEEETable, []byte(s))
		if got := crcString(0, s); got != want {
			t.Errorf("crcString(%.20q) = %08x, want %08x", s, got, want)
		}
		if got, want := crcString(crcString(0, s), "tag"), crc32.Update(want, crc32.IEEETable, []byte("tag")); got != want {
			t.Errorf("crcString chained after %.20q = %08x, want %08x", s, got, want)
		}
	}
}
