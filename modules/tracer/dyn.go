package tracer

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"switchboard/sip"
	"switchboard/transport"
)

// Scopes of a dynamic trace, as trace_start's scope letters.
const (
	scopeMessage     = 'm'
	scopeTransaction = 't'
	scopeDialog      = 'd'
)

// How long a matched call stays traced after its last message: a
// transaction outlives Timer C's three minutes at most; a dialog has no
// bound of its own, so an idle one is dropped after an hour, and an
// ended one (BYE answered, INVITE refused) after Timer B's 32 s.
const (
	transactionIdle = 3 * time.Minute
	dialogIdle      = time.Hour
	endedLinger     = 32 * time.Second
)

// maxEngaged bounds the calls one trace follows at once; past it, a
// matching request is still traced but its call is not followed.
const maxEngaged = 10000

// filterKind is a trace_start filter's condition.
type filterKind uint8

const (
	filterCaller filterKind = iota // the From URI
	filterCallee                   // the Request-URI
	filterIP                       // the source address of the request
)

var filterNames = [...]string{"caller", "callee", "ip"}

type filter struct {
	kind  filterKind
	match string     // user or user@host for caller and callee
	ip    netip.Addr // for ip
}

// parseFilter reads "caller=alice", "callee=bob@example.com",
// "ip=127.0.0.1" (the condition is case-insensitive, as OpenSIPS's).
func parseFilter(s string) (filter, error) {
	name, value, ok := strings.Cut(s, "=")
	if !ok || value == "" {
		return filter{}, fmt.Errorf("filter %q is not condition=value", s)
	}
	for kind, n := range filterNames {
		if !strings.EqualFold(name, n) {
			continue
		}
		f := filter{kind: filterKind(kind), match: value}
		if f.kind == filterIP {
			ip, err := netip.ParseAddr(value)
			if err != nil {
				return filter{}, fmt.Errorf("filter %q: not an IP address", s)
			}
			f.ip = ip.Unmap()
		}
		return f, nil
	}
	return filter{}, fmt.Errorf("unknown filter %q: caller=, callee= or ip=", s)
}

// uriMatches is OpenSIPS's dyn_tracing_uri_match: match is the URI's
// user, or its user@host, exactly.
func uriMatches(match string, u *sip.URI) bool {
	if match == u.User {
		return true
	}
	user, host, ok := strings.Cut(match, "@")
	return ok && user == u.User && host == u.Host
}

func (f *filter) matches(ev *transport.Traced, m *sip.Msg) bool {
	switch f.kind {
	case filterCaller:
		from, err := m.From()
		return err == nil && uriMatches(f.match, &from.URI)
	case filterCallee:
		ruri, err := m.RequestURI()
		return err == nil && uriMatches(f.match, ruri)
	default:
		return ev.Remote.Addr().Unmap() == f.ip
	}
}

// dynTrace is one trace_start: a destination, filters, and the calls
// it follows (by Call-ID, and CSeq number below dialog scope).
type dynTrace struct {
	id      string
	uri     string // as given
	scope   byte
	filters []filter
	dest    *hepDest

	mu      sync.Mutex
	engaged map[string]time.Time // key -> when it stops being traced
}

func (d *dynTrace) key(info *msgInfo) string {
	if d.scope == scopeDialog {
		return info.callID
	}
	return info.callID + "\x00" + strconv.FormatUint(uint64(info.seq), 10)
}

func (d *dynTrace) idle() time.Duration {
	if d.scope == scopeDialog {
		return dialogIdle
	}
	return transactionIdle
}

// wants decides whether a message is traced: it belongs to a call the
// trace follows, or it is a received request that passes every filter
// (for dialog scope, an initial INVITE), which starts following its call.
func (d *dynTrace) wants(ev *transport.Traced, m *sip.Msg, info *msgInfo, now time.Time) bool {
	key := d.key(info)
	d.mu.Lock()
	defer d.mu.Unlock()
	if until, ok := d.engaged[key]; ok {
		if now.Before(until) {
			d.engaged[key] = d.extend(m, info, now)
			return true
		}
		delete(d.engaged, key)
	}
	if ev.Sent || !m.IsRequest() {
		return false
	}
	if d.scope == scopeDialog && !info.initial {
		return false
	}
	for i := range d.filters {
		if !d.filters[i].matches(ev, m) {
			return false
		}
	}
	if len(d.engaged) >= maxEngaged {
		d.sweep(now)
	}
	if len(d.engaged) < maxEngaged {
		d.engaged[key] = now.Add(d.idle())
	}
	return true
}

// extend returns the new end of a followed call after message m.
func (d *dynTrace) extend(m *sip.Msg, info *msgInfo, now time.Time) time.Time {
	if d.scope == scopeDialog && !m.IsRequest() && m.StatusCode() >= 200 &&
		(info.method == "BYE" || (info.method == "INVITE" && m.StatusCode() >= 300)) {
		return now.Add(endedLinger)
	}
	return now.Add(d.idle())
}

func (d *dynTrace) sweep(now time.Time) {
	for k, until := range d.engaged {
		if !now.Before(until) {
			delete(d.engaged, k)
		}
	}
}
