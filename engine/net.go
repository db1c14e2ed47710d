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

// SendOptions are the per-message sending choices of the script.
type SendOptions struct {
	// ForceRPort is force_rport: replies go to the source port as if the
	// request's Via had rport (RFC 3581), and the Via gets received and
	// rport.
	ForceRPort bool
	// LocalRPort is add_local_rport: the element's own Via asks for
	// rport.
	LocalRPort bool
	// ReplyToVia is set_via_handling("reply-to-via"): replies go to the
	// Via's sent-by, not to the source address.
	ReplyToVia bool
	// AdvertisedHost and AdvertisedPort are set_advertised_address and
	// set_advertised_port: what the element writes into its Via and
	// Record-Route instead of the sending socket's address, unless that
	// socket has an "as" of its own. Empty and 0 mean not set.
	AdvertisedHost string
	AdvertisedPort int
	// Blacklists are the destination blacklists use_blacklist and
	// unuse_blacklist turned on or off for this message: one bit per list,
	// flipped from the lists searched by default (blacklist.Set.Use).
	Blacklists uint64
}

// Network is what a Sender offers beyond sending through the script's
// pipeline: the core functions that name sockets and connections
// (force_send_socket, send, force_tcp_alias) reach it with a type
// assertion on Context.Sender.
type Network interface {
	// FindSocket returns the name ("udp:127.0.0.1:5060") of the socket
	// that proto ("" any), host and port (0 any) name, or "" when the
	// element has no such socket.
	FindSocket(proto, host string, port int) string
	// SendRaw sends data as it is to dst, a SIP URI resolved as RFC 3263
	// says: no Via, no edits (the core's send()).
	SendRaw(ctx *Context, dst string, data []byte) error
	// AddConnAlias lets later requests to the source address of the
	// message in ctx with port reuse its TCP connection (RFC 5923,
	// force_tcp_alias). A message that did not come over a connection is
	// not an error: there is nothing to alias.
	AddConnAlias(ctx *Context, port int) error
}

// AdvertisedSocket is what Received.Handle offers when the socket has an
// "as" address of its own: $socket_in(advertised_ip) and
// (advertised_port) read it.
type AdvertisedSocket interface {
	// AsAddress returns the "as" host and port (the bound port when "as"
	// gave none); ok is false without "as".
	AsAddress() (host string, port int, ok bool)
}

// Sender puts messages on the wire for modules. The core provides it; a
// test provides one that records.
type Sender interface {
	// SendReply sends a reply to the request in ctx where RFC 3261
	// §18.2.2 and RFC 3581 say: the top Via's received/rport, on the
	// connection or socket the request came in.
	SendReply(ctx *Context, reply []byte) error
	// ReplyDestination returns where SendReply would send a reply to the
	// request in ctx, for SendAgain, when that is a fixed address; false
	// when it takes a name lookup or a connection. tm keeps it instead
	// of the request once only retransmitted 2xx are left to relay.
	ReplyDestination(ctx *Context) (*Sent, bool)
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
