package sip

import (
	"os"
	"strings"
	"testing"
)

const inviteThroughProxy = `INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP 10.0.0.7:5060;rport;branch=z9hG4bK74bf9
v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8
Record-Route: <sip:p1.example.com;lr>
Max-Forwards: 69
f: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
t: Bob <sip:bob@biloxi.example.com>
i: 3848276298220188511@atlanta.example.com
CSeq: 2 INVITE
Route: <sip:p2.example.com;lr>
Contact: <sip:alice@pc33.atlanta.example.com>
Content-Length: 0

`

func TestAppendReply(t *testing.T) {
	req := mustParse(t, msg(inviteThroughProxy))
	tests := []struct {
		name      string
		reply     Reply
		firstLine string
		toTag     string
		hasRR     bool
		topVia    string
	}{
		{name: "100 keeps To without tag", reply: Reply{Code: 100, ToTag: "x"},
			firstLine: "SIP/2.0 100 Trying", topVia: "SIP/2.0/UDP 10.0.0.7:5060;rport;branch=z9hG4bK74bf9"},
		{name: "180 adds tag and copies Record-Route", reply: Reply{Code: 180, ToTag: "as83kd"},
			firstLine: "SIP/2.0 180 Ringing", toTag: "as83kd", hasRR: true, topVia: "SIP/2.0/UDP 10.0.0.7:5060;rport;branch=z9hG4bK74bf9"},
		{name: "486 with own reason, no Record-Route", reply: Reply{Code: 486, Reason: "Busy Now", ToTag: "t1"},
			firstLine: "SIP/2.0 486 Busy Now", toTag: "t1", topVia: "SIP/2.0/UDP 10.0.0.7:5060;rport;branch=z9hG4bK74bf9"},
		{name: "received and rport", reply: Reply{Code: 404, ToTag: "t2", Received: "192.0.2.33", RPort: 40001},
			firstLine: "SIP/2.0 404 Not Found", toTag: "t2", topVia: "SIP/2.0/UDP 10.0.0.7:5060;rport=40001;branch=z9hG4bK74bf9;received=192.0.2.33"},
		{name: "forced rport on a Via that has one is given its value once", reply: Reply{Code: 404, ToTag: "t3", Received: "192.0.2.33", RPort: 40001, ForceRPort: true},
			firstLine: "SIP/2.0 404 Not Found", toTag: "t3", topVia: "SIP/2.0/UDP 10.0.0.7:5060;rport=40001;branch=z9hG4bK74bf9;received=192.0.2.33"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := AppendReply(nil, req, &tc.reply)
			if err != nil {
				t.Fatal(err)
			}
			m := mustParse(t, string(out))
			equal(t, "first line", strings.SplitN(string(out), "\r\n", 2)[0], tc.firstLine)
			to, _ := m.To()
			equal(t, "To tag", to.Tag(), tc.toTag)
			equal(t, "Record-Route copied", m.Count(HdrRecordRoute) == 1, tc.hasRR)
			equal(t, "Route not copied", m.Count(HdrRoute), 0)
			equal(t, "Contact not copied", m.Count(HdrContact), 0)
			vias, _ := m.Vias()
			equal(t, "Via count", len(vias), 2)
			h, _ := m.Header(HdrVia)
			equal(t, "top Via", h.Value, tc.topVia)
			equal(t, "compact From kept", m.Headers()[1+boolInt(tc.hasRR)+1].Name, "f")
			cs, _ := m.CSeq()
			equal(t, "CSeq", cs, CSeq{2, "INVITE"})
		})
	}
}

// force_rport on a request whose Via has no rport: the reply's Via gets
// received and rport.
func TestAppendReplyForcedRPort(t *testing.T) {
	req := mustParse(t, msg(strings.Replace(inviteThroughProxy, ";rport;", ";", 1)))
	for _, tc := range []struct {
		name   string
		reply  Reply
		topVia string
	}{
		{"not forced", Reply{Code: 404, Received: "192.0.2.33", RPort: 40001}, "SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK74bf9;received=192.0.2.33"},
		{"forced", Reply{Code: 404, Received: "192.0.2.33", RPort: 40001, ForceRPort: true},
			"SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK74bf9;received=192.0.2.33;rport=40001"},
		{"forced, no port known", Reply{Code: 404, ForceRPort: true}, "SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK74bf9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := AppendReply(nil, req, &tc.reply)
			if err != nil {
				t.Fatal(err)
			}
			h, _ := mustParse(t, string(out)).Header(HdrVia)
			equal(t, "top Via", h.Value, tc.topVia)
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestAppendReplyWithBody(t *testing.T) {
	req := mustParse(t, msg(inviteThroughProxy))
	out, err := AppendReply(nil, req, &Reply{Code: 200, ToTag: "x",
		Headers:     []Field{{"Contact", "<sip:bob@192.0.2.4>"}, {"Server", "switchboard"}},
		ContentType: "application/sdp", Body: "v=0\r\n"})
	if err != nil {
		t.Fatal(err)
	}
	m := mustParse(t, string(out))
	equal(t, "body", m.Body(), "v=0\r\n")
	equal(t, "Server", m.Value(HdrServer), "switchboard")
	equal(t, "Content-Type", m.Value(HdrContentType), "application/sdp")
}

func TestAppendReplyToResponse(t *testing.T) {
	resp := mustParse(t, msg("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@b>;tag=1\nTo: <sip:c@d>;tag=2\nCall-ID: x\nCSeq: 7 INVITE\nl: 0\n\n"))
	_, err := AppendReply(nil, resp, &Reply{Code: 200})
	equal(t, "error", err, ErrNotRequest)
}

func TestAppendCancelAndAck(t *testing.T) {
	inv := mustParse(t, msg(inviteThroughProxy))
	cancel, err := AppendCancel(nil, inv)
	if err != nil {
		t.Fatal(err)
	}
	c := mustParse(t, string(cancel))
	equal(t, "method", c.Method(), MethodCancel)
	equal(t, "R-URI", c.RequestURIString(), "sip:bob@biloxi.example.com")
	vias, _ := c.Vias()
	equal(t, "one Via", len(vias), 1)
	equal(t, "same branch", vias[0].Branch, "z9hG4bK74bf9")
	cs, _ := c.CSeq()
	equal(t, "CSeq", cs, CSeq{2, "CANCEL"})
	equal(t, "Route", c.Value(HdrRoute), "<sip:p2.example.com;lr>")
	equal(t, "no Record-Route", c.Count(HdrRecordRoute), 0)

	resp := mustParse(t, msg("SIP/2.0 486 Busy Here\nVia: SIP/2.0/UDP 10.0.0.7:5060;rport;branch=z9hG4bK74bf9\nFrom: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\nTo: Bob <sip:bob@biloxi.example.com>;tag=8321234356\nCall-ID: 3848276298220188511@atlanta.example.com\nCSeq: 2 INVITE\nl: 0\n\n"))
	ack, err := AppendAck(nil, inv, resp)
	if err != nil {
		t.Fatal(err)
	}
	a := mustParse(t, string(ack))
	equal(t, "ACK method", a.Method(), MethodAck)
	to, _ := a.To()
	equal(t, "To tag from response", to.Tag(), "8321234356")
	from, _ := a.From()
	equal(t, "From tag", from.Tag(), "9fxced76sl")
	cs, _ = a.CSeq()
	equal(t, "ACK CSeq", cs, CSeq{2, "ACK"})

	inv.SetRequestURI("sip:bob@192.0.2.4")
	cancel, _ = AppendCancel(nil, inv)
	equal(t, "CANCEL follows the URI sent", mustParse(t, string(cancel)).RequestURIString(), "sip:bob@192.0.2.4")

	opts := mustParse(t, msg(basicRequest))
	_, err = AppendCancel(nil, opts)
	errContains(t, err, "needs the INVITE")
}

func TestAppendRequest(t *testing.T) {
	out := AppendRequest(nil, &Request{
		Method: "OPTIONS", RequestURI: "sip:gw1.example.com",
		Via:         []string{"SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKprobe1"},
		MaxForwards: 70,
		From:        "<sip:prober@127.0.0.1>;tag=p1", To: "<sip:gw1.example.com>",
		CallID: "probe-1@127.0.0.1", CSeq: 10,
		Route:   []string{"<sip:p1.example.com;lr>"},
		Contact: "<sip:prober@127.0.0.1>",
		Headers: []Field{{"User-Agent", "switchboard"}},
	})
	m := mustParse(t, string(out))
	cs, _ := m.CSeq()
	equal(t, "CSeq", cs, CSeq{10, "OPTIONS"})
	equal(t, "Route", m.Value(HdrRoute), "<sip:p1.example.com;lr>")
	equal(t, "User-Agent", m.Value(HdrUserAgent), "switchboard")
	n, _, _ := m.ContentLength()
	equal(t, "Content-Length", n, 0)
}

func TestReasonPhrase(t *testing.T) {
	for code, want := range map[int]string{200: "OK", 423: "Interval Too Brief", 299: "OK", 499: "Client Error", 699: "Global Failure"} {
		equal(t, "reason", ReasonPhrase(code), want)
	}
}

// TestAppendReplyToBrokenRequests: error_route replies to requests that
// failed Check; the builder must cope with what they hold (RFC 4475
// multi01 has two To headers).
func TestAppendReplyToBrokenRequests(t *testing.T) {
	for _, name := range []string{"multi01.dat", "mismatch01.dat", "badaspec.dat", "quotbal.dat", "scalar02.dat"} {
		data, err := os.ReadFile("testdata/rfc4475/" + name)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := Parse(data)
		if m == nil {
			continue
		}
		out, err := AppendReply(nil, m, &Reply{Code: 400, ToTag: "x", Received: "127.0.0.1"})
		if err != nil {
			continue // no Via or To to build from: nothing is sent
		}
		if _, err := ParseString(string(out)); err != nil {
			t.Errorf("%s: the 400 does not parse: %v\n%s", name, err, out)
		}
	}
}

// A reply is written into one allocation, however many headers it copies
// and adds.
func TestAppendReplyAllocs(t *testing.T) {
	req := mustParse(t, msg(inviteThroughProxy))
	req.Via()
	req.To()
	r := &Reply{Code: 200, ToTag: "t1", Received: "192.0.2.9", RPort: 5062,
		Headers: []Field{{Name: "Contact", Value: "<sip:a@192.0.2.9>;expires=3600"}, {Name: "Date", Value: "Thu, 26 Nov 2026 21:00:00 GMT"}}}
	if n := testing.AllocsPerRun(50, func() { AppendReply(nil, req, r) }); n != 1 {
		t.Errorf("%v allocations, want 1", n)
	}
}
