package tm

import (
	"errors"
	"strconv"
	"strings"
)

// A transaction's identifier, as $T_id prints it and the MI command
// t_reply takes it, is OpenSIPS's "label.hash": the transaction's number
// and the index of its hash table entry (here the shard of the servers
// table), each in hexadecimal with the least significant digit first.
// t_reply also takes the older "hash:label" form, in decimal.

// transID returns tx's identifier.
func transID(tx *Transaction) string {
	b := make([]byte, 0, 24)
	b = appendReverseHex(b, tx.id)
	b = append(b, '.')
	b = appendReverseHex(b, uint64(servers.shard(tx.key)))
	return string(b)
}

func appendReverseHex(b []byte, n uint64) []byte {
	if n == 0 {
		return append(b, '0')
	}
	for ; n != 0; n >>= 4 {
		b = append(b, "0123456789abcdef"[n&0xf])
	}
	return b
}

// parseTransID reads an identifier in either form.
func parseTransID(s string) (hash int, label uint64, err error) {
	if h, l, ok := strings.Cut(s, ":"); ok {
		hv, err1 := strconv.ParseUint(h, 10, 32)
		lv, err2 := strconv.ParseUint(l, 10, 64)
		if err1 != nil || err2 != nil {
			return 0, 0, errors.New("invalid index in old trans_id")
		}
		return int(hv), lv, nil
	}
	l, h, ok := strings.Cut(s, ".")
	if !ok {
		return 0, 0, errors.New("invalid trans_id")
	}
	lv, ok1 := parseReverseHex(l)
	hv, ok2 := parseReverseHex(h)
	if !ok1 || !ok2 {
		return 0, 0, errors.New("invalid label in trans_id")
	}
	return int(min(hv, 1<<31)), lv, nil
}

func parseReverseHex(s string) (uint64, bool) {
	if s == "" || len(s) > 16 {
		return 0, false
	}
	var n uint64
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		n = n<<4 | uint64(d)
	}
	return n, true
}

// values returns the values in one shard, for a scan that locks each
// of them afterwards (the lock order forbids it under the shard lock).
func (t *table[V]) values(shard int) []V {
	s := &t.shards[shard]
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]V, 0, len(s.m))
	for _, v := range s.m {
		out = append(out, v)
	}
	return out
}

// shardStats returns the entries now and ever inserted of one shard.
func (t *table[V]) shardStats(shard int) (current int, total uint64) {
	s := &t.shards[shard]
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m), s.total
}

// lookupTransID finds a transaction by its identifier.
func lookupTransID(hash int, label uint64) *Transaction {
	if hash < 0 || hash >= shardCount {
		return nil
	}
	for _, tx := range servers.values(hash) {
		if tx.id == label {
			return tx
		}
	}
	return nil
}
