package builtin

import (
	"testing"

	"switchboard/engine"
)

// The URI functions of Script-CoreFunctions rewrite one part of the new
// Request-URI and keep the rest; they return true, or false when the
// result would not be a URI.
func TestRURIRewrite(t *testing.T) {
	const orig = "sip:alice:pw@example.com:5070;transport=udp"
	tests := []struct {
		name string
		fn   string
		arg  engine.Arg
		want int
		uri  string
	}{
		{"seturi replaces all", "seturi", S("sip:bob@b.example"), 1, "sip:bob@b.example"},
		{"seturi rejects garbage", "seturi", S("not a uri"), -1, orig},
		{"sethost keeps user port params", "sethost", S("1.4.1.4"), 1, "sip:alice:pw@1.4.1.4:5070;transport=udp"},
		{"sethostport sets both", "sethostport", S("1.4.1.4:5080"), 1, "sip:alice:pw@1.4.1.4:5080;transport=udp"},
		{"sethostport without port drops it", "sethostport", S("h.example"), 1, "sip:alice:pw@h.example;transport=udp"},
		{"sethostport ipv6", "sethostport", S("[2001:db8::1]:5062"), 1, "sip:alice:pw@[2001:db8::1]:5062;transport=udp"},
		{"setuser", "setuser", S("newuser"), 1, "sip:newuser:pw@example.com:5070;transport=udp"},
		{"setuser empty drops userinfo", "setuser", S(""), 1, "sip:example.com:5070;transport=udp"},
		{"setuser escapes what a user part cannot hold", "setuser", S("a b"), 1, "sip:a%20b:pw@example.com:5070;transport=udp"},
		{"setuserpass", "setuserpass", S("secret"), 1, "sip:alice:secret@example.com:5070;transport=udp"},
		{"setuserpass empty drops password", "setuserpass", S(""), 1, "sip:alice@example.com:5070;transport=udp"},
		{"setport", "setport", S("5090"), 1, "sip:alice:pw@example.com:5090;transport=udp"},
		{"setport empty drops port", "setport", S(""), 1, "sip:alice:pw@example.com;transport=udp"},
		{"setport non-number fails", "setport", S("abc"), -1, orig},
		{"prefix", "prefix", S("00"), 1, "sip:00alice:pw@example.com:5070;transport=udp"},
		{"strip", "strip", I(2), 1, "sip:ice:pw@example.com:5070;transport=udp"},
		{"strip all drops userinfo", "strip", I(5), 1, "sip:example.com:5070;transport=udp"},
		{"strip too long fails", "strip", I(6), -1, orig},
		{"strip_tail", "strip_tail", I(2), 1, "sip:ali:pw@example.com:5070;transport=udp"},
		{"strip_tail negative fails", "strip_tail", I(-1), -1, orig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := newCtx(t)
			if got := call(t, ctx, tt.fn, tt.arg); got != tt.want {
				t.Fatalf("%s = %d, want %d", tt.fn, got, tt.want)
			}
			if got := ctx.Msg.NewRequestURI(); got != tt.uri {
				t.Fatalf("R-URI = %q, want %q", got, tt.uri)
			}
		})
	}
}

// Rewrites chain on the new R-URI; revert_uri goes back to the received
// one (undo all changes of R-URI).
func TestRevertURI(t *testing.T) {
	ctx := newCtx(t)
	call(t, ctx, "setuser", S("x"))
	call(t, ctx, "prefix", S("+1"))
	if got := ctx.Msg.NewRequestURI(); got != "sip:+1x:pw@example.com:5070;transport=udp" {
		t.Fatalf("chained R-URI = %q", got)
	}
	if call(t, ctx, "revert_uri") != 1 {
		t.Fatal("revert_uri false")
	}
	if got := ctx.Msg.NewRequestURI(); got != ctx.Msg.RequestURIString() {
		t.Fatalf("reverted R-URI = %q", got)
	}
	if string(ctx.Msg.Bytes()) != testInvite {
		t.Fatal("reverted message differs from the received one")
	}
}

// setdsturi needs a valid SIP URI; resetdsturi clears; isdsturiset tests.
func TestDstURI(t *testing.T) {
	ctx := newCtx(t)
	steps := []struct {
		fn   string
		args []engine.Arg
		want int
		du   string
	}{
		{"isdsturiset", nil, -1, ""},
		{"setdsturi", []engine.Arg{S("sip:10.10.10.10:5090")}, 1, "sip:10.10.10.10:5090"},
		{"isdsturiset", nil, 1, "sip:10.10.10.10:5090"},
		{"setdsturi", []engine.Arg{S("bad uri")}, -1, "sip:10.10.10.10:5090"},
		{"resetdsturi", nil, 1, ""},
		{"isdsturiset", nil, -1, ""},
	}
	for i, s := range steps {
		if got := call(t, ctx, s.fn, s.args...); got != s.want || ctx.DstURI != s.du {
			t.Fatalf("step %d %s: rc %d du %q, want %d %q", i, s.fn, got, ctx.DstURI, s.want, s.du)
		}
	}
}
