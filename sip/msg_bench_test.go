package sip

import (
	"testing"

	"switchboard/sip/siptest"
)

var benchMessages = []struct {
	name, text string
}{
	{"invite", siptest.Invite},
	{"register", siptest.Register},
	{"ok", siptest.OK},
}

var sink any

// BenchmarkParse measures Parse: the copy of the bytes, the first line and
// the header index. It is the cost every received message pays.
func BenchmarkParse(b *testing.B) {
	for _, bm := range benchMessages {
		data := []byte(bm.text)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				m, err := Parse(data)
				if err != nil {
					b.Fatal(err)
				}
				sink = m
			}
		})
	}
}

// BenchmarkParsePooled is Parse into a reused Msg, as the core does with a
// pool: only the copy of the bytes is allocated.
func BenchmarkParsePooled(b *testing.B) {
	for _, bm := range benchMessages {
		data := []byte(bm.text)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			var m Msg
			for b.Loop() {
				if err := ParseInto(&m, string(data)); err != nil {
					b.Fatal(err)
				}
			}
			sink = &m
		})
	}
}

// BenchmarkParseAndRead adds what a proxy reads on every message: top Via,
// From and To tags, Call-ID, CSeq, the first Contact, and Check.
func BenchmarkParseAndRead(b *testing.B) {
	for _, bm := range benchMessages {
		data := []byte(bm.text)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				m, err := Parse(data)
				if err != nil {
					b.Fatal(err)
				}
				if err := m.Check(); err != nil {
					b.Fatal(err)
				}
				v, _ := m.Via()
				from, _ := m.From()
				to, _ := m.To()
				cs, _ := m.Contacts()
				sink = v.Branch + from.Tag() + to.Tag() + cs.List[0].URI.Host
			}
		})
	}
}

// BenchmarkSerialize writes a parsed message with three edits: a new top
// Via, a new Request-URI (or, for the response, the top Via removed) and an
// added header, into a reused buffer.
func BenchmarkSerialize(b *testing.B) {
	for _, bm := range benchMessages {
		m, err := ParseString(bm.text)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			var dst []byte
			for b.Loop() {
				m.Lumps.Reset()
				m.edits.hasRequestURI = false
				InsertTopVia(&m.Lumps, m, "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKbench")
				if m.IsRequest() {
					m.SetRequestURI("sip:bob@192.0.2.4:5060")
				} else {
					m.RemoveHeader(&m.Headers()[0])
				}
				m.AddHeader("X-Bench", "1")
				dst = m.AppendTo(dst[:0])
			}
			b.SetBytes(int64(len(dst)))
			sink = dst
		})
	}
}
