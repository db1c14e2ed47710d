// Package tracer is the dynamic tracing of OpenSIPS's tracer module: MI
// trace_start names a HEP collector and filters; from then on every SIP
// message the server receives or sends that belongs to a matching call
// is copied there as HEPv3, until trace_stop.
package tracer

import (
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"switchboard/internal/hep"
	"switchboard/sip"
	"switchboard/transport"
)

// state is the module's: the global switch (trace_on, MI trace mode)
// and the dynamic traces. traces is replaced, never changed, so the tap
// reads it with one atomic load.
type state struct {
	mu     sync.Mutex // serializes changes
	on     bool
	traces atomic.Pointer[[]*dynTrace]
}

var global = &state{on: true}

// reset stops every trace and sets the global switch.
func (s *state) reset(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.list() {
		d.dest.close()
	}
	s.on = on
	s.traces.Store(nil)
	s.updateTap()
}

func (s *state) list() []*dynTrace {
	if l := s.traces.Load(); l != nil {
		return *l
	}
	return nil
}

// updateTap sets the transport tap while something is to be traced and
// removes it otherwise, so that an idle tracer costs the SIP paths one
// atomic load. Called with mu held.
func (s *state) updateTap() {
	if s.on && len(s.list()) > 0 {
		transport.SetTap(s.tap)
	} else {
		transport.SetTap(nil)
	}
}

func (s *state) add(d *dynTrace) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.list()
	if slices.ContainsFunc(old, func(o *dynTrace) bool { return o.id == d.id }) {
		return false
	}
	l := append(slices.Clip(old), d)
	slices.SortFunc(l, func(a, b *dynTrace) int { return strings.Compare(a.id, b.id) })
	s.traces.Store(&l)
	s.updateTap()
	return true
}

func (s *state) remove(id string) bool {
	s.mu.Lock()
	old := s.list()
	i := slices.IndexFunc(old, func(o *dynTrace) bool { return o.id == id })
	if i < 0 {
		s.mu.Unlock()
		return false
	}
	gone := old[i]
	l := slices.Delete(slices.Clone(old), i, i+1)
	s.traces.Store(&l)
	s.updateTap()
	s.mu.Unlock()
	gone.dest.close()
	return true
}

func (s *state) setOn(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.on = on
	s.updateTap()
}

func (s *state) isOn() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.on
}

// tap runs on the receive and send paths while a trace is active.
func (s *state) tap(ev *transport.Traced) {
	traces := s.list()
	if len(traces) == 0 {
		return
	}
	m, err := sip.Parse(ev.Data)
	if m == nil || err != nil {
		return // not SIP enough to belong to a call
	}
	info, ok := describe(m)
	if !ok {
		return
	}
	now := time.Now()
	var pkt []byte
	for _, d := range traces {
		if !d.wants(ev, m, &info, now) {
			continue
		}
		if pkt == nil {
			if pkt, err = encode(ev, info.callID, now); err != nil {
				return
			}
		}
		d.dest.send(pkt)
	}
}

// encode makes the HEPv3 packet for a traced message.
func encode(ev *transport.Traced, callID string, now time.Time) ([]byte, error) {
	src, dst := ev.Remote, ev.Local
	if ev.Sent {
		src, dst = ev.Local, ev.Remote
	}
	src, dst = sameFamily(src, dst), sameFamily(dst, src)
	proto := uint8(hep.ProtoUDP)
	if ev.Proto != transport.UDP {
		proto = hep.ProtoTCP
	}
	p := hep.Packet{Proto: proto, Src: src, Dst: dst, Time: now, Type: hep.TypeSIP, CaptureID: captureID,
		Payload: ev.Data, Correlation: callID}
	return p.Append(nil)
}

// captureID is proto_hep's default hep_capture_id.
const captureID = 1

// sameFamily gives a an address of b's family when a is a wildcard of
// the other one (a socket on [::] answering an IPv4 peer).
func sameFamily(a, b netip.AddrPort) netip.AddrPort {
	ip, other := a.Addr().Unmap(), b.Addr().Unmap()
	if ip.Is4() == other.Is4() {
		return netip.AddrPortFrom(ip, a.Port())
	}
	if other.Is4() {
		return netip.AddrPortFrom(netip.IPv4Unspecified(), a.Port())
	}
	return netip.AddrPortFrom(netip.IPv6Unspecified(), a.Port())
}

// msgInfo is what matching needs of a message.
type msgInfo struct {
	callID  string
	seq     uint32
	method  string // the CSeq method
	initial bool   // an INVITE without a To tag
}

func describe(m *sip.Msg) (msgInfo, bool) {
	callID, err := m.CallID()
	if err != nil || callID == "" {
		return msgInfo{}, false
	}
	cseq, err := m.CSeq()
	if err != nil {
		return msgInfo{}, false
	}
	info := msgInfo{callID: callID, seq: cseq.Seq, method: cseq.Method}
	if m.IsRequest() && m.MethodName() == "INVITE" {
		if to, err := m.To(); err == nil && to.Tag() == "" {
			info.initial = true
		}
	}
	return info, true
}
