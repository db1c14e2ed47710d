package sip

import (
	"strings"
	"testing"
)

func TestMsgEdits(t *testing.T) {
	base := msg(basicRequest)
	tests := []struct {
		name string
		edit func(m *Msg)
		want string // basicRequest with these replacements, "\n" as CRLF
	}{
		{"no edits", func(m *Msg) {}, base},
		{"append header", func(m *Msg) { m.AddHeader("X-A", "1"); m.AddHeader("X-B", "2") },
			strings.Replace(base, "Content-Length: 0\r\n", "Content-Length: 0\r\nX-A: 1\r\nX-B: 2\r\n", 1)},
		{"insert header", func(m *Msg) { m.InsertHeader("X-A", "1"); m.InsertHeader("X-B", "2") },
			strings.Replace(base, "Via:", "X-A: 1\r\nX-B: 2\r\nVia:", 1)},
		{"remove header", func(m *Msg) { h, _ := m.Header(HdrMaxForwards); m.RemoveHeader(h) },
			strings.Replace(base, "Max-Forwards: 70\r\n", "", 1)},
		{"set header value", func(m *Msg) { h, _ := m.Header(HdrMaxForwards); m.SetHeaderValue(h, "69") },
			strings.Replace(base, "Max-Forwards: 70", "Max-Forwards: 69", 1)},
		{"set request URI twice", func(m *Msg) { m.SetRequestURI("sip:x@y"); m.SetRequestURI("sip:bob@192.0.2.4") },
			strings.Replace(base, "OPTIONS sip:bob@example.com", "OPTIONS sip:bob@192.0.2.4", 1)},
		{"set body", func(m *Msg) { m.SetBody("hello", "text/plain") },
			strings.Replace(base, "Content-Length: 0\r\n\r\n", "Content-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello", 1)},
		{"set body twice", func(m *Msg) { m.SetBody("first", "text/plain"); m.SetBody("hi", "") },
			strings.Replace(base, "Content-Length: 0\r\n\r\n", "Content-Length: 2\r\n\r\nhi", 1)},
		{"remove then edit inside", func(m *Msg) {
			h, _ := m.Header(HdrMaxForwards)
			m.RemoveHeader(h)
			m.SetHeaderValue(h, "69")
		}, strings.Replace(base, "Max-Forwards: 70\r\n", "", 1)},
		{"top via before inserted header", func(m *Msg) {
			m.InsertHeader("X-A", "1")
			InsertTopVia(&m.Lumps, m, "SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKp")
		}, strings.Replace(base, "Via:", "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKp\r\nX-A: 1\r\nVia:", 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustParse(t, base)
			tc.edit(m)
			got := string(m.Bytes())
			equal(t, "output", got, tc.want)
			if _, err := ParseString(got); err != nil {
				t.Errorf("output does not parse: %v", err)
			}
		})
	}
}

func TestSetBodyWithoutContentLength(t *testing.T) {
	m := mustParse(t, strings.Replace(msg(basicRequest), "Content-Length: 0\r\n", "", 1))
	m.SetBody("v=0\r\n", "application/sdp")
	out := string(m.Bytes())
	m2 := mustParse(t, out)
	equal(t, "body", m2.Body(), "v=0\r\n")
	n, ok, _ := m2.ContentLength()
	equal(t, "Content-Length", n, 5)
	equal(t, "Content-Length present", ok, true)
	equal(t, "Content-Type", m2.Value(HdrContentType), "application/sdp")
}

func TestSetEmptyBodyRemovesContentType(t *testing.T) {
	withBody := strings.Replace(msg(basicRequest), "Content-Length: 0\r\n\r\n", "Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc", 1)
	m := mustParse(t, withBody)
	m.SetBody("", "")
	equal(t, "output", string(m.Bytes()), msg(basicRequest))
}

// TestBranchClones shows how tm writes one request to several branches:
// each branch clones the script's edits and adds its own Via and URI.
func TestBranchClones(t *testing.T) {
	m := mustParse(t, msg(basicRequest))
	m.AddHeader("X-Script", "1")
	var outs []string
	for _, b := range []string{"z9hG4bKb1", "z9hG4bKb2"} {
		l := m.Lumps.Clone()
		InsertTopVia(&l, m, "SIP/2.0/UDP 127.0.0.1;branch="+b)
		outs = append(outs, string(m.AppendWith(nil, &l)))
	}
	for i, b := range []string{"z9hG4bKb1", "z9hG4bKb2"} {
		bm := mustParse(t, outs[i])
		v, _ := bm.Via()
		equal(t, "branch", v.Branch, b)
		_, ok := bm.HeaderNamed("X-Script")
		equal(t, "script edit kept", ok, true)
		vias, _ := bm.Vias()
		equal(t, "via count", len(vias), 2)
	}
	equal(t, "original edits untouched", m.Lumps.Len(), 1)
}

func TestSetViaReceived(t *testing.T) {
	m := mustParse(t, msg(basicRequest))
	m.SetViaReceived("192.0.2.33", 40001)
	want := strings.Replace(msg(basicRequest), "branch=z9hG4bK1;rport", "branch=z9hG4bK1;rport=40001;received=192.0.2.33", 1)
	equal(t, "output", string(m.Bytes()), want)
	m2 := mustParse(t, string(m.Bytes()))
	v, _ := m2.Via()
	equal(t, "received", v.Received, "192.0.2.33")
	equal(t, "rport", v.RPort, "40001")
}
