package usrloc

import (
	"strings"
	"testing"
	"time"
	"unsafe"
)

func sameBindings(t *testing.T, got, want []Contact) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d bindings, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || !sameContact(g, w) || !g.LastModified.Equal(w.LastModified) || g.LastModified.IsZero() != w.LastModified.IsZero() {
			t.Errorf("binding %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestPackRecord(t *testing.T) {
	full := Contact{ID: 1<<62 + 5, URI: "sip:alice@10.0.0.1:5060;transport=tcp", Expires: 1_800_000_000, Q: 1000,
		CallID: "a84b4c76e66710@pc33", CSeq: 1<<32 - 1, Flags: FlagMemOnly, CFlags: 1<<63 | 5, UserAgent: "Yealink SIP-T46S",
		Received: "sip:203.0.113.1:5060", Path: "<sip:edge;lr>", Socket: "udp:127.0.0.1:5060", Methods: 0b1011,
		Instance: "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", RegID: "1", Attr: "x=y",
		LastModified: time.Unix(1_700_000_000, 123456789)}
	tests := []struct {
		name string
		aor  string
		cs   []Contact
	}{
		{"one full binding", "alice@example.com", []Contact{full}},
		{"zero values", "", []Contact{{}}},
		{"unspecified q, all methods", "bob", []Contact{{URI: "sip:bob@h", Q: QUnspecified, Methods: AllMethods}}},
		{"negative numbers", "n", []Contact{{ID: -7, Expires: -1, Q: -1000, Flags: -3, LastModified: time.Unix(-5, 1)}}},
		{"zero time stays zero", "z", []Contact{{URI: "sip:z@h", LastModified: time.Time{}}}},
		{"long user agent stored inline", "ua", []Contact{{UserAgent: strings.Repeat("u", 300), Socket: strings.Repeat("s", 1000)}}},
		{"several bindings in order", "multi", []Contact{full, {ID: 2, URI: "sip:b@h", CallID: "c2"}, {ID: 3, URI: "sip:c@h"}}},
		{"long strings", "big", []Contact{{URI: strings.Repeat("x", 70_000), Path: strings.Repeat("p", 200)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := packRecord(tt.aor, tt.cs)
			aor, n := recordAOR(rec)
			if aor != tt.aor || n != len(tt.cs) {
				t.Fatalf("recordAOR = %q, %d; want %q, %d", aor, n, tt.aor, len(tt.cs))
			}
			sameBindings(t, unpackRecord(nil, rec, false, time.Time{}), tt.cs)
		})
	}
}

func TestUnpackLiveOnly(t *testing.T) {
	now := time.Unix(1000, 0)
	cs := []Contact{{ID: 1, Expires: 999}, {ID: 2, Expires: 1001}, {ID: 3, Expires: 0}, {ID: 4, Expires: 1000}}
	got := unpackRecord(nil, packRecord("a", cs), true, now)
	if len(got) != 2 || got[0].ID != 2 || got[1].ID != 3 {
		t.Fatalf("live bindings = %+v, want IDs 2 and 3", got)
	}
}

// A record copies its strings: changing the bytes a Contact's fields were
// sliced from (as the parser's values slice a received message) does not
// change the stored binding.
func TestPackRecordCopies(t *testing.T) {
	msg := []byte("sip:carol@192.0.2.9 call-1 UA/1.0 udp:127.0.0.1:5099 carol")
	str := unsafe.String(&msg[0], len(msg))
	c := Contact{URI: str[0:19], CallID: str[20:26], UserAgent: str[27:33] + "-copy-test", Socket: str[34:52]}
	rec := packRecord(str[53:], []Contact{c})
	want := Contact{URI: "sip:carol@192.0.2.9", CallID: "call-1", UserAgent: "UA/1.0-copy-test", Socket: "udp:127.0.0.1:5099"}
	for i := range msg {
		msg[i] = '#'
	}
	if aor, _ := recordAOR(rec); aor != "carol" {
		t.Errorf("AOR = %q after the source changed, want carol", aor)
	}
	sameBindings(t, unpackRecord(nil, rec, false, time.Time{}), []Contact{want})
}

// Past maxShared distinct values, user agents are stored in the record:
// still read back, and the table stops growing.
func TestSharedTableBounded(t *testing.T) {
	var recs []string
	for i := range maxShared + 10 {
		ua := "agent-" + strings.Repeat("a", i%7) + string(rune('0'+i%10)) + "-" + itoa(i)
		recs = append(recs, packRecord("x", []Contact{{UserAgent: ua}}))
	}
	if n := len(shared.vals); n > maxShared {
		t.Fatalf("shared table has %d entries, bound %d", n, maxShared)
	}
	for i, rec := range recs {
		want := "agent-" + strings.Repeat("a", i%7) + string(rune('0'+i%10)) + "-" + itoa(i)
		if got := unpackRecord(nil, rec, false, time.Time{})[0].UserAgent; got != want {
			t.Fatalf("record %d: user agent %q, want %q", i, got, want)
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// FuzzPackRecord: any binding packs and unpacks to itself.
func FuzzPackRecord(f *testing.F) {
	f.Add("alice", "sip:alice@h", int64(1), int64(3600), 500, uint32(7), uint64(0), uint32(AllMethods), "ua", "udp:127.0.0.1:5060", "cid", int64(1_700_000_000), 3)
	f.Add("", "", int64(-1), int64(0), -1, uint32(0), uint64(1<<63), uint32(0), "", "", "", int64(-62135596800), 1)
	f.Fuzz(func(t *testing.T, aor, uri string, id, expires int64, q int, cseq uint32, cflags uint64, methods uint32,
		ua, socket, callID string, sec int64, n int) {
		n = 1 + n&3
		var cs []Contact
		for i := range n {
			cs = append(cs, Contact{ID: id + int64(i), URI: uri, Expires: expires, Q: q, CSeq: cseq, CFlags: cflags,
				Methods: methods, UserAgent: ua, Socket: socket, CallID: callID, Path: uri + callID,
				Received: ua, Instance: socket, RegID: aor, Attr: callID, Flags: q,
				LastModified: time.Unix(sec%(1<<40), int64(cseq)%1_000_000_000)})
		}
		rec := packRecord(aor, cs)
		if got, m := recordAOR(rec); got != aor || m != n {
			t.Fatalf("recordAOR = %q, %d; want %q, %d", got, m, aor, n)
		}
		sameBindings(t, unpackRecord(nil, rec, false, time.Time{}), cs)
	})
}
