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
	// SendBranch sends the request in ctx statefully: like
	// ForwardRequest but with the given Via branch, trying the resolved
	// targets in turn, and returns what it sent and where, so that tm can
	// retransmit it or follow it with a CANCEL or ACK.
	SendBranch(ctx *Context, dst, branch string) (*Sent, error)
	// SendAgain sends data where s went: a retransmission, or a CANCEL or
	// hop-by-hop ACK for the same branch.
	SendAgain(s *Sent, data []byte) error
}

// Sent is a request as it left: its bytes and destination.
type Sent struct {
	Data  []byte
	Proto string
	Dst   netip.AddrPort
	Local netip.AddrPort
	// URI is the next hop it was sent to (the target of RFC 3263).
	URI string
	// Handle is the transport's destination, for SendAgain.
	Handle any
}
