package transport

import (
	"fmt"
	"net/netip"
	"strconv"

	"switchboard/sip"
)

// ReceivedParams returns what a server adds to the top Via of a request
// that came from src: received, when the sent-by host is a name or an
// address other than src's (RFC 3261 §18.2.1), or always when the Via has
// an empty rport; and rport, the source port, when it has one (RFC 3581
// §4). Empty and 0 mean "add nothing". received is written bare, IPv6
// too, as RFC 3261's grammar has it.
func ReceivedParams(via *sip.Via, src netip.AddrPort) (received string, rport int) {
	srcIP := src.Addr().Unmap()
	if via.HasRPort && via.RPort == "" {
		return srcIP.String(), int(src.Port())
	}
	if ip, ok := hostIP(via.Host); ok && ip == srcIP {
		return "", 0
	}
	return srcIP.String(), 0
}

// ReplyParams is ReceivedParams for a reply the element builds itself,
// when the script called force_rport: received and rport are always
// written then (RFC 3581 as if the request had asked for it).
func ReplyParams(via *sip.Via, src netip.AddrPort, forceRPort bool) (received string, rport int) {
	received, rport = ReceivedParams(via, src)
	if forceRPort {
		received, rport = src.Addr().Unmap().String(), int(src.Port())
	}
	return received, rport
}

// ConnAlias returns the address a request's top Via with an "alias"
// parameter (RFC 5923) lets us reach over the connection it came on. Like
// OpenSIPS it takes the port of sent-by but the source IP, not the sent-by
// host: trusting a host name the peer wrote would let it capture another
// host's traffic.
func ConnAlias(via *sip.Via, src netip.AddrPort, proto Proto) (netip.AddrPort, bool) {
	if !via.Params.Has("alias") {
		return netip.AddrPort{}, false
	}
	port := via.Port
	if port == 0 {
		port = proto.DefaultPort()
	}
	return netip.AddrPortFrom(src.Addr().Unmap(), uint16(port)), true
}

// Target is where a response goes when no connection carries it: an
// address, or a host name for the resolver.
type Target struct {
	Proto Proto
	Addr  netip.AddrPort // set when the host is an IP address
	Host  string         // set instead when it is a name (RFC 3263 §5)
	Port  int            // with Host: the port, 0 when the Via had none (the resolver tries SRV)
}

func (t Target) String() string {
	if t.Addr.IsValid() {
		return t.Proto.String() + ":" + t.Addr.String()
	}
	return t.Proto.String() + ":" + hostPort(t.Host, t.Port)
}

// ResponseDestination applies RFC 3261 §18.2.2 and RFC 3581 §4 to the top
// Via of a response, proto being the transport the request came over.
// Over a stream the caller first tries the request's connection; this is
// where to connect when that one is gone. It refuses the unspecified and
// the broadcast address (RFC 4475 §3.3.10).
func ResponseDestination(via *sip.Via, proto Proto) (Target, error) {
	t := Target{Proto: proto}
	port := via.Port
	if port == 0 {
		port = proto.DefaultPort()
	}
	host := via.Host
	switch {
	case !proto.Reliable() && via.MAddr != "":
		host = via.MAddr
	case via.Received != "":
		if _, ok := hostIP(via.Received); !ok {
			return t, fmt.Errorf("transport: Via received %q is not an IP address", via.Received)
		}
		host = via.Received
	}
	if !proto.Reliable() && via.RPort != "" {
		n, err := strconv.Atoi(via.RPort)
		if err != nil || n < 1 || n > 65535 {
			return t, fmt.Errorf("transport: Via rport %q is not a port", via.RPort)
		}
		if via.MAddr == "" {
			port = n
		}
	}
	ip, isIP := hostIP(host)
	if !isIP {
		t.Host, t.Port = host, via.Port
		if host == via.MAddr {
			t.Port = port
		}
		return t, nil
	}
	addr, err := checkDestination(netip.AddrPortFrom(ip, uint16(port)))
	if err != nil {
		return t, err
	}
	t.Addr = addr
	return t, nil
}
