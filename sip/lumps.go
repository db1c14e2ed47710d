package sip

import "slices"

// Lumps records edits against an original text and applies them in one pass
// when the text is written out; it is the counterpart of OpenSIPS's data_lump.
// A proxy forwards the bytes it received except what the script changed, so a
// change is kept as an edit at offsets of the original message rather than as
// a rewritten header: untouched bytes (signatures, compact forms, header
// order) go out exactly as they came in.
//
// Apply gives the same output whatever order the edits were recorded in,
// except where rule 2 says otherwise:
//
//  1. The output is the source with the union of all deleted ranges removed
//     and each inserted text placed at its offset.
//  2. Texts inserted at one offset form a sequence: InsertAfter appends to it
//     and InsertBefore prepends, so the later of two InsertAfter calls comes
//     second and the later of two InsertBefore calls comes first. Replace puts
//     its text at its start as InsertAfter does.
//  3. A text whose offset is strictly inside a deleted range (start < off <
//     end) is dropped: what was added inside something that another part of
//     the script removed goes with it. A text exactly at a range's start or
//     end is kept, so a Replace's own text survives unless its start is
//     strictly inside another deleted range.
//  4. Deleted ranges may overlap or nest; what is removed is their union.
//
// Offsets are not checked when an edit is recorded, because only Apply knows
// the source; an edit that does not fit it (an offset below 0 or beyond
// len(src), or start > end) is ignored by Size and Apply, text included. Apply
// runs on data paths fed by the network, and a bad offset there must cost an
// edit, never the process. A zero-length Delete is not recorded at all.
//
// The zero value is ready to use. Size and Apply do not modify the Lumps, so
// several goroutines may write out the same edited message at once; recording
// needs exclusive access.
type Lumps struct {
	// edits is kept sorted by start and, within one start, in output order,
	// so that rule 2 is settled when an edit is recorded and Size and Apply
	// need neither sequence numbers nor a sort (nor a write) of their own.
	// Scripts mostly edit front to back, which makes the sorted insert an
	// append in the common case.
	edits []edit
}

// edit removes original bytes [start,end) and puts text at start; a plain
// insert has start == end.
type edit struct {
	start, end int
	text       string
}

// InsertBefore puts text at off, before any text already inserted there.
func (l *Lumps) InsertBefore(off int, text string) {
	l.record(l.search(off, false), edit{off, off, text})
}

// InsertAfter puts text at off, after any text already inserted there.
func (l *Lumps) InsertAfter(off int, text string) {
	l.record(l.search(off, true), edit{off, off, text})
}

// Delete removes the original bytes [start,end). Deleting an empty range does
// nothing and records nothing.
func (l *Lumps) Delete(start, end int) {
	if start == end {
		return
	}
	l.record(l.search(start, true), edit{start, end, ""})
}

// Replace removes the original bytes [start,end) and puts text at start, after
// any text already inserted there (as InsertAfter would).
func (l *Lumps) Replace(start, end int, text string) {
	l.record(l.search(start, true), edit{start, end, text})
}

// Len returns the number of recorded edits.
func (l *Lumps) Len() int { return len(l.edits) }

// Reset forgets all edits and keeps the memory for the next message.
func (l *Lumps) Reset() {
	clear(l.edits) // drop references to the texts so they can be collected
	l.edits = l.edits[:0]
}

// Clone returns an independent copy. tm clones a request's edits once per
// branch and then adds the branch's own Via, so the copy has room for a couple
// more edits and that first addition does not allocate again.
func (l *Lumps) Clone() Lumps {
	if len(l.edits) == 0 {
		return Lumps{}
	}
	edits := make([]edit, len(l.edits), len(l.edits)+2)
	copy(edits, l.edits)
	return Lumps{edits: edits}
}

// search returns the index where an edit starting at off goes: after the
// edits already at off when last is set, before them otherwise.
func (l *Lumps) search(off int, last bool) int {
	n := len(l.edits)
	if last && (n == 0 || l.edits[n-1].start <= off) {
		return n // the common case: edits recorded front to back
	}
	lo, hi := 0, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s := l.edits[mid].start; s < off || last && s == off {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

func (l *Lumps) record(i int, e edit) {
	l.edits = slices.Insert(l.edits, i, e)
}

// fits reports whether e can be applied to a source of n bytes.
func (e *edit) fits(n int) bool {
	return 0 <= e.start && e.start <= e.end && e.end <= n
}

// Size returns the exact length of what Apply appends for src.
func (l *Lumps) Size(src string) int {
	// The same walk as Apply, counting instead of copying; the tests hold
	// the two to each other.
	size := 0
	pos := 0       // original bytes before pos are accounted for
	deletedTo := 0 // end of the deleted ranges seen so far
	group := -1    // start offset of the edits being walked
	inside := false
	for i := range l.edits {
		e := &l.edits[i]
		if !e.fits(len(src)) {
			continue
		}
		if e.start != group {
			group = e.start
			pos = max(pos, deletedTo)
			if e.start > pos {
				size += e.start - pos
				pos = e.start
			}
			inside = pos > e.start
		}
		if !inside {
			size += len(e.text)
		}
		deletedTo = max(deletedTo, e.end)
	}
	pos = max(pos, deletedTo)
	return size + len(src) - pos
}

// Apply appends src with the edits applied to dst and returns the extended
// slice. It grows dst once, to the exact size, and allocates nothing else.
func (l *Lumps) Apply(dst []byte, src string) []byte {
	if len(l.edits) == 0 {
		return append(dst, src...)
	}
	dst = slices.Grow(dst, l.Size(src))
	// Edits are walked in groups of equal start. Entering a group, first the
	// original bytes up to it are copied, skipping what earlier groups
	// deleted. A group's texts are dropped when an earlier group's range
	// runs past its offset (rule 3); its own ranges take effect only when
	// the walk moves on, because a range does not swallow texts at its own
	// start.
	pos := 0       // original bytes before pos are copied or deleted
	deletedTo := 0 // end of the deleted ranges seen so far
	group := -1    // start offset of the edits being walked
	inside := false
	for i := range l.edits {
		e := &l.edits[i]
		if !e.fits(len(src)) {
			continue
		}
		if e.start != group {
			group = e.start
			pos = max(pos, deletedTo)
			if e.start > pos {
				dst = append(dst, src[pos:e.start]...)
				pos = e.start
			}
			inside = pos > e.start
		}
		if !inside {
			dst = append(dst, e.text...)
		}
		deletedTo = max(deletedTo, e.end)
	}
	pos = max(pos, deletedTo)
	return append(dst, src[pos:]...)
}
