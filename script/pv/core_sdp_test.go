package pv

import (
	"strconv"
	"strings"
	"testing"

	"switchboard/engine"
)

func sdpParser() *Parser {
	r := engine.NewRegistry()
	r.Register(&engine.Module{Name: "core", PVs: CorePVs()})
	return &Parser{Registry: r}
}

func sdpCtx(t *testing.T, body string) *engine.Context {
	t.Helper()
	return newCtx(t, "INVITE sip:alice@example.com SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"+
		"From: <sip:bob@biloxi.com>;tag=ft1\r\nTo: <sip:alice@example.com>\r\n"+
		"Call-ID: sdp-1@host\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n"+
		"Content-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
}

// Each case follows an example of Script-CoreVar (3.6) $sdp.* entries,
// on testSDP (its second audio stream is the doc's m=audio line).
func TestSDPGet(t *testing.T) {
	p := sdpParser()
	ctx := sdpCtx(t, testSDP)
	for _, tc := range []struct {
		pv string
		w  want
	}{
		{"$sdp", want{str: testSDP}},                       // READ operation on the SIP msg SDP
		{"$sdp.line(a=)", want{str: "a=ptime:20"}},         // first "a=" line
		{"$sdp.line(a=[0])", want{str: "a=ptime:20"}},      // equivalent
		{"$sdp.line(a=ptime[1])", want{str: "a=ptime:30"}}, // "a=ptime" line at index 1
		{"$sdp.line(a=[100])", want{null: true}},           // will likely yield NULL
		{"$sdp.line(a=[-1])", want{str: "a=ptime:30"}},     // negative counts from the end
		{"$sdp.line(m=audio[1])", want{str: "m=audio 27292 RTP/AVP 9 8 0 2 102 100 99 101"}},
		{"$sdp.line(m=audio[1]/[0])", want{str: "audio"}},
		{"$sdp.line(m=audio[1]/[1])", want{str: "27292"}},
		{"$sdp.line(m=audio[1]/[2])", want{str: "RTP/AVP"}},
		{"$sdp.line(m=audio[1]/[10])", want{str: "101"}},
		{"$sdp.line(m=audio[1]/[11])", want{null: true}},
		{"$sdp.line(m=audio[1]/RTP)", want{str: "RTP/AVP"}},
		{`$sdp.line(m=audio[1]/RTP\/AVP)`, want{str: "RTP/AVP"}},
		{`$sdp.line(m=audio[1]/RTP\/AVP[0])`, want{str: "RTP/AVP"}},
		{`$sdp.line(m=audio[1]/RTP\/AVP[1])`, want{null: true}},
		{"$sdp.line(m=audio[1]/RTQ)", want{null: true}},
		{"$sdp.line([4])", want{str: "t=0 0"}},                        // any line, by position
		{"$sdp.stream(/a=rtpmap)", want{str: "a=rtpmap:0 PCMU/8000"}}, // stream #0, any type
		{"$sdp.stream([1]/a=fmtp)", want{str: "a=fmtp:115 profile-level-id=42e01f;packetization-mode=1"}},
		{"$sdp.stream(audio[1]/a=ptime)", want{str: "a=ptime:30"}}, // audio stream #1
		{"$sdp.stream(a[1]/a=ptime)", want{str: "a=ptime:30"}},     // "m=a..." stream #1
		{"$sdp.stream(audio/a=ptime)", want{null: true}},           // not in audio stream #0
		{"$sdp.stream(video/a=fmtp:115/packetization-mode=)", want{str: "packetization-mode=1"}},
		{"$sdp.stream(video)", want{str: "m=video 27300 RTP/AVP 115\r\na=fmtp:115 profile-level-id=42e01f;packetization-mode=1\r\n"}},
		{"$sdp.session(a=ptime)", want{str: "a=ptime:20"}},    // 1st "a=ptime" at session level
		{"$sdp.session(a=ptime[0])", want{str: "a=ptime:20"}}, // same as above
		{"$sdp.session(a=ptime[1])", want{null: true}},        // the other one is in a stream
		{"$sdp.session(c=/[2])", want{str: "192.0.2.1"}},
		{"$sdp.session", want{str: strings.Split(testSDP, "m=")[0]}}, // the whole session part
		{"$sdp.stream.idx(video/a=fmtp/packetization-mode=)", want{int: true, num: 1}},
		{"$sdp.stream.idx(audio/a=ptime)", want{int: true, num: 2}}, // tries every audio stream
		{"$sdp.stream.idx(audio[0]/a=ptime)", want{null: true}},
		{"$sdp.stream.idx(image)", want{null: true}},
	} {
		check(t, tc.pv, mustPV(t, p, tc.pv).Get(ctx), tc.w)
	}
	if v := mustPV(t, p, "$sdp.line(a=)").Get(sdpCtx(t, "not sdp")); !v.IsNull() {
		t.Errorf("$sdp.line on a non-SDP body = %+v, want null", v)
	}
}

func TestSDPSet(t *testing.T) {
	p := sdpParser()
	for _, tc := range []struct {
		name, pv string
		value    engine.Value
		old, new string // the body must change old into new
	}{
		{"$sdp = $var(rtpengine_sdp)", "$sdp", str("v=0\r\n"), testSDP, "v=0\r\n"},
		{"$sdp.session(a=ptime[0]) = NULL deletes", "$sdp.session(a=ptime[0])", null, "a=ptime:20\r\n", ""},
		{"$sdp.line rewrites a line", "$sdp.line(a=ptime[1])", str("a=ptime:40"), "a=ptime:30\r\n", "a=ptime:40\r\n"},
		{"$sdp.line token by index", "$sdp.line(m=audio[1]/[1])", num(40000), "m=audio 27292 ", "m=audio 40000 "},
		{"$sdp.line token deleted", "$sdp.line(m=audio[1]/[10])", null, " 99 101\r\n", " 99\r\n"},
		{"$sdp.stream(video[0]/a=fmtp:115/packetization-mode=) = 0 keeps the prefix", "$sdp.stream(video[0]/a=fmtp:115/packetization-mode=)", num(0),
			"packetization-mode=1", "packetization-mode=0"},
		{"$sdp.stream(video/a=fmtp:115[0]) = NULL", "$sdp.stream(video/a=fmtp:115[0])", null,
			"a=fmtp:115 profile-level-id=42e01f;packetization-mode=1\r\n", ""},
		{"$sdp.stream(video) = NULL deletes the stream", "$sdp.stream(video)", null,
			"m=video 27300 RTP/AVP 115\r\na=fmtp:115 profile-level-id=42e01f;packetization-mode=1\r\n", ""},
		{"$sdp.session(c=/[2]) = relay address", "$sdp.session(c=/[2])", str("203.0.113.5"), "c=IN IP4 192.0.2.1", "c=IN IP4 203.0.113.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := sdpCtx(t, testSDP)
			if err := mustPV(t, p, tc.pv).Set(ctx, tc.value, true); err != nil {
				t.Fatal(err)
			}
			want := strings.Replace(testSDP, tc.old, tc.new, 1)
			if got := ctx.Msg.NewBody(); got != want {
				t.Errorf("body =\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func TestSDPSetErrors(t *testing.T) {
	p := sdpParser()
	for _, tc := range []struct {
		pv    string
		value engine.Value
	}{
		{"$sdp.line(a=nosuch)", str("a=x")},     // no line to write
		{"$sdp.line(v=)", str("x")},             // would break the body
		{"$sdp.line(m=audio/[1])", str("port")}, // m= port must be a number
		{"$sdp.stream(image/a=x)", str("a=y")},  // no such stream
		{"$sdp.stream.idx(audio)", num(1)},      // read-only
	} {
		ctx := sdpCtx(t, testSDP)
		if err := mustPV(t, p, tc.pv).Set(ctx, tc.value, true); err == nil {
			t.Errorf("%s = %v: no error", tc.pv, tc.value)
		}
		if ctx.Msg.NewBody() != testSDP {
			t.Errorf("%s: a failed write changed the body", tc.pv)
		}
	}
	if _, _, err := p.ParsePV("$sdp.line(a=[x])"); err == nil {
		t.Error("$sdp.line(a=[x]): no error for a bad index")
	}
	if _, _, err := p.ParsePV("$sdp.line(a/b/c)"); err == nil {
		t.Error("$sdp.line(a/b/c): no error for three parts")
	}
}
