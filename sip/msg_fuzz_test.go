package sip

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/sip/siptest"
)

// addMessageSeeds seeds a fuzz target with the torture messages and the
// realistic ones of siptest.
func addMessageSeeds(f *testing.F) {
	for _, set := range []string{"rfc4475", "rfc5118"} {
		names, _ := filepath.Glob(filepath.Join("testdata", set, "*.dat"))
		for _, n := range names {
			data, err := os.ReadFile(n)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{siptest.Invite, siptest.Register, siptest.OK, msg(basicRequest), msg(inviteThroughProxy)} {
		f.Add([]byte(s))
	}
}

// readAll calls every accessor: none may panic on any input.
func readAll(m *Msg) {
	_ = m.Check()
	m.RequestURI()
	m.Vias()
	m.From()
	m.To()
	m.CallID()
	m.CSeq()
	m.MaxForwards()
	m.Routes()
	m.RecordRoutes()
	m.Path()
	m.PAssertedIdentity()
	m.Diversion()
	m.ReferTo()
	m.Expires()
	m.MinExpires()
	m.Event()
	m.SubscriptionState()
	m.ContentDisposition()
	m.ContentType()
	m.Accept()
	m.Tokens(HdrSupported)
	m.Credentials(HdrAuthorization)
	m.Challenges(HdrWWWAuthenticate)
	m.Method()
	if cs, err := m.Contacts(); err == nil {
		for i := range cs.List {
			cs.List[i].Expires()
			cs.List[i].Q()
			cs.List[i].Instance()
		}
	}
}

func FuzzParse(f *testing.F) {
	addMessageSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if m == nil {
			if err == nil {
				t.Fatal("nil message without error")
			}
			return
		}
		if !strings.Contains(string(data), m.Raw()) {
			t.Fatal("Raw is not a part of the input")
		}
		readAll(m)
		if err != nil {
			return
		}
		// Round trip: no edits means the bytes as received.
		if out := string(m.Bytes()); out != m.Raw() {
			t.Fatalf("round trip changed the message:\n%q\n%q", m.Raw(), out)
		}
		if m.IsRequest() {
			// error_route answers requests that failed Check: building
			// the reply must never panic, whatever the message holds.
			AppendReply(nil, m, &Reply{Code: 400, ToTag: "fz", Received: "127.0.0.1", RPort: 5060})
		}
		if m.Check() != nil {
			return
		}
		if m.IsRequest() {
			out, err := AppendReply(nil, m, &Reply{Code: 404, ToTag: "fz", Received: "127.0.0.1", RPort: 5060})
			if err != nil {
				t.Fatalf("reply to a checked request: %v", err)
			}
			r, err := ParseString(string(out))
			if err != nil {
				t.Fatalf("reply does not parse: %v\n%q", err, out)
			}
			if err := r.Check(); err != nil {
				t.Fatalf("reply fails Check: %v\n%q", err, out)
			}
		}
	})
}

func FuzzParseStream(f *testing.F) {
	addMessageSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for len(data) > 0 {
			n, err := FrameLen(data, MaxMessageSize)
			if err != nil {
				return
			}
			if n <= 0 || n > len(data) {
				t.Fatalf("frame length %d of %d bytes", n, len(data))
			}
			if m, _ := ParseStream(data[:n]); m != nil {
				readAll(m)
			}
			data = data[n:]
		}
	})
}

// FuzzSerialize applies edits chosen by the fuzzer to valid messages: the
// output must parse again and keep what was not edited.
func FuzzSerialize(f *testing.F) {
	seeds := []string{siptest.Invite, siptest.Register, siptest.OK, msg(basicRequest)}
	for i := range seeds {
		f.Add(uint8(i), []byte{0, 1, 2, 3, 4, 5, 6, 7, 0x11, 0x2a})
	}
	f.Fuzz(func(t *testing.T, which uint8, ops []byte) {
		m, err := ParseString(seeds[int(which)%len(seeds)])
		if err != nil {
			t.Fatal(err)
		}
		// Each op may add a header: stay under MaxHeaders, past which the
		// output is rightly refused.
		if len(ops) > MaxHeaders/2 {
			ops = ops[:MaxHeaders/2]
		}
		callID, _ := m.CallID()
		removedCallID := false
		for i, op := range ops {
			hs := m.Headers()
			h := &hs[int(op>>3)%len(hs)]
			switch op & 7 {
			case 0:
				m.AddHeader("X-F", strings.Repeat("a", i%5+1))
			case 1:
				m.InsertHeader("X-I", "1")
			case 2:
				if h.Type != HdrCallID && h.Type != HdrContentLength {
					m.RemoveHeader(h)
				}
			case 3:
				if h.Type != HdrCallID && h.Type != HdrContentLength {
					m.SetHeaderValue(h, "v")
				}
			case 4:
				if m.IsRequest() {
					m.SetRequestURI("sip:f@127.0.0.1")
				}
			case 5:
				m.SetBody(strings.Repeat("b", i), "text/plain")
			case 6:
				InsertTopVia(&m.Lumps, m, "SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKf")
			case 7:
				if h.Type == HdrCallID {
					removedCallID = true
					m.RemoveHeader(h)
				}
			}
		}
		out, err := ParseString(string(m.Bytes()))
		if err != nil {
			t.Fatalf("edited message does not parse: %v\n%q", err, m.Bytes())
		}
		if got, _ := out.CallID(); !removedCallID && got != callID {
			t.Fatalf("Call-ID %q became %q", callID, got)
		}
		if out.Body() != m.NewBody() {
			t.Fatalf("body %q, want %q", out.Body(), m.NewBody())
		}
	})
}
