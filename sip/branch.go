package sip

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
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
	// The parts, each ended by a NUL, hashed in one go: a hash object fed
	// part by part cost an allocation per part on every forwarded request.
	var stack [512]byte
	in := stack[:0]
	if via, err := m.Via(); err == nil {
		if via.HasRFC3261Branch() {
			in = append(append(in, via.Branch...), 0)
		} else {
			// RFC 2543 requests: the parts that identify the transaction.
			in = append(append(in, via.Host...), 0)
			in = append(strconv.AppendInt(in, int64(via.Port), 10), 0)
		}
	}
	in = append(append(in, m.NewRequestURI()...), 0)
	callID, _ := m.CallID()
	in = append(append(in, callID...), 0)
	if from, err := m.From(); err == nil {
		in = append(append(in, from.Tag()...), 0)
	}
	if cs, err := m.CSeq(); err == nil {
		in = append(strconv.AppendUint(in, uint64(cs.Seq), 10), 0)
	}
	in = append(append(in, dst...), 0)
	sum := md5.Sum(in) // a digest of the request's identity, not a secret
	var out [len(BranchMagicCookie) + 2 + 2*md5.Size]byte
	b := append(append(out[:0], BranchMagicCookie...), "sl"...)
	return string(hex.AppendEncode(b, sum[:]))
}
