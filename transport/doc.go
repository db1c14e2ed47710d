// Package transport owns the sockets of a SIP server: it parses the
// socket= (formerly listen=) definitions, binds UDP and TCP sockets, reads
// datagrams and framed stream messages into a Handler, keeps the table of
// TCP connections, and sends bytes to a destination chosen by the caller.
//
// It knows nothing of scripts or transactions: the core parses what the
// Handler receives, decides where answers go (ResponseDestination and
// ReceivedParams help with the RFC 3261 §18 rules) and calls Send.
//
// TLS, WS, WSS and SCTP sockets parse, so that a cfg naming them checks,
// but Listen refuses them until their modules exist.
package transport
