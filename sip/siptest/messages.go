// Package siptest holds SIP messages for tests and benchmarks: realistic
// traffic (an INVITE with SDP, a REGISTER with digest credentials, a 200 OK
// with Record-Routes) and a loader for the RFC 4475 / RFC 5118 torture
// messages in ../shared/testdata.
package siptest

import "strings"

// crlf turns the readable "\n" line ends of the literals below into the
// CRLF that SIP requires.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// Invite is a ~1 KB INVITE with an SDP offer, as a softphone sends it
// through one proxy.
var Invite = crlf(`INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport
Max-Forwards: 70
To: Bob <sip:bob@biloxi.example.com>
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
Contact: <sip:alice@pc33.atlanta.example.com:5060;transport=udp>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"
Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REFER, NOTIFY, MESSAGE
Supported: replaces, timer, 100rel
User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)
Session-Expires: 1800
Content-Type: application/sdp
Content-Length: ` + sdpLen + `

` + sdp)

var sdp = crlf(`v=0
o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com
s=Session SDP
c=IN IP4 192.0.2.101
t=0 0
m=audio 49172 RTP/AVP 0 8 9 18 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:9 G722/8000
a=rtpmap:18 G729/8000
a=fmtp:18 annexb=no
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
a=sendrecv
`)

var sdpLen = itoa(len(sdp))

// Register is a REGISTER with digest credentials, as a phone sends it after
// a 401 challenge.
var Register = crlf(`REGISTER sip:registrar.biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7;rport
Max-Forwards: 70
To: Bob <sip:bob@biloxi.example.com>
From: Bob <sip:bob@biloxi.example.com>;tag=456248
Call-ID: 843817637684230@998sdasdh09
CSeq: 1827 REGISTER
Contact: <sip:bob@192.0.2.4:5060;transport=udp>;expires=3600;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";reg-id=1
Authorization: Digest username="bob", realm="biloxi.example.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:registrar.biloxi.example.com", response="245f23415f11432b3434341c022", algorithm=MD5, cnonce="0a4f113b", qop=auth, nc=00000001, opaque="5ccc069c403ebaf9f0171e9517f40e41"
User-Agent: Yealink SIP-T46S 66.86.0.15
Expires: 3600
Content-Length: 0

`)

// OK is a 200 OK to an INVITE coming back through two record-routing
// proxies.
var OK = crlf(`SIP/2.0 200 OK
Via: SIP/2.0/UDP server10.biloxi.example.com;branch=z9hG4bK4b43c2ff8.1;received=192.0.2.3
Via: SIP/2.0/UDP bigbox3.site3.atlanta.example.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1
Record-Route: <sip:server10.biloxi.example.com;lr;ftag=1928301774;did=5a3.c1b2>
Record-Route: <sip:bigbox3.site3.atlanta.example.com;lr;r2=on>,<sip:10.0.0.1;lr;r2=on>
To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
Contact: <sip:bob@192.0.2.4>
Content-Type: application/sdp
Content-Length: 0

`)

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}
