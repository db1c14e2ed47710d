package engine

import "net/netip"

// Received says where a message came from and on which local socket: what
// $si, $sp, $proto and $socket_in read, and where a reply goes back.
type Received struct {
	Proto  string // "udp", "tcp", "tls", "ws", "wss", "sctp"
	Src    netip.AddrPort
	Local  netip.AddrPort
	Socket string // the receiving socket as written in socket=: "udp:127.0.0.1:5060"
	// Handle is the transport's own reference (socket or connection), so
	// a reply can leave on the same socket or TCP connection.
	Handle any
}

// Sender puts messages on the wire for modules. The core provides it; a
// test provides one that records.
type Sender interface {
	// SendReply sends a reply to the request in ctx where RFC 3261
	// §18.2.2 and RFC 3581 say: the top Via's received/rport, on the
	// connection or socket the request came in.
	SendReply(ctx *Context, reply []byte) error
	// ForwardRequest sends the request in ctx on statelessly (RFC 3261
	// §16.11): to dst, a SIP URI, or when dst is "" to $du, else the new
	// Request-URI; resolved as RFC 3263 says, with the element's own Via
	// on top and the loaded modules' BeforeForward edits.
	ForwardRequest(ctx *Context, dst string) error
}
