package tm

import (
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/core/coretest"
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
		{"an INVITE is refused", `if (!t_replicate("sip:127.0.0.9")) { exit; } return(1);`, invite, 0, nil, 0, nil},
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
