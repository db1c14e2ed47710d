package pv

import (
	"testing"

	"switchboard/engine"
)

type want struct {
	null bool
	str  string
	num  int
	int  bool // the value must have an integer form equal to num
}

func check(t *testing.T, text string, got engine.Value, w want) {
	t.Helper()
	switch {
	case w.null:
		if !got.IsNull() {
			t.Errorf("%s = %+v, want null", text, got)
		}
	case w.int:
		if !got.IsInt() || got.Int != w.num || (w.str != "" && got.String() != w.str) {
			t.Errorf("%s = %+v, want int %d %q", text, got, w.num, w.str)
		}
	default:
		if got.IsNull() || got.String() != w.str {
			t.Errorf("%s = %+v, want %q", text, got, w.str)
		}
	}
}

// Each case names the Script-CoreVar 3.6 entry it follows.
func TestGetRequest(t *testing.T) {
	p := testParser()
	ctx := newCtx(t, inviteText)
	ctx.RetCode = -2
	ctx.Params = []engine.Value{engine.Str("p1"), engine.Int(2)}
	ctx.Returns = []engine.Value{engine.Str("r0")}
	ctx.DstURI = "sip:proxy.net:5080;transport=tcp"
	SetArgv(map[string]string{"foo": "bar"})
	tests := []struct {
		text string
		w    want
	}{
		{"$rm", want{str: "INVITE"}},                                      // 3.75 method
		{"$ru", want{str: "sip:alice:pw@example.com:5070;transport=tcp"}}, // 3.81
		{"$ruri", want{str: "sip:alice:pw@example.com:5070;transport=tcp"}},
		{"$rU", want{str: "alice"}}, // 3.82
		{"$ruri.user", want{str: "alice"}},
		{"$rd", want{str: "example.com"}}, // 3.70
		{"$ruri.domain", want{str: "example.com"}},
		{"$rp", want{int: true, num: 5070, str: "5070"}},                  // 3.76
		{"$rP", want{str: "tcp"}},                                         // 3.77
		{"$ou", want{str: "sip:alice:pw@example.com:5070;transport=tcp"}}, // 3.62
		{"$oU", want{str: "alice"}},
		{"$od", want{str: "example.com"}},
		{"$op", want{int: true, num: 5070}},
		{"$oP", want{str: "tcp"}},
		{"$rs", want{null: true}}, // 3.79: replies only
		{"$rr", want{null: true}},
		{"$ci", want{str: "call-1@host"}},          // 3.27
		{"$cl", want{int: true, num: 4, str: "4"}}, // 3.28
		{"$cs", want{int: true, num: 42, str: "42"}},
		{"$ct", want{str: "\"B\" <sip:bob@10.0.0.1>;q=0.5;expires=60"}}, // 3.30 first contact
		{"$(ct[1])", want{str: "<sip:bob2@10.0.0.9>"}},
		{"$(ct[-1])", want{str: "<sip:bob3@10.0.0.3>"}},
		{"$(ct[5])", want{null: true}},
		{"$(ct[*])", want{str: "\"B\" <sip:bob@10.0.0.1>;q=0.5;expires=60, <sip:bob2@10.0.0.9>, <sip:bob3@10.0.0.3>"}},
		{"$ct.fields(uri)", want{str: "sip:bob@10.0.0.1"}}, // 3.31
		{"$ct.fields(name)", want{str: "\"B\""}},
		{"$ct.fields(q)", want{str: "0.5"}},
		{"$ct.fields(expires)", want{str: "60"}},
		{"$ct.fields(received)", want{null: true}},
		{"$ct.fields(params)", want{str: "q=0.5;expires=60"}},
		{"$(ct.fields(uri)[2])", want{str: "sip:bob3@10.0.0.3"}},
		{"$cT", want{str: "application/sdp"}},
		{"$fu", want{str: "sip:bob@biloxi.com"}}, // 3.49
		{"$from", want{str: "sip:bob@biloxi.com"}},
		{"$fU", want{str: "bob"}},
		{"$from.user", want{str: "bob"}},
		{"$fd", want{str: "biloxi.com"}},
		{"$from.domain", want{str: "biloxi.com"}},
		{"$fn", want{str: "\"Bob B\""}}, // 3.47: display name as received
		{"$ft", want{str: "ft1"}},
		{"$tu", want{str: "sip:alice@example.com"}},
		{"$to", want{str: "sip:alice@example.com"}},
		{"$tU", want{str: "alice"}},
		{"$to.user", want{str: "alice"}},
		{"$td", want{str: "example.com"}},
		{"$to.domain", want{str: "example.com"}},
		{"$tn", want{null: true}},
		{"$tt", want{null: true}}, // 3.90: no tag is null
		{"$ua", want{str: "softphone/1.0"}},
		{"$hdr(Via)", want{str: "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1"}}, // 3.100
		{"$hdr(v)", want{str: "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1"}},   // compact form
		{"$(hdr(Via)[1])", want{str: "SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2"}},
		{"$(hdr(Via)[-1])", want{str: "SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2"}},
		{"$(hdr(Via)[2])", want{null: true}},
		{"$(hdr(X-Custom)[*])", want{str: "one, two"}},
		{"$hdr(Path)", want{str: "<sip:a.com>,<sip:b.com>"}}, // one line, both values
		{"$hdr(X-None)", want{null: true}},
		{"$hdrcnt(Via)", want{int: true, num: 2}},
		{"$hdrcnt(x-custom)", want{int: true, num: 2}},
		{"$hdrcnt(X-None)", want{int: true, num: 0}},
		{"$hdr_name", want{str: "Via"}},
		{"$(hdr_name[3])", want{str: "To"}},
		{"$(hdr_name[-1])", want{str: "Content-Length"}},
		{"$ai", want{str: "sip:pai@example.com"}},
		{"$pu", want{str: "sip:pref@pp.com"}},
		{"$pU", want{str: "pref"}},
		{"$pd", want{str: "pp.com"}},
		{"$pn", want{str: "\"Pref\""}},
		{"$di", want{str: "sip:div@d.com"}},
		{"$dir", want{str: "busy"}},
		{"$dip", want{str: "full"}},
		{"$rt", want{str: "sip:carol@c.com"}},
		{"$re", want{str: "sip:rpid@r.com"}},
		{"$rb", want{str: "v=0\n"}},
		{"$ml", want{int: true, num: len(inviteText)}},
		{"$mb", want{str: inviteText}},
		{"$msg.is_request", want{int: true, num: 1, str: "true"}},
		{"$msg.type", want{str: "request"}},
		{"$au", want{str: "bob"}}, // 3.4: from Proxy-Authorization
		{"$ad", want{str: "biloxi.com"}},
		{"$aU", want{str: "bob@biloxi.com"}},
		{"$ar", want{str: "biloxi.com"}},
		{"$adu", want{str: "sip:alice@example.com"}},
		{"$an", want{str: "n1"}},
		{"$auth.nonce", want{str: "n1"}},
		{"$auth.resp", want{str: "r1"}},
		{"$auth.cnonce", want{str: "c1"}},
		{"$auth.opaque", want{str: "o1"}},
		{"$auth.alg", want{str: "MD5"}},
		{"$auth.qop", want{str: "auth"}},
		{"$auth.nc", want{str: "00000001"}},
		{"$challenge.realm", want{null: true}}, // requests carry no challenge
		{"$du", want{str: "sip:proxy.net:5080;transport=tcp"}},
		{"$duri", want{str: "sip:proxy.net:5080;transport=tcp"}},
		{"$dd", want{str: "proxy.net"}},
		{"$dp", want{int: true, num: 5080}},
		{"$dP", want{str: "tcp"}},
		{"$rc", want{int: true, num: -2}},
		{"$retcode", want{int: true, num: -2}},
		{"$param(1)", want{str: "p1"}},
		{"$param(2)", want{int: true, num: 2}},
		{"$param(3)", want{null: true}},
		{"$return(0)", want{str: "r0"}},
		{"$return", want{str: "r0"}},
		{"$argv(foo)", want{str: "bar"}},
		{"$argv(nope)", want{null: true}},
		{"$C(rb)", want{str: ""}}, // 4.1: nothing without xlog_force_color
		{"$$", want{str: "$"}},
		{"$cfg_line", want{null: true}},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			check(t, tc.text, mustPV(t, p, tc.text).Get(ctx), tc.w)
		})
	}
}

func TestGetReply(t *testing.T) {
	p := testParser()
	ctx := newCtx(t, replyText)
	tests := []struct {
		text string
		w    want
	}{
		{"$rs", want{int: true, num: 407, str: "407"}}, // 3.79 both forms
		{"$rr", want{str: "Proxy Authentication Required"}},
		{"$rm", want{str: "INVITE"}}, // CSeq method of a reply
		{"$ru", want{null: true}},    // replies have no R-URI
		{"$rU", want{null: true}},
		{"$ou", want{null: true}},
		{"$tt", want{str: "tt9"}},
		{"$msg.is_request", want{int: true, num: 0, str: "false"}},
		{"$msg.type", want{str: "reply"}},
		{"$challenge.realm", want{str: "biloxi.com"}}, // 3.21
		{"$challenge.nonce", want{str: "cn"}},
		{"$challenge.opaque", want{str: "op"}},
		{"$challenge.qop", want{str: "auth"}},
		{"$challenge.algorithm", want{str: "MD5"}},
		{"$challenge.ik", want{str: "ikv"}},
		{"$challenge.ck", want{str: "ckv"}},
		{"$au", want{null: true}},
		{"$rb", want{null: true}},
		{"$cl", want{int: true, num: 0}},
		{"$du", want{null: true}},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			check(t, tc.text, mustPV(t, p, tc.text).Get(ctx), tc.w)
		})
	}
}

// Without a message (startup_route, timer_route) message PVs are null.
func TestGetNoMessage(t *testing.T) {
	p := testParser()
	ctx := &engine.Context{}
	for _, text := range []string{"$ru", "$rU", "$fu", "$hdr(Via)", "$ct", "$ci", "$au", "$var(x)", "$avp(x)", "$du"} {
		if v := mustPV(t, p, text).Get(ctx); !v.IsNull() {
			t.Errorf("%s = %+v without a message, want null", text, v)
		}
	}
}
