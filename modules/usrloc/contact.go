package usrloc

import (
	"slices"
	"strings"
	"time"

	"switchboard/sip"
)

// QUnspecified is the q of a contact that registered without a q
// parameter (and no default_q): it sorts after every explicit q, and the
// 200 OK does not invent one.
const QUnspecified = -1

// AllMethods is the method mask of a contact that did not say which
// methods it accepts (no Allow header): it takes everything.
const AllMethods = ^uint32(0)

// Contact flags (the location table's flags column).
const (
	// FlagMemOnly marks a contact saved with save()'s memory-only flag:
	// it is never written to the database, whatever db_mode says.
	FlagMemOnly = 1 << iota
)

// Contact is one binding of an address-of-record (RFC 3261 §10.2.1).
// Values are copied in and out of the table: a Contact a caller holds is
// never changed by another goroutine.
type Contact struct {
	// ID is the location table's contact_id. usrloc assigns it from the
	// AOR and the binding's identity, so it is stable across restarts.
	ID  int64
	URI string
	// Expires is the absolute expiry (unix seconds); 0 never expires.
	Expires   int64
	Q         int // thousandths, or QUnspecified
	CallID    string
	CSeq      uint32
	Flags     int    // FlagMemOnly...
	CFlags    uint64 // branch flags (engine.BranchFlags bits) the binding carries to lookup
	UserAgent string
	Received  string // source of the REGISTER as a SIP URI, when behind NAT
	Path      string // the Path header values, comma separated (RFC 3327)
	Socket    string // the local socket it registered through, "proto:ip:port"
	Methods   uint32 // bit 1<<sip.Method per accepted method
	Instance  string // +sip.instance (RFC 5626), unquoted
	RegID     string // reg-id (RFC 5626)
	Attr      string
	// LastModified is when the binding was last written by a REGISTER.
	LastModified time.Time
}

// ExpiresIn returns the seconds left at now (0 for a permanent contact,
// at least 1 for a live one so a 200 OK never shows expires=0 for a
// binding that still exists).
func (c *Contact) ExpiresIn(now time.Time) int64 {
	if c.Expires == 0 {
		return 0
	}
	left := c.Expires - now.Unix()
	if left < 1 {
		left = 1
	}
	return left
}

// Expired reports whether the binding is gone at now.
func (c *Contact) Expired(now time.Time) bool {
	return c.Expires != 0 && c.Expires <= now.Unix()
}

// Allows reports whether the contact accepts method m (lookup's
// method-filtering). Methods the mask cannot name are let through.
func (c *Contact) Allows(m sip.Method) bool {
	if m == sip.MethodOther || m >= 32 {
		return true
	}
	return c.Methods&(1<<m) != 0
}

// MethodMask turns an Allow header value into a mask; "" (no Allow) is
// AllMethods.
func MethodMask(allow string) uint32 {
	if strings.TrimSpace(allow) == "" {
		return AllMethods
	}
	var mask uint32
	for name := range strings.SplitSeq(allow, ",") {
		m := sip.LookupMethod(strings.TrimSpace(name))
		if m != sip.MethodOther && m < 32 {
			mask |= 1 << m
		}
	}
	return mask
}

// Record is an address-of-record with its bindings.
type Record struct {
	AOR      string
	Contacts []Contact
}

// SortContacts orders contacts as lookup forks to them: by q, highest
// first, then oldest registration first (stable); with descTime the
// newest registration comes first regardless of q (usrloc's
// desc_time_order).
func SortContacts(cs []Contact, descTime bool) {
	slices.SortStableFunc(cs, func(a, b Contact) int {
		if descTime {
			return b.LastModified.Compare(a.LastModified)
		}
		if a.Q != b.Q {
			return b.Q - a.Q
		}
		return a.LastModified.Compare(b.LastModified)
	})
}
