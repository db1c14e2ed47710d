package transport

import (
	"net/netip"
	"sync/atomic"
)

// Traced is one SIP message seen by the tap: received by the core or
// written by the send path. Data is only valid during the call.
type Traced struct {
	Sent   bool // written by us; else received
	Proto  Proto
	Local  netip.AddrPort // our side
	Remote netip.AddrPort // the peer
	Data   []byte
}

// Tap sees messages while it is set: the tracer module sets one while a
// trace is running. It runs on the receive and send paths, so it must be
// quick and must not keep Data.
type Tap func(*Traced)

// tap is nil unless something traces: the paths pay one atomic load.
var tap atomic.Pointer[Tap]

// SetTap installs t, or removes the tap when t is nil.
func SetTap(t Tap) {
	if t == nil {
		tap.Store(nil)
		return
	}
	tap.Store(&t)
}

// CurrentTap returns the tap, nil when none is set.
func CurrentTap() Tap {
	if t := tap.Load(); t != nil {
		return *t
	}
	return nil
}

// traceSent hands a message the send path wrote to the tap.
func traceSent(t *Tap, proto Proto, local, remote netip.AddrPort, data []byte) {
	(*t)(&Traced{Sent: true, Proto: proto, Local: local, Remote: remote, Data: data})
}
