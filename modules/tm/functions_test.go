package tm

import (
	"strings"
	"testing"

	"switchboard/engine"
	"switchboard/sip"

	_ "switchboard/modules/sipmsgops" // append_to_reply
)

// t_reply and t_reply_with_body carry the headers append_to_reply added;
// the body's Content-Type comes from there, as in OpenSIPS.
func TestReplyWithBody(t *testing.T) {
	message := withMethod(invite, "MESSAGE")
	tests := []struct {
		name, route string
		want        []string // substrings of the reply sent upstream
	}{
		{"body and its type", `append_to_reply("Content-Type: text/plain\r\n"); t_reply_with_body(200, "OK", "hello");`,
			[]string{"SIP/2.0 200 OK\r\n", "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"}},
		{"body from a variable", `$var(b) = "v=0"; t_reply_with_body(488, "Not Here", "$var(b)");`,
			[]string{"SIP/2.0 488 Not Here\r\n", "Content-Length: 3\r\n\r\nv=0"}},
		{"t_reply with append_to_reply", `append_to_reply("X-Why: busy\r\n"); t_reply(486, "Busy Here");`,
			[]string{"SIP/2.0 486 Busy Here\r\n", "X-Why: busy\r\nContent-Length: 0\r\n\r\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "loadmodule \"sipmsgops.so\"\nroute {\n"+tc.route+"\n}\n")
			h.request(message)
			if len(h.rec.Replies) != 1 {
				t.Fatalf("%d replies, want 1", len(h.rec.Replies))
			}
			got := h.rec.Replies[0]
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("no %q in\n%s", w, got)
				}
			}
			if _, err := sip.ParseString(got); err != nil {
				t.Errorf("reply does not parse: %v", err)
			}
			settle(t)
		})
	}
}

// t_flush_flags hands flags set after t_newtran to the transaction.
func TestFlushFlags(t *testing.T) {
	message := withMethod(invite, "MESSAGE")
	tests := []struct {
		name, route string
		rc          int
		flagged     bool
	}{
		{"flushed", `t_newtran(); setflag(3); return(t_flush_flags());`, 1, true},
		{"not flushed", `t_newtran(); setflag(3); return(1);`, 1, false},
		{"no transaction", `setflag(3); if (!t_flush_flags()) { return(-1); } return(1);`, -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "route {\n"+tc.route+"\n}\n")
			if rc := h.request(message); rc != tc.rc {
				t.Errorf("route returned %d, want %d", rc, tc.rc)
			}
			m, _ := sip.ParseString(message)
			tx := lookupRequest(m)
			if tx == nil {
				if tc.flagged {
					t.Fatal("no transaction")
				}
				return
			}
			bit, err := engine.MsgFlags.Bit("3")
			if err != nil {
				t.Fatal(err)
			}
			tx.mu.Lock()
			flagged := tx.flags&bit != 0
			tx.mu.Unlock()
			if flagged != tc.flagged {
				t.Errorf("transaction flag 3 set = %v, want %v", flagged, tc.flagged)
			}
			tx.mu.Lock()
			tx.replyLocked(200, "OK") // let it end
			tx.mu.Unlock()
			settle(t)
		})
	}
}
