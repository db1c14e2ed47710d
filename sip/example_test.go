package sip_test

import (
	"fmt"
	"strings"

	"switchboard/sip"
)

func Example() {
	m, err := sip.ParseString("INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
		"v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
		"Max-Forwards: 70\r\n" +
		"t: Bob <sip:bob@biloxi.example.com>\r\n" +
		"f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
		"i: a84b4c76e66710\r\n" +
		"CSeq: 314159 INVITE\r\n" +
		"l: 0\r\n\r\n")
	if err == nil {
		err = m.Check()
	}
	if err != nil {
		fmt.Println("answer", sip.StatusFor(err), err)
		return
	}
	via, _ := m.Via()
	from, _ := m.From()
	fmt.Println(m.MethodName(), via.Branch, from.Tag())

	// A proxy's edits: its own Via on top, a new Request-URI, one less hop.
	sip.InsertTopVia(&m.Lumps, m, "SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKp1")
	m.SetRequestURI("sip:bob@192.0.2.4")
	mf, _ := m.Header(sip.HdrMaxForwards)
	m.SetHeaderValue(mf, "69")
	fmt.Print(strings.ReplaceAll(string(m.Bytes()), "\r\n", "\n"))
	// Output:
	// INVITE z9hG4bK776asdhds 1928301774
	// INVITE sip:bob@192.0.2.4 SIP/2.0
	// Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKp1
	// v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds
	// Max-Forwards: 69
	// t: Bob <sip:bob@biloxi.example.com>
	// f: Alice <sip:alice@atlanta.example.com>;tag=1928301774
	// i: a84b4c76e66710
	// CSeq: 314159 INVITE
	// l: 0
}

func ExampleAppendReply() {
	req, _ := sip.ParseString("REGISTER sip:example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 10.0.0.7:5060;rport;branch=z9hG4bKnashds7\r\n" +
		"From: <sip:bob@example.com>;tag=456248\r\n" +
		"To: <sip:bob@example.com>\r\n" +
		"Call-ID: 843817637684230@998sdasdh09\r\n" +
		"CSeq: 1826 REGISTER\r\n" +
		"Content-Length: 0\r\n\r\n")
	out, _ := sip.AppendReply(nil, req, &sip.Reply{
		Code: 423, ToTag: "sb1", Received: "192.0.2.7", RPort: 5062,
		Headers: []sip.Field{{Name: "Min-Expires", Value: "60"}},
	})
	fmt.Print(strings.ReplaceAll(string(out), "\r\n", "\n"))
	// Output:
	// SIP/2.0 423 Interval Too Brief
	// Via: SIP/2.0/UDP 10.0.0.7:5060;rport=5062;branch=z9hG4bKnashds7;received=192.0.2.7
	// From: <sip:bob@example.com>;tag=456248
	// To: <sip:bob@example.com>;tag=sb1
	// Call-ID: 843817637684230@998sdasdh09
	// CSeq: 1826 REGISTER
	// Min-Expires: 60
	// Content-Length: 0
}
