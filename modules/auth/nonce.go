package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash"
	"sync"
	"time"
)

// qopSet is the set of qop options a challenge offered, kept in the nonce
// so that a client cannot answer with one the server did not offer.
type qopSet uint8

const (
	qopAuth qopSet = 1 << iota
	qopAuthInt
)

// A nonce is base64url text of:
//
//	version(1) meta(1: algorithm in bits 0-2, qop set in bits 3-4)
//	instance(4) index(8) expires(8: unix seconds) mac(16)
//
// mac is HMAC-SHA256 of everything before it under the secret, truncated
// to 128 bits. The nonce thus carries all the server needs to check it:
// nothing is stored when a challenge is sent. The instance is random per
// process: an index means something only to the process that issued it.
const (
	nonceVersion = 1
	noncePayload = 1 + 1 + 4 + 8 + 8
	nonceMACLen  = 16
	nonceRawLen  = noncePayload + nonceMACLen
)

// nonceEncoding is strict: the last character of a nonce carries unused
// low bits, and a lenient decoder would accept several spellings of one
// nonce. Each nonce has exactly one.
var nonceEncoding = base64.RawURLEncoding.Strict()

// nonceTextLen is the length of every nonce this module writes (unpadded
// base64: 4 characters per 3 bytes, rounded up); anything else is refused
// before decoding.
const nonceTextLen = (nonceRawLen*8 + 5) / 6

// nonceFields is what a nonce says once its MAC has been checked.
type nonceFields struct {
	alg      Algorithm
	qop      qopSet
	instance uint32
	index    uint64
	expires  int64
}

// Errors of nonce checks. They all mean "challenge again": the caller
// treats them alike (OpenSIPS's STALE_NONCE).
var (
	errNonceInvalid = errors.New("auth: nonce not issued here")
	errNonceExpired = errors.New("auth: nonce expired")
	errNonceUsed    = errors.New("auth: nonce or nonce-count already used")
)

// nonceKeeper issues and checks nonces. now is the clock, injectable for
// tests.
type nonceKeeper struct {
	secret   string // the secret modparam, "" for a random key
	key      []byte
	instance uint32
	expire   time.Duration
	now      func() time.Time
	// used remembers which indexes were used, with which nonce-count;
	// nil when disable_nonce_check is set.
	used *replayWindow
	// macs are keyed HMACs to reuse: making one hashes the key and
	// allocates a dozen objects, and every challenge and answer needs one.
	macs sync.Pool
}

// macState is a keyed HMAC and room for its sum.
type macState struct {
	h   hash.Hash
	sum [sha256.Size]byte
}

// newNonceKeeper makes a keeper with secret as the HMAC key; an empty
// secret means a random one, which is right for a single instance and
// wrong for several that must accept each other's nonces.
func newNonceKeeper(secret string, expire time.Duration, checkReplay bool, now func() time.Time) *nonceKeeper {
	k := &nonceKeeper{secret: secret, key: []byte(secret), expire: expire, now: now}
	if secret == "" {
		k.key = make([]byte, 32)
		rand.Read(k.key)
	}
	k.macs.New = func() any { return &macState{h: hmac.New(sha256.New, k.key)} }
	var inst [4]byte
	rand.Read(inst[:])
	k.instance = binary.BigEndian.Uint32(inst[:])
	if checkReplay {
		k.used = newReplayWindow(expire)
	}
	return k
}

// reserve takes a fresh index for one challenge; every nonce of that
// challenge (one per algorithm) carries it, so that answering one of them
// uses them all up, as in OpenSIPS.
func (k *nonceKeeper) reserve() uint64 {
	if k.used == nil {
		return 0
	}
	return k.used.reserve(k.now())
}

// issue makes the nonce for one challenge header.
func (k *nonceKeeper) issue(index uint64, alg Algorithm, qop qopSet) string {
	var raw [nonceRawLen]byte
	raw[0] = nonceVersion
	raw[1] = byte(alg) | byte(qop)<<3
	binary.BigEndian.PutUint32(raw[2:], k.instance)
	binary.BigEndian.PutUint64(raw[6:], index)
	binary.BigEndian.PutUint64(raw[14:], uint64(k.now().Add(k.expire).Unix()))
	k.mac(raw[noncePayload:], raw[:noncePayload])
	return nonceEncoding.EncodeToString(raw[:])
}

// mac writes the truncated HMAC of payload into out.
func (k *nonceKeeper) mac(out, payload []byte) {
	m := k.macs.Get().(*macState)
	m.h.Reset()
	m.h.Write(payload)
	copy(out[:nonceMACLen], m.h.Sum(m.sum[:0]))
	k.macs.Put(m)
}

// decode checks that text is a nonce this keeper's secret made and
// returns its fields; expiry and reuse are checked by check.
func (k *nonceKeeper) decode(text string) (nonceFields, error) {
	var raw [nonceRawLen]byte
	var in [nonceTextLen]byte
	if len(text) != nonceTextLen {
		return nonceFields{}, errNonceInvalid
	}
	copy(in[:], text)
	if n, err := nonceEncoding.Decode(raw[:], in[:]); err != nil || n != nonceRawLen {
		return nonceFields{}, errNonceInvalid
	}
	// The MAC is checked before any field is believed, in constant time
	// so that a forger learns nothing from timing.
	var want [nonceMACLen]byte
	k.mac(want[:], raw[:noncePayload])
	if !hmac.Equal(raw[noncePayload:], want[:]) || raw[0] != nonceVersion {
		return nonceFields{}, errNonceInvalid
	}
	f := nonceFields{
		alg:      Algorithm(raw[1] & 7),
		qop:      qopSet(raw[1] >> 3 & 3),
		instance: binary.BigEndian.Uint32(raw[2:]),
		index:    binary.BigEndian.Uint64(raw[6:]),
		expires:  int64(binary.BigEndian.Uint64(raw[14:])),
	}
	if f.alg >= algorithmCount || raw[1]>>5 != 0 {
		return nonceFields{}, errNonceInvalid
	}
	return f, nil
}

// check decodes text and refuses it when it has expired or, with replay
// protection on, when it was issued by another process or its index has
// already been used with a nonce-count of nc or more. nc is 0 when the
// client sent no qop: such a nonce can be used once only.
func (k *nonceKeeper) check(text string, nc uint32) (nonceFields, error) {
	f, err := k.decode(text)
	if err != nil {
		return f, err
	}
	if k.now().Unix() >= f.expires {
		return f, errNonceExpired
	}
	if k.used == nil {
		return f, nil
	}
	if f.instance != k.instance {
		return f, errNonceInvalid
	}
	if !k.used.usable(f.index, nc) {
		return f, errNonceUsed
	}
	return f, nil
}

// commit records that the nonce of f was used with nc, once the response
// has proved the client knows the password. It fails when another request
// got there first with the same or a higher count: only one of two
// identical requests racing through different workers is accepted.
func (k *nonceKeeper) commit(f nonceFields, nc uint32) error {
	if k.used == nil || k.used.use(f.index, nc) {
		return nil
	}
	return errNonceUsed
}
