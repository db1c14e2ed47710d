package sip

import (
	"strings"
	"testing"
)

// lumpOp is one recorded call, so a test can replay the same edits in another
// order and against the reference model.
type lumpOp struct {
	kind       lumpKind
	start, end int // inserts use start only
	text       string
}

type lumpKind uint8

const (
	lumpOpBefore lumpKind = iota
	lumpOpAfter
	lumpOpDelete
	lumpOpReplace
)

func lumpBefore(off int, text string) lumpOp         { return lumpOp{lumpOpBefore, off, off, text} }
func lumpAfter(off int, text string) lumpOp          { return lumpOp{lumpOpAfter, off, off, text} }
func lumpDelete(start, end int) lumpOp               { return lumpOp{lumpOpDelete, start, end, ""} }
func lumpReplace(start, end int, text string) lumpOp { return lumpOp{lumpOpReplace, start, end, text} }

func (op lumpOp) record(l *Lumps) {
	switch op.kind {
	case lumpOpBefore:
		l.InsertBefore(op.start, op.text)
	case lumpOpAfter:
		l.InsertAfter(op.start, op.text)
	case lumpOpDelete:
		l.Delete(op.start, op.end)
	case lumpOpReplace:
		l.Replace(op.start, op.end, op.text)
	}
}

func recordLumpOps(ops []lumpOp) *Lumps {
	l := new(Lumps)
	for _, op := range ops {
		op.record(l)
	}
	return l
}

// lumpModelApply is the reference the engine is held to: it replays the calls in
// order onto one "deleted" flag per original byte and one list of texts per
// gap between bytes, which is the documented behaviour spelled out with no
// cleverness, then reads the result off left to right.
func lumpModelApply(src string, ops []lumpOp) string {
	n := len(src)
	deleted := make([]bool, n)
	texts := make([][]string, n+1) // texts[g] goes before src[g]
	type span struct{ start, end int }
	var spans []span
	for _, op := range ops {
		if op.start < 0 || op.start > op.end || op.end > n {
			continue // does not fit the source: ignored
		}
		switch op.kind {
		case lumpOpBefore:
			texts[op.start] = append([]string{op.text}, texts[op.start]...)
		case lumpOpAfter:
			texts[op.start] = append(texts[op.start], op.text)
		case lumpOpDelete, lumpOpReplace:
			for i := op.start; i < op.end; i++ {
				deleted[i] = true
			}
			spans = append(spans, span{op.start, op.end})
			if op.kind == lumpOpReplace {
				texts[op.start] = append(texts[op.start], op.text)
			}
		}
	}
	var b strings.Builder
	for g := 0; g <= n; g++ {
		swallowed := false
		for _, s := range spans {
			if s.start < g && g < s.end {
				swallowed = true
			}
		}
		if !swallowed {
			for _, t := range texts[g] {
				b.WriteString(t)
			}
		}
		if g < n && !deleted[g] {
			b.WriteByte(src[g])
		}
	}
	return b.String()
}

// lumpModelLen is how many edits the engine is expected to record.
func lumpModelLen(ops []lumpOp) int {
	n := 0
	for _, op := range ops {
		if op.kind != lumpOpDelete || op.start != op.end {
			n++
		}
	}
	return n
}

// checkLumpOps records ops, checks Apply against want and the model, Size
// against the output, and that Apply appends to what dst holds.
func checkLumpOps(t *testing.T, src string, ops []lumpOp, want string) {
	t.Helper()
	l := recordLumpOps(ops)
	got := string(l.Apply(nil, src))
	if got != want {
		t.Errorf("Apply = %q, want %q", got, want)
	}
	if m := lumpModelApply(src, ops); m != want {
		t.Errorf("model = %q, want %q (the test case or the model is wrong)", m, want)
	}
	if size := l.Size(src); size != len(got) {
		t.Errorf("Size = %d, len(Apply) = %d", size, len(got))
	}
	if got := string(l.Apply([]byte("pre|"), src)); got != "pre|"+want {
		t.Errorf("Apply after prefix = %q, want %q", got, "pre|"+want)
	}
	if l.Len() != lumpModelLen(ops) {
		t.Errorf("Len = %d, want %d", l.Len(), lumpModelLen(ops))
	}
}

// permute calls fn with every ordering of ops (Heap's algorithm).
func permuteLumpOps(ops []lumpOp, fn func([]lumpOp)) {
	p := append([]lumpOp(nil), ops...)
	var gen func(k int)
	gen = func(k int) {
		if k <= 1 {
			fn(p)
			return
		}
		gen(k - 1)
		for i := 0; i < k-1; i++ {
			if k%2 == 0 {
				p[i], p[k-1] = p[k-1], p[i]
			} else {
				p[0], p[k-1] = p[k-1], p[0]
			}
			gen(k - 1)
		}
	}
	gen(len(p))
}

const lumpSrc = "0123456789abcdef" // 16 bytes, every offset readable in the output

func TestLumps(t *testing.T) {
	tests := []struct {
		name string
		src  string
		ops  []lumpOp
		want string
		// anyOrder says the rules make the output independent of the order
		// the ops are recorded in; every permutation is then checked.
		anyOrder bool
	}{
		// Rule 6: no edits is the identity.
		{name: "no edits", src: lumpSrc, want: lumpSrc},
		{name: "no edits empty source", src: "", want: ""},

		// Rule 1: each kind of edit on its own.
		{name: "insert at start", src: lumpSrc, ops: []lumpOp{lumpAfter(0, "<")}, want: "<" + lumpSrc},
		{name: "insert at end", src: lumpSrc, ops: []lumpOp{lumpAfter(16, ">")}, want: lumpSrc + ">"},
		{name: "insert before in middle", src: lumpSrc, ops: []lumpOp{lumpBefore(4, "X")}, want: "0123X456789abcdef"},
		{name: "insert into empty source", src: "", ops: []lumpOp{lumpAfter(0, "X")}, want: "X"},
		{name: "delete middle", src: lumpSrc, ops: []lumpOp{lumpDelete(4, 8)}, want: "012389abcdef"},
		{name: "delete all", src: lumpSrc, ops: []lumpOp{lumpDelete(0, 16)}, want: ""},
		{name: "replace middle", src: lumpSrc, ops: []lumpOp{lumpReplace(4, 8, "X")}, want: "0123X89abcdef"},
		{name: "replace with empty text", src: lumpSrc, ops: []lumpOp{lumpReplace(4, 8, "")}, want: "012389abcdef"},
		{name: "replace all", src: lumpSrc, ops: []lumpOp{lumpReplace(0, 16, "X")}, want: "X"},
		{name: "empty insert", src: lumpSrc, ops: []lumpOp{lumpAfter(3, "")}, want: lumpSrc},
		{
			name:     "edits at distinct offsets",
			src:      lumpSrc,
			ops:      []lumpOp{lumpAfter(0, "<"), lumpDelete(2, 4), lumpReplace(6, 8, "R"), lumpBefore(10, "B"), lumpAfter(16, ">")},
			want:     "<0145R89Babcdef>",
			anyOrder: true,
		},

		// Rule 2: the sequence at one offset follows the documented call order.
		{name: "after after", src: lumpSrc, ops: []lumpOp{lumpAfter(3, "A"), lumpAfter(3, "B")}, want: "012AB3456789abcdef"},
		{name: "after after swapped", src: lumpSrc, ops: []lumpOp{lumpAfter(3, "B"), lumpAfter(3, "A")}, want: "012BA3456789abcdef"},
		{name: "before before", src: lumpSrc, ops: []lumpOp{lumpBefore(3, "A"), lumpBefore(3, "B")}, want: "012BA3456789abcdef"},
		{name: "before before swapped", src: lumpSrc, ops: []lumpOp{lumpBefore(3, "B"), lumpBefore(3, "A")}, want: "012AB3456789abcdef"},
		{
			name:     "before and after commute",
			src:      lumpSrc,
			ops:      []lumpOp{lumpBefore(3, "B"), lumpAfter(3, "A")},
			want:     "012BA3456789abcdef",
			anyOrder: true,
		},
		{
			name: "interleaved before and after",
			src:  lumpSrc,
			ops:  []lumpOp{lumpAfter(3, "A"), lumpBefore(3, "B"), lumpAfter(3, "C"), lumpBefore(3, "D")},
			want: "012DBAC3456789abcdef",
		},
		{name: "replace then after at its start", src: lumpSrc, ops: []lumpOp{lumpReplace(3, 5, "R"), lumpAfter(3, "A")}, want: "012RA56789abcdef"},
		{name: "after then replace at its start", src: lumpSrc, ops: []lumpOp{lumpAfter(3, "A"), lumpReplace(3, 5, "R")}, want: "012AR56789abcdef"},
		{name: "replace then before at its start", src: lumpSrc, ops: []lumpOp{lumpReplace(3, 5, "R"), lumpBefore(3, "B")}, want: "012BR56789abcdef"},
		{name: "two replaces at one start", src: lumpSrc, ops: []lumpOp{lumpReplace(3, 5, "A"), lumpReplace(3, 8, "B")}, want: "012AB89abcdef"},
		{name: "two replaces at one start swapped", src: lumpSrc, ops: []lumpOp{lumpReplace(3, 8, "B"), lumpReplace(3, 5, "A")}, want: "012BA89abcdef"},
		{name: "same replace twice", src: lumpSrc, ops: []lumpOp{lumpReplace(3, 5, "A"), lumpReplace(3, 5, "A")}, want: "012AA56789abcdef"},
		{name: "delete does not reorder texts at its start", src: lumpSrc, ops: []lumpOp{lumpAfter(3, "A"), lumpDelete(3, 5), lumpAfter(3, "B")}, want: "012AB56789abcdef"},

		// Rule 3: texts strictly inside a deleted range go with it.
		{name: "insert inside delete", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 6), lumpAfter(4, "X")}, want: "016789abcdef", anyOrder: true},
		{name: "insert before inside delete", src: lumpSrc, ops: []lumpOp{lumpBefore(4, "X"), lumpDelete(2, 6)}, want: "016789abcdef", anyOrder: true},
		{name: "insert just inside delete start", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 6), lumpAfter(3, "X")}, want: "016789abcdef", anyOrder: true},
		{name: "insert just inside delete end", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 6), lumpAfter(5, "X")}, want: "016789abcdef", anyOrder: true},
		{name: "insert at delete start kept", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 6), lumpAfter(2, "X")}, want: "01X6789abcdef", anyOrder: true},
		{name: "insert at delete end kept", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 6), lumpBefore(6, "X")}, want: "01X6789abcdef", anyOrder: true},
		{name: "insert at delete end of source kept", src: lumpSrc, ops: []lumpOp{lumpDelete(10, 16), lumpAfter(16, "X")}, want: "0123456789X", anyOrder: true},
		{name: "insert inside replace", src: lumpSrc, ops: []lumpOp{lumpReplace(2, 6, "R"), lumpAfter(4, "X")}, want: "01R6789abcdef", anyOrder: true},
		{name: "replace text inside another delete", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 8), lumpReplace(4, 6, "R")}, want: "0189abcdef", anyOrder: true},
		{name: "replace text at another delete end", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 4), lumpReplace(4, 6, "R")}, want: "01R6789abcdef", anyOrder: true},
		{name: "replace text at another delete start", src: lumpSrc, ops: []lumpOp{lumpDelete(4, 8), lumpReplace(4, 6, "R")}, want: "0123R89abcdef"},
		{name: "insert at seam of adjacent deletes kept", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 5), lumpDelete(5, 8), lumpAfter(5, "X")}, want: "01X89abcdef", anyOrder: true},
		{name: "insert at one overlap start dropped", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 6), lumpDelete(4, 8), lumpAfter(4, "X")}, want: "0189abcdef", anyOrder: true},
		{name: "insert at other overlap end dropped", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 6), lumpDelete(4, 8), lumpAfter(6, "X")}, want: "0189abcdef", anyOrder: true},
		{name: "insert at union end kept", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 6), lumpDelete(4, 8), lumpAfter(8, "X")}, want: "01X89abcdef", anyOrder: true},

		// Rule 4: overlapping and nested ranges compose as their union.
		{name: "overlapping replaces", src: lumpSrc, ops: []lumpOp{lumpReplace(5, 10, "A"), lumpReplace(8, 12, "B")}, want: "01234Acdef", anyOrder: true},
		{name: "overlapping deletes", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 6), lumpDelete(4, 8)}, want: "0189abcdef", anyOrder: true},
		{name: "nested delete", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 10), lumpDelete(4, 6)}, want: "01abcdef", anyOrder: true},
		{name: "identical deletes", src: lumpSrc, ops: []lumpOp{lumpDelete(2, 6), lumpDelete(2, 6)}, want: "016789abcdef", anyOrder: true},
		{name: "delete nested in replace", src: lumpSrc, ops: []lumpOp{lumpReplace(2, 10, "R"), lumpDelete(4, 6)}, want: "01Rabcdef", anyOrder: true},
		{name: "replace nested in replace", src: lumpSrc, ops: []lumpOp{lumpReplace(2, 10, "A"), lumpReplace(4, 6, "B")}, want: "01Aabcdef", anyOrder: true},
		{name: "adjacent replaces", src: lumpSrc, ops: []lumpOp{lumpReplace(2, 5, "A"), lumpReplace(5, 8, "B")}, want: "01AB89abcdef", anyOrder: true},
		{
			name:     "chain of overlaps",
			src:      lumpSrc,
			ops:      []lumpOp{lumpReplace(1, 4, "A"), lumpReplace(3, 7, "B"), lumpDelete(6, 9), lumpAfter(9, "C"), lumpReplace(12, 14, "D")},
			want:     "0AC9abDef",
			anyOrder: true,
		},

		// Rule 5: edits that do not fit the source are ignored, whole.
		{name: "insert at negative offset ignored", src: lumpSrc, ops: []lumpOp{lumpAfter(-1, "X")}, want: lumpSrc},
		{name: "insert past end ignored", src: lumpSrc, ops: []lumpOp{lumpBefore(17, "X")}, want: lumpSrc},
		{name: "delete past end ignored", src: lumpSrc, ops: []lumpOp{lumpDelete(10, 17)}, want: lumpSrc},
		{name: "delete from negative ignored", src: lumpSrc, ops: []lumpOp{lumpDelete(-1, 3)}, want: lumpSrc},
		{name: "reversed delete ignored", src: lumpSrc, ops: []lumpOp{lumpDelete(8, 4)}, want: lumpSrc},
		{name: "reversed replace ignored with its text", src: lumpSrc, ops: []lumpOp{lumpReplace(8, 4, "X")}, want: lumpSrc},
		{name: "replace past end ignored with its text", src: lumpSrc, ops: []lumpOp{lumpReplace(10, 20, "X")}, want: lumpSrc},
		{
			name:     "ignored delete swallows nothing",
			src:      lumpSrc,
			ops:      []lumpOp{lumpDelete(2, 40), lumpAfter(4, "X"), lumpDelete(-3, 5)},
			want:     "0123X456789abcdef",
			anyOrder: true,
		},
		{
			name:     "huge offsets ignored",
			src:      lumpSrc,
			ops:      []lumpOp{lumpDelete(-1<<62, 1<<62), lumpAfter(1<<62, "X"), lumpBefore(-1<<62, "Y"), lumpAfter(2, "Z")},
			want:     "01Z23456789abcdef",
			anyOrder: true,
		},
		{name: "zero-length delete is a no-op", src: lumpSrc, ops: []lumpOp{lumpDelete(4, 4), lumpAfter(4, "X")}, want: "0123X456789abcdef"},
		{name: "zero-length replace is an insert after", src: lumpSrc, ops: []lumpOp{lumpAfter(4, "A"), lumpReplace(4, 4, "R")}, want: "0123AR456789abcdef"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkLumpOps(t, tc.src, tc.ops, tc.want)
			if !tc.anyOrder {
				return
			}
			permuteLumpOps(tc.ops, func(ops []lumpOp) {
				if got := string(recordLumpOps(ops).Apply(nil, tc.src)); got != tc.want {
					t.Errorf("recorded as %v: Apply = %q, want %q", ops, got, tc.want)
				}
			})
		})
	}
}

// TestLumpsModel replays every order of a few edit sets that collide at and
// around the same offsets, including the documented order-dependent ones,
// against the reference model.
func TestLumpsModel(t *testing.T) {
	sets := [][]lumpOp{
		{lumpAfter(4, "A"), lumpBefore(4, "B"), lumpReplace(4, 8, "R"), lumpDelete(2, 6), lumpAfter(8, "C")},
		{lumpReplace(2, 6, "A"), lumpReplace(4, 10, "B"), lumpBefore(6, "C"), lumpAfter(10, "D"), lumpDelete(10, 12)},
		{lumpAfter(0, "A"), lumpDelete(0, 16), lumpBefore(16, "B"), lumpReplace(0, 3, "C"), lumpAfter(3, "D")},
		{lumpBefore(5, "A"), lumpBefore(5, "B"), lumpAfter(5, "C"), lumpAfter(5, "D"), lumpDelete(3, 7), lumpDelete(5, 9)},
		{lumpDelete(1, 15), lumpReplace(7, 9, "A"), lumpAfter(1, "B"), lumpBefore(15, "C"), lumpReplace(15, 20, "D")},
	}
	for _, set := range sets {
		permuteLumpOps(set, func(ops []lumpOp) {
			l := recordLumpOps(ops)
			got := string(l.Apply(nil, lumpSrc))
			if want := lumpModelApply(lumpSrc, ops); got != want {
				t.Errorf("recorded as %v: Apply = %q, model %q", ops, got, want)
			}
			if l.Size(lumpSrc) != len(got) {
				t.Errorf("recorded as %v: Size = %d, len(Apply) = %d", ops, l.Size(lumpSrc), len(got))
			}
		})
	}
}

func TestLumpsZeroValueAndReset(t *testing.T) {
	var l Lumps
	if l.Len() != 0 || l.Size(lumpSrc) != len(lumpSrc) || string(l.Apply(nil, lumpSrc)) != lumpSrc {
		t.Fatalf("zero value is not the identity")
	}
	l.Replace(0, 4, "X")
	l.InsertAfter(16, "Y")
	if l.Len() != 2 {
		t.Fatalf("Len = %d, want 2", l.Len())
	}
	c := cap(l.edits)
	l.Reset()
	if l.Len() != 0 || string(l.Apply(nil, lumpSrc)) != lumpSrc {
		t.Errorf("after Reset: Len = %d, Apply = %q", l.Len(), l.Apply(nil, lumpSrc))
	}
	if cap(l.edits) != c {
		t.Errorf("Reset dropped capacity: %d, was %d", cap(l.edits), c)
	}
	allocs := testing.AllocsPerRun(100, func() {
		l.Reset()
		l.InsertAfter(0, "A")
	})
	if allocs != 0 {
		t.Errorf("recording after Reset allocates %v times", allocs)
	}
}

func TestLumpsClone(t *testing.T) {
	var l Lumps
	l.Replace(4, 8, "R")
	l.InsertAfter(0, "<")
	c := l.Clone()
	c.InsertBefore(0, "V")
	c.Delete(10, 12)
	l.InsertAfter(16, ">")
	if got, want := string(l.Apply(nil, lumpSrc)), "<0123R89abcdef>"; got != want {
		t.Errorf("original = %q, want %q", got, want)
	}
	if got, want := string(c.Apply(nil, lumpSrc)), "V<0123R89cdef"; got != want {
		t.Errorf("clone = %q, want %q", got, want)
	}
	var empty Lumps
	if e := empty.Clone(); e.Len() != 0 {
		t.Errorf("clone of empty has %d edits", e.Len())
	}
}

func TestLumpsApplyAllocs(t *testing.T) {
	src := strings.Repeat("x", 512)
	var l Lumps
	for i := range 8 {
		if i%2 == 0 {
			l.Replace(i*60, i*60+10, "replaced")
		} else {
			l.InsertBefore(i*60, "inserted")
		}
	}
	dst := make([]byte, 0, 1024)
	allocs := testing.AllocsPerRun(100, func() {
		dst = l.Apply(dst[:0], src)
		_ = l.Size(src)
	})
	if allocs != 0 {
		t.Errorf("Apply with 8 edits allocates %v times", allocs)
	}
}

// lumpBenchSource is about 1 KB, the size of a typical INVITE with SDP.
var lumpBenchSource = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
	"Max-Forwards: 70\r\n" +
	"To: Bob <sip:bob@biloxi.example.com>\r\n" +
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
	"CSeq: 314159 INVITE\r\n" +
	"Contact: <sip:alice@pc33.atlanta.example.com>\r\n" +
	"User-Agent: switchboard-bench/1.0\r\n" +
	"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO\r\n" +
	"Supported: replaces, timer\r\n" +
	"Content-Type: application/sdp\r\n" +
	"Content-Length: 420\r\n" +
	"\r\n" +
	strings.Repeat("a=rtpmap:0 PCMU/8000 and some more SDP\r\n", 14)

func BenchmarkLumpsApply(b *testing.B) {
	src := lumpBenchSource
	// What a proxy typically does: rewrite a header in the middle, add its
	// own Via in front of the first one, and drop a line near the end.
	contact := strings.Index(src, "<sip:alice@pc33")
	via := strings.Index(src, "Via:")
	var l Lumps
	l.Replace(contact, contact+len("<sip:alice@pc33.atlanta.example.com>"), "<sip:alice@192.0.2.7:5060>")
	l.InsertBefore(via, "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnashds8\r\n")
	l.Delete(len(src)-80, len(src)-40)
	dst := make([]byte, 0, 2048)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		dst = l.Apply(dst[:0], src)
	}
}

// BenchmarkLumpsRecord is the per-message cost of recording a few edits into
// a reused Lumps.
func BenchmarkLumpsRecord(b *testing.B) {
	var l Lumps
	b.ReportAllocs()
	for b.Loop() {
		l.Reset()
		l.InsertAfter(300, "c")
		l.Replace(100, 110, "a")
		l.InsertBefore(0, "b")
		l.Delete(900, 950)
	}
}
