package usrloc

import (
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"time"
)

// The table keeps an AOR and all its bindings as one string (a packed
// record), not as a []Contact: one allocation per AOR instead of one per
// binding plus one per string field, and no pointer for the garbage
// collector to follow inside it. Every string field is copied into the
// record, so a binding never keeps the REGISTER it came from alive (the
// parser's values are slices of the whole received message). Decoding
// slices the record: the strings of a decoded Contact share its memory.
//
// Layout, all integers varints:
//
//	len(aor) aor count
//	per binding: ID Expires Q CSeq Flags CFlags ^Methods
//	             LastModified(unix seconds, nanoseconds)
//	             UserAgent Socket (shared: interned index+1, or 0 and the text)
//	             URI CallID Received Path Instance RegID Attr (length, text)

// packRecord encodes aor and cs as a packed record.
func packRecord(aor string, cs []Contact) string {
	n := binary.MaxVarintLen64 + len(aor) + binary.MaxVarintLen64
	for i := range cs {
		c := &cs[i]
		n += 12*binary.MaxVarintLen64 + len(c.URI) + len(c.CallID) + len(c.Received) + len(c.Path) +
			len(c.Instance) + len(c.RegID) + len(c.Attr) + 2*binary.MaxVarintLen64 + len(c.UserAgent) + len(c.Socket)
	}
	buf := packBuffers.Get().(*[]byte)
	defer packBuffers.Put(buf)
	b := slices.Grow((*buf)[:0], n)
	defer func() {
		if cap(b) <= maxPooledBuffer {
			*buf = b[:0]
		}
	}()
	b = appendString(b, aor)
	b = binary.AppendUvarint(b, uint64(len(cs)))
	for i := range cs {
		c := &cs[i]
		b = binary.AppendVarint(b, c.ID)
		b = binary.AppendVarint(b, c.Expires)
		b = binary.AppendVarint(b, int64(c.Q))
		b = binary.AppendUvarint(b, uint64(c.CSeq))
		b = binary.AppendVarint(b, int64(c.Flags))
		b = binary.AppendUvarint(b, c.CFlags)
		b = binary.AppendUvarint(b, uint64(^c.Methods))
		b = binary.AppendVarint(b, c.LastModified.Unix())
		b = binary.AppendUvarint(b, uint64(c.LastModified.Nanosecond()))
		b = appendShared(b, c.UserAgent)
		b = appendShared(b, c.Socket)
		for _, s := range [...]string{c.URI, c.CallID, c.Received, c.Path, c.Instance, c.RegID, c.Attr} {
			b = appendString(b, s)
		}
	}
	// One copy into a string of exactly the used size: the record is
	// immutable, and b (with its spare capacity) goes back to the pool.
	return string(b)
}

// packBuffers are the scratch buffers packRecord encodes into, so that a
// record costs one allocation: its string. A buffer that grew past
// maxPooledBuffer (an AOR with very many or very long bindings) is not
// kept.
var packBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

const maxPooledBuffer = 64 << 10

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendShared(b []byte, s string) []byte {
	if i, ok := shared.ref(s); ok {
		return binary.AppendUvarint(b, uint64(i)+1)
	}
	b = append(b, 0)
	return appendString(b, s)
}

// recordReader walks a packed record. Records are only ever built by
// packRecord, so a malformed one is a bug: the reader panics on it
// rather than return a half-decoded binding.
type recordReader struct {
	rec string
	off int
}

func (r *recordReader) uvarint() uint64 {
	var x uint64
	for shift := uint(0); ; shift += 7 {
		c := r.rec[r.off]
		r.off++
		if c < 0x80 {
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
	}
}

func (r *recordReader) varint() int64 {
	u := r.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (r *recordReader) str() string {
	n := int(r.uvarint())
	s := r.rec[r.off : r.off+n]
	r.off += n
	return s
}

func (r *recordReader) shared() string {
	if i := r.uvarint(); i > 0 {
		return shared.value(uint32(i - 1))
	}
	return r.str()
}

// recordAOR returns the AOR of a packed record (a slice of it) and the
// number of bindings.
func recordAOR(rec string) (aor string, n int) {
	r := recordReader{rec: rec}
	aor = r.str()
	return aor, int(r.uvarint())
}

// unpackRecord appends the bindings of a packed record to dst; with
// live set, only those not expired at now.
func unpackRecord(dst []Contact, rec string, live bool, now time.Time) []Contact {
	r := recordReader{rec: rec}
	r.str()
	n := int(r.uvarint())
	for range n {
		var c Contact
		c.ID = r.varint()
		c.Expires = r.varint()
		c.Q = int(r.varint())
		c.CSeq = uint32(r.uvarint())
		c.Flags = int(r.varint())
		c.CFlags = r.uvarint()
		c.Methods = ^uint32(r.uvarint())
		sec := r.varint()
		c.LastModified = time.Unix(sec, int64(r.uvarint()))
		if sec == zeroUnix && c.LastModified.Nanosecond() == 0 {
			c.LastModified = time.Time{}
		}
		c.UserAgent = r.shared()
		c.Socket = r.shared()
		c.URI, c.CallID, c.Received, c.Path = r.str(), r.str(), r.str(), r.str()
		c.Instance, c.RegID, c.Attr = r.str(), r.str(), r.str()
		if live && c.Expired(now) {
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// zeroUnix is time.Time{}.Unix(): a binding with no LastModified keeps
// the zero time through a round trip.
var zeroUnix = time.Time{}.Unix()

// maxShared bounds the interning table. User agents and sockets repeat
// across thousands of bindings (a few phone models, a few listening
// sockets), but a client can send any User-Agent: past this many
// distinct values, new ones are stored in the record itself, so the
// table cannot be grown without bound.
const maxShared = 4096

// interner holds the shared strings: entries are never removed, so an
// index in a record stays valid for the life of the process.
type interner struct {
	mu    sync.RWMutex
	index map[string]uint32
	vals  []string
}

var shared = &interner{index: map[string]uint32{}}

// ref returns the index of s, adding it while there is room; false when
// s is too long to be worth sharing or the table is full. "" is stored
// inline (one byte) rather than shared.
func (t *interner) ref(s string) (uint32, bool) {
	if s == "" || len(s) > 256 {
		return 0, false
	}
	t.mu.RLock()
	i, ok := t.index[s]
	t.mu.RUnlock()
	if ok {
		return i, true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if i, ok := t.index[s]; ok {
		return i, true
	}
	if len(t.vals) >= maxShared {
		return 0, false
	}
	s = strings.Clone(s) // never keep the message s may be a slice of
	i = uint32(len(t.vals))
	t.vals = append(t.vals, s)
	t.index[s] = i
	return i, true
}

func (t *interner) value(i uint32) string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.vals[i]
}
