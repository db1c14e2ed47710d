package sip

import (
	"strings"
	"testing"
)

func TestBranches(t *testing.T) {
	a, b := NewBranch(), NewBranch()
	if a == b || !strings.HasPrefix(a, BranchMagicCookie) || len(a) != len(BranchMagicCookie)+32 {
		t.Errorf("NewBranch: %q %q", a, b)
	}
	inv := mustParse(t, msg(inviteThroughProxy))
	again := mustParse(t, msg(inviteThroughProxy))
	cancel := mustParse(t, strings.NewReplacer("INVITE sip", "CANCEL sip", "2 INVITE", "2 CANCEL").Replace(msg(inviteThroughProxy)))
	other := mustParse(t, strings.Replace(msg(inviteThroughProxy), "CSeq: 2", "CSeq: 3", 1))
	tests := []struct {
		name string
		x, y string
		same bool
	}{
		{"retransmission gets the same branch (§16.11)", StatelessBranch(inv, "d"), StatelessBranch(again, "d"), true},
		{"CANCEL gets the INVITE's branch (§16.11)", StatelessBranch(inv, "d"), StatelessBranch(cancel, "d"), true},
		{"another request gets another branch", StatelessBranch(inv, "d"), StatelessBranch(other, "d"), false},
		{"another destination gets another branch", StatelessBranch(inv, "d1"), StatelessBranch(inv, "d2"), false},
	}
	for _, tc := range tests {
		if (tc.x == tc.y) != tc.same {
			t.Errorf("%s: %q vs %q", tc.name, tc.x, tc.y)
		}
		if !strings.HasPrefix(tc.x, BranchMagicCookie) {
			t.Errorf("%s: no magic cookie in %q", tc.name, tc.x)
		}
	}
	inv.SetRequestURI("sip:bob@192.0.2.4")
	if StatelessBranch(inv, "d") == StatelessBranch(again, "d") {
		t.Error("a new Request-URI kept the branch")
	}
}

// A stateless branch costs one allocation, the string returned.
func TestStatelessBranchAllocs(t *testing.T) {
	inv := mustParse(t, msg(inviteThroughProxy))
	StatelessBranch(inv, "udp:127.0.0.1:5060") // parse the cached values first
	if n := testing.AllocsPerRun(100, func() { StatelessBranch(inv, "udp:127.0.0.1:5060") }); n != 1 {
		t.Errorf("%v allocations, want 1", n)
	}
}
