package tm

import (
	"hash/maphash"
	"strconv"
	"strings"
	"sync"

	"switchboard/sip"
)

// shardCount is how many independently locked maps a table has, so that
// workers handling different transactions rarely wait for each other.
const shardCount = 64

var seed = maphash.MakeSeed()

// table is a sharded map from a key to a transaction or branch.
type table[V comparable] struct {
	shards [shardCount]struct {
		mu    sync.Mutex
		m     map[string]V
		total uint64 // entries ever inserted (t_hash)
	}
}

func (t *table[V]) shard(key string) int { return int(maphash.String(seed, key) % shardCount) }

func (t *table[V]) get(key string) (V, bool) {
	s := &t.shards[t.shard(key)]
	s.mu.Lock()
	v, ok := s.m[key]
	s.mu.Unlock()
	return v, ok
}

// insert adds v under key unless the key is taken; then it returns the
// value already there and false.
func (t *table[V]) insert(key string, v V) (V, bool) {
	s := &t.shards[t.shard(key)]
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[key]; ok {
		return old, false
	}
	if s.m == nil {
		s.m = map[string]V{}
	}
	s.m[key] = v
	s.total++
	return v, true
}

// remove deletes key if it still maps to v.
func (t *table[V]) remove(key string, v V) {
	s := &t.shards[t.shard(key)]
	s.mu.Lock()
	if s.m[key] == v {
		delete(s.m, key)
	}
	s.mu.Unlock()
}

// size counts the entries (tests, statistics).
func (t *table[V]) size() int {
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

// The server transactions by request key, the branches (client
// transactions) by the branch of the Via we put on them.
var (
	servers  table[*Transaction]
	branches table[*branch]
)

// requestKey identifies the server transaction of a request as RFC 3261
// §17.2.3 says: with a magic-cookie branch, the branch, the sent-by of the
// top Via and the method, an ACK going with its INVITE; without one (RFC
// 2543 peers, RFC 4475 badbranch), the Request-URI, From tag, Call-ID,
// CSeq number and the whole top Via. The To tag is left out so that the
// ACK of a non-2xx reply, whose To carries our tag, finds its INVITE.
// method overrides the request's method (CANCEL looks up its INVITE, §9.2).
func requestKey(m *sip.Msg, method string) (string, error) {
	via, err := m.Via()
	if err != nil {
		return "", err
	}
	if method == "" {
		method = m.MethodName()
		if m.Method() == sip.MethodAck {
			method = "INVITE"
		}
	}
	var b strings.Builder
	if via.HasRFC3261Branch() {
		b.Grow(len("3261\x00") + len(via.Branch) + len(via.Host) + len(":65535\x00\x00") + len(method))
		b.WriteString("3261\x00")
		b.WriteString(via.Branch)
		b.WriteByte(0)
		b.WriteString(strings.ToLower(via.Host))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(via.Port))
	} else {
		callID, err := m.CallID()
		if err != nil {
			return "", err
		}
		cseq, err := m.CSeq()
		if err != nil {
			return "", err
		}
		from, err := m.From()
		if err != nil {
			return "", err
		}
		b.WriteString("2543\x00")
		b.WriteString(m.RequestURIString())
		b.WriteByte(0)
		b.WriteString(from.Tag())
		b.WriteByte(0)
		b.WriteString(callID)
		b.WriteByte(0)
		b.WriteString(strconv.FormatUint(uint64(cseq.Seq), 10))
		b.WriteByte(0)
		b.WriteString(m.Raw()[via.Start:via.End])
	}
	b.WriteByte(0)
	b.WriteString(method)
	return b.String(), nil
}

// lookupRequest returns the server transaction a request belongs to.
func lookupRequest(m *sip.Msg) *Transaction {
	key, err := requestKey(m, "")
	if err != nil {
		return nil
	}
	tx, _ := servers.get(key)
	return tx
}

// lookupInvite returns the INVITE server transaction a CANCEL cancels
// (RFC 3261 §9.2: the same key but for the method).
func lookupInvite(m *sip.Msg) *Transaction {
	key, err := requestKey(m, "INVITE")
	if err != nil {
		return nil
	}
	tx, _ := servers.get(key)
	return tx
}
