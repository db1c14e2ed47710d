package sdp

import (
	"strconv"
	"strings"
)

// Codec is one format of an RTP media line, with what its a=rtpmap and
// a=fmtp lines say about it.
type Codec struct {
	Payload   string // the format as written on the m= line ("0", "101")
	Name      string // "PCMU", "telephone-event"; "" when unknown
	ClockRate int    // 0 when unknown
	Channels  int    // 0 when not given (RFC 4566: 1 for audio)
	Fmtp      string // the a=fmtp parameters; "" when none
}

// staticPayloads are the RFC 3551 §6 static payload types, which a
// description may use without an a=rtpmap line.
var staticPayloads = map[string]Codec{
	"0": {Name: "PCMU", ClockRate: 8000}, "3": {Name: "GSM", ClockRate: 8000},
	"4": {Name: "G723", ClockRate: 8000}, "5": {Name: "DVI4", ClockRate: 8000},
	"6": {Name: "DVI4", ClockRate: 16000}, "7": {Name: "LPC", ClockRate: 8000},
	"8": {Name: "PCMA", ClockRate: 8000}, "9": {Name: "G722", ClockRate: 8000},
	"10": {Name: "L16", ClockRate: 44100, Channels: 2}, "11": {Name: "L16", ClockRate: 44100},
	"12": {Name: "QCELP", ClockRate: 8000}, "13": {Name: "CN", ClockRate: 8000},
	"14": {Name: "MPA", ClockRate: 90000}, "15": {Name: "G728", ClockRate: 8000},
	"16": {Name: "DVI4", ClockRate: 11025}, "17": {Name: "DVI4", ClockRate: 22050},
	"18": {Name: "G729", ClockRate: 8000}, "25": {Name: "CelB", ClockRate: 90000},
	"26": {Name: "JPEG", ClockRate: 90000}, "28": {Name: "nv", ClockRate: 90000},
	"31": {Name: "H261", ClockRate: 90000}, "32": {Name: "MPV", ClockRate: 90000},
	"33": {Name: "MP2T", ClockRate: 90000}, "34": {Name: "H263", ClockRate: 90000},
}

// Codecs returns the formats of the m= line in preference order. An
// a=rtpmap line overrides the static table; a malformed one is skipped.
func (m *Media) Codecs() []Codec {
	codecs := make([]Codec, len(m.Formats))
	for i, pt := range m.Formats {
		c := staticPayloads[pt]
		c.Payload = pt
		codecs[i] = c
	}
	for _, a := range m.Attributes {
		pt, rest, ok := strings.Cut(a.Value, " ")
		if !ok {
			continue
		}
		i := indexOf(m.Formats, pt)
		if i < 0 {
			continue
		}
		switch a.Name {
		case "rtpmap":
			name, rate, _ := strings.Cut(strings.TrimSpace(rest), "/")
			rate, chans, _ := strings.Cut(rate, "/")
			codecs[i].Name = name
			codecs[i].ClockRate, _ = strconv.Atoi(rate)
			codecs[i].Channels, _ = strconv.Atoi(chans)
		case "fmtp":
			codecs[i].Fmtp = strings.TrimSpace(rest)
		}
	}
	return codecs
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// Directions of RFC 3264 §5.1.
const (
	SendRecv = "sendrecv"
	SendOnly = "sendonly"
	RecvOnly = "recvonly"
	Inactive = "inactive"
)

// Direction returns the media's direction attribute, else the session's,
// else sendrecv (RFC 3264 §5.1 default).
func (m *Media) Direction() string {
	if d := direction(m.Attributes); d != "" {
		return d
	}
	if m.session != nil {
		if d := direction(m.session.Attributes); d != "" {
			return d
		}
	}
	return SendRecv
}

func direction(attrs []Attribute) string {
	d := ""
	for _, a := range attrs {
		switch a.Name {
		case SendRecv, SendOnly, RecvOnly, Inactive:
			d = a.Name // the last one wins, as with other repeated attributes
		}
	}
	return d
}

// EffectiveConnection returns the media-level c=, else the session's; nil
// when there is neither.
func (m *Media) EffectiveConnection() *Connection {
	if m.Connection != nil {
		return m.Connection
	}
	if m.session != nil {
		return m.session.Connection
	}
	return nil
}

// IsOnHold reports whether the stream puts the peer on hold: sendonly or
// inactive (RFC 3264 §8.4), or the RFC 2543 way still sent by old user
// agents, a connection address of 0.0.0.0.
func (m *Media) IsOnHold() bool {
	if d := m.Direction(); d == SendOnly || d == Inactive {
		return true
	}
	c := m.EffectiveConnection()
	return c != nil && c.Address == "0.0.0.0"
}

// IsOnHold reports whether every stream still in use (port not 0) is on
// hold, and there is at least one.
func (s *Session) IsOnHold() bool {
	held := false
	for i := range s.Media {
		m := &s.Media[i]
		if m.Port == 0 {
			continue
		}
		if !m.IsOnHold() {
			return false
		}
		held = true
	}
	return held
}

// Text returns the stream as written: its m= line and the lines after it,
// line ends included.
func (m *Media) Text() string { return m.raw }
