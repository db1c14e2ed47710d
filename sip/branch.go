package sip

import (
	"crypto/rand"
	"encoding/hex"
	"hash/fnv"
	"strconv"
)

// NewBranch returns a fresh RFC 3261 branch: the magic cookie and 16 random
// bytes, unique across space and time as §8.1.1.7 asks.
func NewBranch() string {
	var b [16]byte
	rand.Read(b[:])
	return BranchMagicCookie + hex.EncodeToString(b[:])
}

// StatelessBranch returns the branch a stateless proxy puts in its Via
// for m (RFC 3261 §16.11): derived from what identifies the request, so a
// retransmission gets the same branch, while a different request, or the
// same request forwarded to another destination, gets another. A CANCEL
// (and the ACK of a non-2xx final reply) gets the branch of the INVITE it
// goes with, as the RFC asks: the method is left out of the hash.
func StatelessBranch(m *Msg, dst string) string {
	h := fnv.New128a()
	write := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	if via, err := m.Via(); err == nil {
		if via.HasRFC3261Branch() {
			write(via.Branch)
		} else {
			// RFC 2543 requests: the parts that identify the transaction.
			write(via.Host)
			write(strconv.Itoa(via.Port))
		}
	}
	write(m.NewRequestURI())
	callID, _ := m.CallID()
	write(callID)
	if from, err := m.From(); err == nil {
		write(from.Tag())
	}
	if cs, err := m.CSeq(); err == nil {
		write(strconv.FormatUint(uint64(cs.Seq), 10))
	}
	write(dst)
	var sum [16]byte
	return BranchMagicCookie + "sl" + hex.EncodeToString(h.Sum(sum[:0]))
}
