// Package hep encodes and decodes HEPv3 packets (the Homer Encapsulation
// Protocol, revision 26): how the tracer module ships copies of SIP
// messages and how switchboard-cli trace reads them. No I/O.
//
// A packet is "HEP3", its total length (16 bits, big endian), then
// chunks: vendor (16 bits, 0 for the generic ones), type (16 bits),
// length (16 bits, with the 6-byte chunk header) and the payload.
package hep

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Chunk types of the generic vendor (0) used here.
const (
	chunkFamily      = 0x0001
	chunkIPProto     = 0x0002
	chunkSrcIPv4     = 0x0003
	chunkDstIPv4     = 0x0004
	chunkSrcIPv6     = 0x0005
	chunkDstIPv6     = 0x0006
	chunkSrcPort     = 0x0007
	chunkDstPort     = 0x0008
	chunkTimeSec     = 0x0009
	chunkTimeUsec    = 0x000a
	chunkProtoType   = 0x000b
	chunkCaptureID   = 0x000c
	chunkAuthKey     = 0x000e
	chunkPayload     = 0x000f
	chunkCorrelation = 0x0011
)

// Address families and payload types as HEP numbers them.
const (
	FamilyIPv4 = 2
	FamilyIPv6 = 10

	TypeSIP = 1

	ProtoUDP = 17
	ProtoTCP = 6
)

// headerLen is "HEP3" and the total length.
const headerLen = 6

// MaxLen is the largest packet: the length field has 16 bits.
const MaxLen = 0xffff

// Packet is one captured message.
type Packet struct {
	Proto       uint8 // IP protocol of the capture: ProtoUDP, ProtoTCP
	Src, Dst    netip.AddrPort
	Time        time.Time // microsecond precision on the wire
	Type        uint8     // payload type: TypeSIP
	CaptureID   uint32
	AuthKey     string // optional
	Payload     []byte
	Correlation string // optional: the SIP Call-ID
}

// ErrShort means b holds only the start of a packet: read more.
var ErrShort = errors.New("hep: incomplete packet")

// Append encodes p onto b.
func (p *Packet) Append(b []byte) ([]byte, error) {
	src, dst := p.Src.Addr().Unmap(), p.Dst.Addr().Unmap()
	if !src.IsValid() || !dst.IsValid() || src.Is4() != dst.Is4() {
		return b, fmt.Errorf("hep: source %s and destination %s must be addresses of one family", p.Src, p.Dst)
	}
	start := len(b)
	b = append(b, 'H', 'E', 'P', '3', 0, 0)
	family, srcType, dstType := uint8(FamilyIPv4), uint16(chunkSrcIPv4), uint16(chunkDstIPv4)
	if src.Is6() {
		family, srcType, dstType = FamilyIPv6, chunkSrcIPv6, chunkDstIPv6
	}
	b = appendChunk(b, chunkFamily, family)
	b = appendChunk(b, chunkIPProto, p.Proto)
	b = appendChunk(b, srcType, src.AsSlice()...)
	b = appendChunk(b, dstType, dst.AsSlice()...)
	b = appendChunk(b, chunkSrcPort, byte(p.Src.Port()>>8), byte(p.Src.Port()))
	b = appendChunk(b, chunkDstPort, byte(p.Dst.Port()>>8), byte(p.Dst.Port()))
	b = appendChunk(b, chunkTimeSec, be32(uint32(p.Time.Unix()))...)
	b = appendChunk(b, chunkTimeUsec, be32(uint32(p.Time.Nanosecond()/1000))...)
	b = appendChunk(b, chunkProtoType, p.Type)
	b = appendChunk(b, chunkCaptureID, be32(p.CaptureID)...)
	if p.AuthKey != "" {
		b = appendChunk(b, chunkAuthKey, []byte(p.AuthKey)...)
	}
	if p.Correlation != "" {
		b = appendChunk(b, chunkCorrelation, []byte(p.Correlation)...)
	}
	if len(p.Payload) > MaxLen-6 {
		return b[:start], fmt.Errorf("hep: payload of %d bytes is too large", len(p.Payload))
	}
	b = appendChunk(b, chunkPayload, p.Payload...)
	n := len(b) - start
	if n > MaxLen {
		return b[:start], fmt.Errorf("hep: packet of %d bytes is too large", n)
	}
	binary.BigEndian.PutUint16(b[start+4:], uint16(n))
	return b, nil
}

func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func appendChunk(b []byte, typ uint16, payload ...byte) []byte {
	b = binary.BigEndian.AppendUint16(b, 0)
	b = binary.BigEndian.AppendUint16(b, typ)
	b = binary.BigEndian.AppendUint16(b, uint16(6+len(payload)))
	return append(b, payload...)
}

// Decode reads the packet at the start of b and returns it with the
// number of bytes it took. ErrShort asks for more bytes (a stream);
// any other error means the stream cannot be trusted any more. The
// packet's byte fields point into b.
func Decode(b []byte) (Packet, int, error) {
	var p Packet
	if len(b) < headerLen {
		if len(b) > 0 && string(b) != "HEP3"[:min(len(b), 4)] {
			return p, 0, errors.New("hep: not a HEPv3 packet")
		}
		return p, 0, ErrShort
	}
	if string(b[:4]) != "HEP3" {
		return p, 0, errors.New("hep: not a HEPv3 packet")
	}
	total := int(binary.BigEndian.Uint16(b[4:]))
	if total < headerLen {
		return p, 0, fmt.Errorf("hep: packet length %d is below the header's", total)
	}
	if total > len(b) {
		return p, 0, ErrShort
	}
	var srcIP, dstIP netip.Addr
	var srcPort, dstPort uint16
	var sec, usec uint32
	var family uint8
	for rest := b[headerLen:total]; len(rest) > 0; {
		if len(rest) < 6 {
			return p, 0, errors.New("hep: truncated chunk header")
		}
		vendor := binary.BigEndian.Uint16(rest)
		typ := binary.BigEndian.Uint16(rest[2:])
		n := int(binary.BigEndian.Uint16(rest[4:]))
		if n < 6 || n > len(rest) {
			return p, 0, fmt.Errorf("hep: chunk %d has a bad length %d", typ, n)
		}
		v := rest[6:n]
		rest = rest[n:]
		if vendor != 0 {
			continue // another vendor's chunk: not ours to read
		}
		var err error
		switch typ {
		case chunkFamily:
			family, err = byteChunk(typ, v)
		case chunkIPProto:
			p.Proto, err = byteChunk(typ, v)
		case chunkProtoType:
			p.Type, err = byteChunk(typ, v)
		case chunkSrcIPv4, chunkDstIPv4, chunkSrcIPv6, chunkDstIPv6:
			want := 4
			if typ >= chunkSrcIPv6 {
				want = 16
			}
			if len(v) != want {
				return p, 0, fmt.Errorf("hep: chunk %d has %d bytes, want %d", typ, len(v), want)
			}
			a, _ := netip.AddrFromSlice(v)
			a = a.Unmap() // as the encoder writes a v4-mapped address
			if typ == chunkSrcIPv4 || typ == chunkSrcIPv6 {
				srcIP = a
			} else {
				dstIP = a
			}
		case chunkSrcPort, chunkDstPort:
			if len(v) != 2 {
				return p, 0, fmt.Errorf("hep: chunk %d has %d bytes, want 2", typ, len(v))
			}
			if typ == chunkSrcPort {
				srcPort = binary.BigEndian.Uint16(v)
			} else {
				dstPort = binary.BigEndian.Uint16(v)
			}
		case chunkTimeSec, chunkTimeUsec, chunkCaptureID:
			if len(v) != 4 {
				return p, 0, fmt.Errorf("hep: chunk %d has %d bytes, want 4", typ, len(v))
			}
			x := binary.BigEndian.Uint32(v)
			switch typ {
			case chunkTimeSec:
				sec = x
			case chunkTimeUsec:
				usec = x
			default:
				p.CaptureID = x
			}
		case chunkAuthKey:
			p.AuthKey = string(v)
		case chunkPayload:
			p.Payload = v
		case chunkCorrelation:
			p.Correlation = string(v)
		}
		if err != nil {
			return p, 0, err
		}
	}
	if family != 0 && family != FamilyIPv4 && family != FamilyIPv6 {
		return p, 0, fmt.Errorf("hep: unknown address family %d", family)
	}
	if usec >= 1_000_000 {
		return p, 0, fmt.Errorf("hep: %d microseconds is not below a second", usec)
	}
	p.Src = netip.AddrPortFrom(srcIP, srcPort)
	p.Dst = netip.AddrPortFrom(dstIP, dstPort)
	p.Time = time.Unix(int64(sec), int64(usec)*1000)
	return p, total, nil
}

func byteChunk(typ uint16, v []byte) (uint8, error) {
	if len(v) != 1 {
		return 0, fmt.Errorf("hep: chunk %d has %d bytes, want 1", typ, len(v))
	}
	return v[0], nil
}
