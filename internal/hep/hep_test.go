package hep

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func samplePacket(src, dst string) Packet {
	return Packet{
		Proto: ProtoUDP, Src: netip.MustParseAddrPort(src), Dst: netip.MustParseAddrPort(dst),
		Time: time.Unix(1700000000, 123456000), Type: TypeSIP, CaptureID: 7,
		Payload:     []byte("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n"),
		Correlation: "x",
	}
}

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		p    Packet
	}{
		{"ipv4", samplePacket("127.0.0.1:5060", "127.0.0.1:5070")},
		{"ipv6", samplePacket("[::1]:5060", "[::1]:40000")},
		{"auth key, no correlation", func() Packet {
			p := samplePacket("127.0.0.1:1", "127.0.0.2:2")
			p.AuthKey, p.Correlation, p.Proto = "secret", "", ProtoTCP
			return p
		}()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := c.p.Append([]byte("prefix"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("prefixHEP3")) {
				t.Fatalf("encoding does not start with HEP3 after the prefix: %q", b[:10])
			}
			got, n, err := Decode(b[6:])
			if err != nil {
				t.Fatal(err)
			}
			if n != len(b)-6 {
				t.Fatalf("consumed %d of %d bytes", n, len(b)-6)
			}
			if got.Src != c.p.Src || got.Dst != c.p.Dst || !got.Time.Equal(c.p.Time) || got.Proto != c.p.Proto ||
				got.Type != c.p.Type || got.CaptureID != c.p.CaptureID || got.AuthKey != c.p.AuthKey ||
				got.Correlation != c.p.Correlation || !bytes.Equal(got.Payload, c.p.Payload) {
				t.Fatalf("decoded %+v, want %+v", got, c.p)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	mixed := samplePacket("127.0.0.1:1", "[::1]:2")
	if _, err := mixed.Append(nil); err == nil || !strings.Contains(err.Error(), "one family") {
		t.Fatalf("mixed families: err = %v", err)
	}
	big := samplePacket("127.0.0.1:1", "127.0.0.1:2")
	big.Payload = make([]byte, MaxLen)
	if b, err := big.Append([]byte("x")); err == nil || string(b) != "x" {
		t.Fatalf("oversized payload: err = %v, buffer %d bytes", err, len(b))
	}
}

func TestDecodeErrors(t *testing.T) {
	good, _ := func() ([]byte, error) { p := samplePacket("127.0.0.1:1", "127.0.0.1:2"); return p.Append(nil) }()
	corrupt := func(at int, v byte) []byte {
		b := bytes.Clone(good)
		b[at] = v
		return b
	}
	cases := []struct {
		name  string
		in    []byte
		short bool
		want  string
	}{
		{"empty", nil, true, ""},
		{"partial magic", []byte("HE"), true, ""},
		{"bad magic short", []byte("GET"), false, "not a HEPv3"},
		{"bad magic", []byte("HEP2\x00\x10xxxxxxxxxx"), false, "not a HEPv3"},
		{"half a packet", good[:len(good)/2], true, ""},
		{"length below header", []byte("HEP3\x00\x02"), false, "below the header"},
		{"chunk length zero", corrupt(6+5, 0), false, "bad length"},
		{"truncated chunk header", append([]byte("HEP3\x00\x09"), 0, 0, 1), false, "truncated chunk"},
		{"family byte count", []byte("HEP3\x00\x0d\x00\x00\x00\x01\x00\x07\x02"), false, ""},
		{"bad family", []byte("HEP3\x00\x0d\x00\x00\x00\x01\x00\x07\x09"), false, "unknown address family"},
		{"ipv4 of 3 bytes", []byte("HEP3\x00\x0f\x00\x00\x00\x03\x00\x09\x01\x02\x03"), false, "want 4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Decode(c.in)
			switch {
			case c.short:
				if !errors.Is(err, ErrShort) {
					t.Fatalf("err = %v, want ErrShort", err)
				}
			case c.want == "":
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
			case err == nil || !strings.Contains(err.Error(), c.want):
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestDecodeStream(t *testing.T) {
	var stream []byte
	for i := range 3 {
		p := samplePacket("127.0.0.1:1", "127.0.0.1:2")
		p.CaptureID = uint32(i)
		stream, _ = p.Append(stream)
	}
	for i := range 3 {
		p, n, err := Decode(stream)
		if err != nil || p.CaptureID != uint32(i) {
			t.Fatalf("packet %d: %+v, %v", i, p, err)
		}
		stream = stream[n:]
	}
	if len(stream) != 0 {
		t.Fatalf("%d bytes left", len(stream))
	}
}

// FuzzDecode: no input crashes the decoder, and whatever it accepts
// encodes back to a packet that decodes to the same fields.
func FuzzDecode(f *testing.F) {
	for _, p := range []Packet{samplePacket("127.0.0.1:5060", "127.0.0.1:5070"), samplePacket("[::1]:1", "[::1]:2")} {
		b, _ := p.Append(nil)
		f.Add(b)
	}
	f.Add([]byte("HEP3\x00\x06"))
	f.Add([]byte("HEP3\x00\x0c\x00\x01\x00\x02\x00\x06"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, n, err := Decode(data)
		if err != nil {
			return
		}
		if n < headerLen || n > len(data) {
			t.Fatalf("consumed %d of %d bytes", n, len(data))
		}
		if !p.Src.Addr().IsValid() || !p.Dst.Addr().IsValid() || p.Src.Addr().Is4() != p.Dst.Addr().Is4() {
			return // a packet without both addresses cannot be re-encoded
		}
		b, err := p.Append(nil)
		if err != nil {
			return // e.g. an accepted payload plus our chunks over 64 KiB
		}
		q, _, err := Decode(b)
		if err != nil {
			t.Fatalf("re-encoded packet does not decode: %v", err)
		}
		if q.Src != p.Src || q.Dst != p.Dst || !q.Time.Equal(p.Time) || q.Proto != p.Proto || q.Type != p.Type ||
			q.CaptureID != p.CaptureID || q.AuthKey != p.AuthKey || q.Correlation != p.Correlation || !bytes.Equal(q.Payload, p.Payload) {
			t.Fatalf("round trip changed the packet: %+v -> %+v", p, q)
		}
	})
}
