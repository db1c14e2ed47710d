package sdp

import (
	"errors"
	"testing"
)

func TestEdits(t *testing.T) {
	offer := rfc3264Offer
	lf := "v=0\nc=IN IP4 192.0.2.1\nm=audio 9 RTP/AVP 0 8\na=rtpmap:8 PCMA/8000"
	for _, c := range []struct {
		name string
		body string
		edit func(s *Session) (string, error)
		want string
		err  error
	}{
		{"remove codec drops its rtpmap", offer, func(s *Session) (string, error) { return s.RemoveCodec(0, "8") },
			crlf("v=0\no=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\ns=\nc=IN IP4 host.atlanta.example.com\nt=0 0\nm=audio 49170 RTP/AVP 0 97\na=rtpmap:0 PCMU/8000\na=rtpmap:97 iLBC/8000\nm=video 51372 RTP/AVP 31 32\na=rtpmap:31 H261/90000\na=rtpmap:32 MPV/90000\n"), nil},
		{"keep codecs", offer, func(s *Session) (string, error) { return s.KeepCodecs(1, []string{"32"}) },
			crlf("v=0\no=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\ns=\nc=IN IP4 host.atlanta.example.com\nt=0 0\nm=audio 49170 RTP/AVP 0 8 97\na=rtpmap:0 PCMU/8000\na=rtpmap:8 PCMA/8000\na=rtpmap:97 iLBC/8000\nm=video 51372 RTP/AVP 32\na=rtpmap:32 MPV/90000\n"), nil},
		{"move codec up", offer, func(s *Session) (string, error) { return s.MoveCodec(0, "97", true) },
			crlf("v=0\no=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\ns=\nc=IN IP4 host.atlanta.example.com\nt=0 0\nm=audio 49170 RTP/AVP 97 0 8\na=rtpmap:0 PCMU/8000\na=rtpmap:8 PCMA/8000\na=rtpmap:97 iLBC/8000\nm=video 51372 RTP/AVP 31 32\na=rtpmap:31 H261/90000\na=rtpmap:32 MPV/90000\n"), nil},
		{"move codec down keeps LF and missing final line end", lf, func(s *Session) (string, error) { return s.MoveCodec(0, "0", false) },
			"v=0\nc=IN IP4 192.0.2.1\nm=audio 9 RTP/AVP 8 0\na=rtpmap:8 PCMA/8000", nil},
		{"remove the last codec is refused", lf, func(s *Session) (string, error) { return s.KeepCodecs(0, []string{"18"}) }, "", ErrNoFormat},
		{"remove stream", offer, func(s *Session) (string, error) { return s.RemoveStream(0) },
			crlf("v=0\no=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\ns=\nc=IN IP4 host.atlanta.example.com\nt=0 0\nm=video 51372 RTP/AVP 31 32\na=rtpmap:31 H261/90000\na=rtpmap:32 MPV/90000\n"), nil},
		{"remove last stream", lf, func(s *Session) (string, error) { return s.RemoveStream(0) }, "v=0\nc=IN IP4 192.0.2.1\n", nil},
		{"set connection everywhere, IPv6 per RFC 5118", crlf("v=0\nc=IN IP4 224.2.1.1/127\nm=audio 9 RTP/AVP 0\nc=IN IP4 192.0.2.1\n"),
			func(s *Session) (string, error) { return s.SetConnection("2001:db8::1") },
			crlf("v=0\nc=IN IP6 2001:db8::1\nm=audio 9 RTP/AVP 0\nc=IN IP6 2001:db8::1\n"), nil},
		{"set connection adds a missing c=", "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=audio 9 RTP/AVP 0\n",
			func(s *Session) (string, error) { return s.SetConnection("192.0.2.7") },
			"v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.7\nt=0 0\nm=audio 9 RTP/AVP 0\n", nil},
		{"set connection after a last line without line end", "v=0",
			func(s *Session) (string, error) { return s.SetConnection("192.0.2.7") },
			"v=0\r\nc=IN IP4 192.0.2.7\r\n", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse(c.body)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.edit(s)
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if got != c.want {
				t.Fatalf("got\n%q\nwant\n%q", got, c.want)
			}
			if err == nil {
				if _, err := Parse(got); err != nil {
					t.Fatalf("edited body does not parse: %v", err)
				}
			}
			if s.String() != c.body {
				t.Fatal("the edit changed the Session")
			}
		})
	}
}

func TestEditErrors(t *testing.T) {
	s, _ := Parse(rfc3264Offer)
	for name, err := range map[string]error{
		"no stream":        second(s.RemoveStream(2)),
		"negative stream":  second(s.RemoveCodec(-1, "0")),
		"no such payload":  second(s.RemoveCodec(0, "18")),
		"move no payload":  second(s.MoveCodec(1, "0", true)),
		"bad address":      second(s.SetConnection("1.2.3.4 x")),
		"empty address":    second(s.SetConnection("")),
		"address with ttl": second(s.SetConnection("224.2.1.1/127")),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func second(_ string, err error) error { return err }
