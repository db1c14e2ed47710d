package engine

import (
	"net/netip"

	"switchboard/sip"
)

// stateEntry is one piece of per-message module state.
type stateEntry struct{ key, value any }

// SetState keeps value under key for the rest of this message (rr's
// record_route request, maxfwd's "already counted"). Keys are values of a
// module's own unexported type, so modules cannot collide.
func (c *Context) SetState(key, value any) {
	for i := range c.state {
		if c.state[i].key == key {
			c.state[i].value = value
			return
		}
	}
	c.state = append(c.state, stateEntry{key, value})
}

// State returns what SetState kept under key, or nil.
func (c *Context) State(key any) any {
	for i := range c.state {
		if c.state[i].key == key {
			return c.state[i].value
		}
	}
	return nil
}

// Outgoing is one copy of a request about to leave, once the core has
// chosen where it goes and from which socket: BeforeForward hooks add the
// edits that depend on that (rr's Record-Route with the socket's address).
type Outgoing struct {
	Msg   *sip.Msg
	Lumps *sip.Lumps // this copy's edits: add here, not to Msg.Lumps
	// Proto, Local and Advertised describe the sending socket; Advertised
	// is the host:port to write into headers.
	Proto      string
	Local      netip.AddrPort
	Advertised string
	Dst        netip.AddrPort
}

// ModuleState is a copy of a context's per-message module state.
type ModuleState []stateEntry

// ModuleState returns a copy of the module state: tm keeps what the
// script recorded (rr's record_route) with the transaction, for every
// branch it sends later, from failure_route too.
func (c *Context) ModuleState() ModuleState { return append(ModuleState(nil), c.state...) }

// SetModuleState replaces the module state with a copy of s.
func (c *Context) SetModuleState(s ModuleState) { c.state = append(c.state[:0], s...) }

// CopyModuleState replaces the module state with a copy of from's: what
// SetModuleState(from.ModuleState()) does, with one copy instead of two.
func (c *Context) CopyModuleState(from *Context) { c.state = append(c.state[:0], from.state...) }
