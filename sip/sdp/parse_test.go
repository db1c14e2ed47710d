package sdp

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// rfc4566 is the example of RFC 4566 §5.
var rfc4566 = crlf(`v=0
o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5
s=SDP Seminar
i=A Seminar on the session description protocol
u=http://www.example.com/seminars/sdp.pdf
e=j.doe@example.com (Jane Doe)
c=IN IP4 224.2.17.12/127
t=2873397496 2873404696
a=recvonly
m=audio 49170 RTP/AVP 0
m=video 51372 RTP/AVP 99
a=rtpmap:99 h263-1998/90000
`)

// rfc3264Offer is the offer of RFC 3264 §10.1.
var rfc3264Offer = crlf(`v=0
o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com
s=
c=IN IP4 host.atlanta.example.com
t=0 0
m=audio 49170 RTP/AVP 0 8 97
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:97 iLBC/8000
m=video 51372 RTP/AVP 31 32
a=rtpmap:31 H261/90000
a=rtpmap:32 MPV/90000
`)

// rfc3264Answer is the answer of RFC 3264 §10.1.
var rfc3264Answer = crlf(`v=0
o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com
s=
c=IN IP4 host.biloxi.example.com
t=0 0
m=audio 49174 RTP/AVP 0
a=rtpmap:0 PCMU/8000
m=video 49170 RTP/AVP 32
a=rtpmap:32 MPV/90000
`)

// rfc3264Hold is the answerer putting the call on hold (RFC 3264 §8.4).
var rfc3264Hold = crlf(`v=0
o=bob 2808844564 2808844565 IN IP4 host.biloxi.example.com
s=
c=IN IP4 host.biloxi.example.com
t=0 0
m=audio 49174 RTP/AVP 0
a=rtpmap:0 PCMU/8000
a=sendonly
m=video 49170 RTP/AVP 32
a=rtpmap:32 MPV/90000
a=inactive
`)

type parseCase struct {
	name  string
	body  string
	check func(t *testing.T, s *Session)
}

var parseCases = []parseCase{
	{name: "rfc4566 example", body: rfc4566, check: func(t *testing.T, s *Session) {
		want(t, "origin", s.Origin, Origin{"jdoe", "2890844526", "2890842807", "IN", "IP4", "10.47.16.5"})
		want(t, "name", s.Name, "SDP Seminar")
		want(t, "connection", *s.Connection, Connection{"IN", "IP4", "224.2.17.12", 127, 0})
		want(t, "times", s.Times, []Time{{"2873397496", "2873404696"}})
		want(t, "media", len(s.Media), 2)
		want(t, "video formats", s.Media[1].Formats, []string{"99"})
		want(t, "audio direction from session", s.Media[0].Direction(), RecvOnly)
		want(t, "video codec", s.Media[1].Codecs(), []Codec{{Payload: "99", Name: "h263-1998", ClockRate: 90000}})
		want(t, "lines", len(s.Lines), 9)
	}},
	{name: "rfc3264 offer", body: rfc3264Offer, check: func(t *testing.T, s *Session) {
		want(t, "audio codecs", s.Media[0].Codecs(), []Codec{
			{Payload: "0", Name: "PCMU", ClockRate: 8000},
			{Payload: "8", Name: "PCMA", ClockRate: 8000},
			{Payload: "97", Name: "iLBC", ClockRate: 8000},
		})
		want(t, "stream text", s.Media[1].Text(), crlf("m=video 51372 RTP/AVP 31 32\na=rtpmap:31 H261/90000\na=rtpmap:32 MPV/90000\n"))
		want(t, "on hold", s.IsOnHold(), false)
	}},
	{name: "rfc3264 answer", body: rfc3264Answer, check: func(t *testing.T, s *Session) {
		want(t, "audio port", s.Media[0].Port, 49174)
		want(t, "direction", s.Media[0].Direction(), SendRecv)
	}},
	{name: "rfc3264 hold", body: rfc3264Hold, check: func(t *testing.T, s *Session) {
		want(t, "audio held", s.Media[0].IsOnHold(), true)
		want(t, "video held", s.Media[1].IsOnHold(), true)
		want(t, "session held", s.IsOnHold(), true)
	}},
	{name: "rfc2543 hold with 0.0.0.0", body: "v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 4000 RTP/AVP 0\r\n", check: func(t *testing.T, s *Session) {
		want(t, "held", s.Media[0].IsOnHold(), true)
	}},
	{name: "LF-only lines and no final line end", body: "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=audio 9 RTP/AVP 0\na=sendonly", check: func(t *testing.T, s *Session) {
		want(t, "eol", s.Lines[0].EOL(), "\n")
		want(t, "last line", s.Media[0].Lines[1].Raw, "a=sendonly")
		want(t, "direction", s.Media[0].Direction(), SendOnly)
	}},
	{name: "multiple streams with media c= and port count", body: crlf("v=0\nc=IN IP4 192.0.2.1\nm=audio 49170/2 RTP/AVP 0\nc=IN IP6 ff15::101/3\nb=AS:64\nm=video 0 RTP/AVP 31\nm=application 5000 udp wb\n"), check: func(t *testing.T, s *Session) {
		want(t, "port count", s.Media[0].PortCount, 2)
		want(t, "media connection", *s.Media[0].Connection, Connection{"IN", "IP6", "ff15::101", 0, 3})
		want(t, "bandwidth", s.Media[0].Bandwidths, []Bandwidth{{"AS", 64}})
		want(t, "inherited connection", s.Media[1].EffectiveConnection().Address, "192.0.2.1")
		want(t, "non-rtp formats", s.Media[2].Formats, []string{"wb"})
		want(t, "held: a stream with port 0 does not count", s.IsOnHold(), false)
	}},
	{name: "fmtp, channels and unknown lines kept", body: crlf("v=0\nx=private extension\nm=audio 5004 RTP/AVP 111 101\na=rtpmap:111 opus/48000/2\na=fmtp:111 minptime=10;useinbandfec=1\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\n\n"), check: func(t *testing.T, s *Session) {
		want(t, "codecs", s.Media[0].Codecs(), []Codec{
			{Payload: "111", Name: "opus", ClockRate: 48000, Channels: 2, Fmtp: "minptime=10;useinbandfec=1"},
			{Payload: "101", Name: "telephone-event", ClockRate: 8000, Fmtp: "0-16"},
		})
		want(t, "unknown line", s.Lines[1].Type, byte('x'))
		want(t, "trailing empty line", s.Media[0].Lines[5].Type, byte(0))
	}},
}

func want(t *testing.T, what string, got, expected any) {
	t.Helper()
	if !reflect.DeepEqual(got, expected) {
		t.Errorf("%s = %#v, want %#v", what, got, expected)
	}
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse(c.body)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.String(); got != c.body {
				t.Fatalf("round trip: got %q", got)
			}
			c.check(t, s)
		})
	}
}

// TestParseTestdata reads the SDP bodies of the RFC 4475 and RFC 5118
// messages.
func TestParseTestdata(t *testing.T) {
	bodies := testdataBodies(t)
	if len(bodies) < 15 {
		t.Fatalf("found %d SDP bodies in ../testdata", len(bodies))
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			s, err := Parse(body)
			if err != nil {
				t.Fatal(err)
			}
			if s.String() != body {
				t.Fatal("round trip changed the body")
			}
		})
	}
	// RFC 5118 §4.6 and §4.8: IPv6 in SDP, and a stream per family.
	s, _ := Parse(bodies["rfc5118/mult-ip-in-sdp.dat"])
	want(t, "mult-ip audio", s.Media[0].Connection.Address, "192.0.2.1")
	want(t, "mult-ip video", *s.Media[1].Connection, Connection{"IN", "IP6", "2001:db8::1", 0, 0})
	s, _ = Parse(bodies["rfc5118/ipv6-in-sdp.dat"])
	want(t, "ipv6 session", s.Connection.AddrType, "IP6")
	s, _ = Parse(bodies["rfc4475/sdp01.dat"])
	want(t, "rtpmap without a clock rate", s.Media[1].Codecs(), []Codec{{Payload: "31", Name: "LPC"}})
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name, body string
		line       int
		reason     string
	}{
		{"empty", "", 0, "empty body"},
		{"only empty lines", "\r\n\r\n", 0, "missing v="},
		{"missing v=", "o=- 1 1 IN IP4 192.0.2.1\r\n", 1, "missing v="},
		{"second v=", "v=0\r\nv=0\r\n", 2, "second v="},
		{"no equals sign", "v=0\r\nhello\r\n", 2, "bad line syntax"},
		{"upper-case type", "v=0\r\nA=x\r\n", 2, "bad line syntax"},
		{"space before equals", "v=0\r\na =x\r\n", 2, "bad line syntax"},
		{"type only", "v=0\r\na\r\n", 2, "bad line syntax"},
		{"bad version", "v=x\r\n", 1, "not a number"},
		{"short o=", "v=0\r\no=- 1 1 IN IP4\r\n", 2, "6 fields"},
		{"short c=", "v=0\r\nc=IN IP4\r\n", 2, "c= needs"},
		{"bad ttl", "v=0\r\nc=IN IP4 224.2.1.1/x\r\n", 2, "not a number"},
		{"ip6 ttl", "v=0\r\nc=IN IP6 ff15::1/127/3\r\n", 2, "IP6"},
		{"bad b=", "v=0\r\nb=AS\r\n", 2, "b= needs"},
		{"bad t=", "v=0\r\nt=0\r\n", 2, "t= needs"},
		{"short m=", "v=0\r\nm=audio 9\r\n", 2, "m= needs"},
		{"bad port", "v=0\r\nm=audio 70000 RTP/AVP 0\r\n", 2, "port"},
		{"bad port count", "v=0\r\nm=audio 9/0 RTP/AVP 0\r\n", 2, "port count"},
		{"nameless a=", "v=0\r\na=:x\r\n", 2, "a= needs"},
		{"bare CR inside", "v=0\r\ns=a\rb\r\n", 2, "CR"},
		{"CR at the end", "v=0\r", 1, "CR"},
		{"NUL", "v=0\r\ns=\x00\r\n", 2, "NUL"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.body)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Line != c.line || !strings.Contains(e.Reason, c.reason) {
				t.Errorf("err = %v, want line %d and %q", err, c.line, c.reason)
			}
		})
	}
}
