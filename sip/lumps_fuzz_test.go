package sip

import (
	"strconv"
	"testing"
)

// FuzzLumps records a sequence of edits decoded from program against src and
// holds Apply to the reference model, Size to Apply, and Reset and Clone to
// their contracts.
//
// program is read six bytes per step: kind, two bytes of start, two bytes of
// end, flags. Offsets are spread over [-4, len(src)+4] so that edits just
// outside the source occur as often as the edges inside it; with flag 2 the
// end is start plus a small length (-1 to 6) instead, since two independent
// offsets are reversed half the time and would mostly test the ignore path.
// Texts are numbered so that any misordering shows in the output.
func FuzzLumps(f *testing.F) {
	f.Add("", []byte{})
	f.Add(lumpSrc, []byte{})
	f.Add(lumpSrc, []byte{4, 0, 0, 0, 0, 0})
	f.Add(lumpSrc, []byte{
		11, 9, 0, 14, 0, 0, // Replace [5,10)
		11, 12, 0, 16, 0, 0, // Replace [8,12)
	})
	f.Add(lumpSrc, []byte{
		8, 6, 0, 4, 0, 2, // Delete [2,5)
		4, 8, 0, 0, 0, 0, // InsertAfter 4
		0, 6, 0, 0, 0, 0, // InsertBefore 2
		14, 0, 0, 0, 0, 0, // Clone
		0, 6, 0, 0, 0, 1, // InsertBefore 2, empty text
	})
	f.Add("INVITE sip:a@b SIP/2.0\r\nVia: x\r\n\r\n", []byte{
		0, 28, 0, 0, 0, 0, // InsertBefore 24, the first header
		13, 32, 0, 37, 0, 0, // Replace [28,33)
		15, 0, 0, 0, 0, 0, // Reset
		8, 4, 0, 3, 0, 2, // Delete [0,2)
	})
	f.Fuzz(func(t *testing.T, src string, program []byte) {
		const maxSteps = 64
		if len(src) > 4096 {
			src = src[:4096]
		}
		span := len(src) + 9
		var l Lumps
		var ops []lumpOp
		for i := 0; i+6 <= len(program) && i < 6*maxSteps; i += 6 {
			step := program[i : i+6]
			start := (int(step[1])|int(step[2])<<8)%span - 4
			end := (int(step[3])|int(step[4])<<8)%span - 4
			if step[5]&2 != 0 {
				end = start + int(step[3]%8) - 1
			}
			text := "<" + strconv.Itoa(i/6) + ">"
			if step[5]&1 != 0 {
				text = ""
			}
			var op lumpOp
			switch k := step[0] % 16; {
			case k < 4:
				op = lumpBefore(start, text)
			case k < 8:
				op = lumpAfter(start, text)
			case k < 11:
				op = lumpDelete(start, end)
			case k < 14:
				op = lumpReplace(start, end, text)
			case k == 14:
				// Carry on with a copy: it must behave as the original.
				l = l.Clone()
				continue
			default:
				l.Reset()
				ops = ops[:0]
				continue
			}
			op.record(&l)
			ops = append(ops, op)
		}

		want := lumpModelApply(src, ops)
		got := l.Apply([]byte("pre"), src)
		if string(got) != "pre"+want {
			t.Fatalf("Apply = %q, model %q\nsource %q\nedits %v", got[3:], want, src, ops)
		}
		if size := l.Size(src); size != len(got)-3 {
			t.Fatalf("Size = %d, len(Apply) = %d", size, len(got)-3)
		}
		if l.Len() != lumpModelLen(ops) {
			t.Fatalf("Len = %d, want %d", l.Len(), lumpModelLen(ops))
		}

		// Editing a clone leaves the original alone. The end of the source
		// is never strictly inside a range, so the mark always shows last.
		c := l.Clone()
		c.InsertAfter(len(src), "|clone")
		if got := string(c.Apply(nil, src)); got != want+"|clone" {
			t.Fatalf("clone Apply = %q, want %q", got, want+"|clone")
		}
		if got := string(l.Apply(nil, src)); got != want {
			t.Fatalf("original changed by its clone: %q, want %q", got, want)
		}

		// Round trip: no edits give the source back.
		l.Reset()
		if got := string(l.Apply(nil, src)); got != src || l.Size(src) != len(src) || l.Len() != 0 {
			t.Fatalf("after Reset: Apply = %q, Size = %d, Len = %d", got, l.Size(src), l.Len())
		}
	})
}
