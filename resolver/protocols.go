package resolver

import "strings"

// protocol is what RFC 3263 and its successors say about one transport.
type protocol struct {
	srv    string // SRV owner prefix: "_sip._udp"
	naptr  string // NAPTR service: "SIP+D2U"
	port   uint16 // default port when neither the URI nor SRV gives one
	secure bool   // usable for a sips URI
}

// protoInfo: RFC 3263 §4.1 for udp/tcp/tls/sctp, RFC 7118 for ws/wss.
// WebSocket has no SIP default port of its own; 80 and 443 are what
// OpenSIPS's proto_ws and proto_wss listen on.
var protoInfo = map[string]protocol{
	"udp":  {srv: "_sip._udp", naptr: "SIP+D2U", port: 5060},
	"tcp":  {srv: "_sip._tcp", naptr: "SIP+D2T", port: 5060},
	"tls":  {srv: "_sips._tcp", naptr: "SIPS+D2T", port: 5061, secure: true},
	"sctp": {srv: "_sip._sctp", naptr: "SIP+D2S", port: 5060},
	"ws":   {srv: "_sip._ws", naptr: "SIP+D2W", port: 80},
	"wss":  {srv: "_sips._ws", naptr: "SIPS+D2W", port: 443, secure: true},
}

// protoForService maps a NAPTR service field to a transport; "" for
// services that are not SIP or that we cannot speak (SIPS+D2S: TLS over
// SCTP).
func protoForService(service string) string {
	for name, p := range protoInfo {
		if strings.EqualFold(p.naptr, service) {
			return name
		}
	}
	return ""
}

// explicitProto reads the transport URI parameter. For a sips URI the
// transport is the one under TLS (RFC 3261 §26.2.2), so tcp means tls and
// ws means wss; udp cannot carry sips. OpenSIPS still accepts the
// deprecated transport=tls, and so do we.
func explicitProto(transport string, secure bool) (string, error) {
	if transport == "" {
		return "", nil
	}
	p := strings.ToLower(transport)
	if _, ok := protoInfo[p]; !ok {
		return "", errUnsupported("transport=" + transport)
	}
	if !secure {
		return p, nil
	}
	switch p {
	case "tcp", "tls":
		return "tls", nil
	case "ws", "wss":
		return "wss", nil
	}
	return "", errUnsupported("sips URI with transport=" + transport)
}

type errUnsupported string

func (e errUnsupported) Error() string { return "resolver: unsupported " + string(e) }
