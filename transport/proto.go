package transport

import (
	"fmt"
	"strings"
)

// Proto is a SIP transport protocol. The zero value means "not given": a
// query with it matches every protocol.
type Proto uint8

// The transports OpenSIPS names in socket definitions.
const (
	ProtoAny Proto = iota
	UDP
	TCP
	TLS
	WS
	WSS
	SCTP
)

var protoNames = [...]string{ProtoAny: "any", UDP: "udp", TCP: "tcp", TLS: "tls", WS: "ws", WSS: "wss", SCTP: "sctp"}

// String returns the lower-case name used in socket definitions.
func (p Proto) String() string {
	if int(p) < len(protoNames) {
		return protoNames[p]
	}
	return fmt.Sprintf("proto(%d)", uint8(p))
}

// ParseProto reads a protocol name without regard to case, as it appears in
// a socket definition or a Via sent-protocol ("UDP", "tls").
func ParseProto(name string) (Proto, error) {
	for p := UDP; p <= SCTP; p++ {
		if strings.EqualFold(name, protoNames[p]) {
			return p, nil
		}
	}
	return ProtoAny, fmt.Errorf("transport: unknown protocol %q", name)
}

// DefaultPort is the port a SIP URI or Via without one means for p:
// 5061 for TLS (RFC 3261 §19.1.2), 80 and 443 for WebSocket as OpenSIPS's
// proto_ws and proto_wss use, 5060 otherwise.
func (p Proto) DefaultPort() int {
	switch p {
	case TLS:
		return 5061
	case WS:
		return 80
	case WSS:
		return 443
	}
	return 5060
}

// Reliable reports whether p carries a byte stream over a connection, so
// responses reuse the connection of the request (RFC 3261 §18.2.2).
func (p Proto) Reliable() bool { return p != UDP && p != ProtoAny }
