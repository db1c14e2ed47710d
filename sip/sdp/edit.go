package sdp

import (
	"errors"
	"fmt"
	"strings"
)

// AppendTo appends the body the Session was parsed from to dst.
func (s *Session) AppendTo(dst []byte) []byte { return append(dst, s.body...) }

// String returns the body the Session was parsed from.
func (s *Session) String() string { return s.body }

// Join concatenates raw lines into a body, giving a line end to any line
// but the last that lacks one (a line that ended the body and is now
// followed by another). That line end is the body's first one, or CRLF.
func Join(lines []string) string {
	eol := "\r\n"
	for _, l := range lines {
		if strings.HasSuffix(l, "\r\n") {
			break
		}
		if strings.HasSuffix(l, "\n") {
			eol = "\n"
			break
		}
	}
	n := 0
	for _, l := range lines {
		n += len(l) + len(eol)
	}
	var b strings.Builder
	b.Grow(n)
	for i, l := range lines {
		b.WriteString(l)
		if i < len(lines)-1 && !strings.HasSuffix(l, "\n") {
			b.WriteString(eol)
		}
	}
	return b.String()
}

// rawLines returns every line of the body as written, in order.
func (s *Session) rawLines() []string {
	out := make([]string, 0, len(s.Lines)+8*len(s.Media))
	for _, l := range s.Lines {
		out = append(out, l.Raw)
	}
	for i := range s.Media {
		for _, l := range s.Media[i].Lines {
			out = append(out, l.Raw)
		}
	}
	return out
}

// mediaStart returns the index in rawLines of the m= line of stream i.
func (s *Session) mediaStart(i int) int {
	n := len(s.Lines)
	for j := 0; j < i; j++ {
		n += len(s.Media[j].Lines)
	}
	return n
}

// ErrNoFormat is returned by an edit that would leave an m= line without
// a format, which RFC 4566 §5.14 does not allow: the caller decides
// whether to drop the stream or refuse the offer instead.
var ErrNoFormat = errors.New("sdp: edit would leave the stream without a format")

func (s *Session) media(i int) (*Media, error) {
	if i < 0 || i >= len(s.Media) {
		return nil, fmt.Errorf("sdp: no stream %d (the body has %d)", i, len(s.Media))
	}
	return &s.Media[i], nil
}

// RemoveCodec returns the body without payload in stream i: the format
// goes from the m= line and so do its a=rtpmap, a=fmtp and a=rtcp-fb lines.
func (s *Session) RemoveCodec(i int, payload string) (string, error) {
	m, err := s.media(i)
	if err != nil {
		return "", err
	}
	if indexOf(m.Formats, payload) < 0 {
		return "", fmt.Errorf("sdp: stream %d has no format %q", i, payload)
	}
	return s.setFormats(i, func(f string) bool { return f != payload }, nil)
}

// KeepCodecs returns the body with only the given payloads left in stream
// i, in their order on the m= line.
func (s *Session) KeepCodecs(i int, payloads []string) (string, error) {
	return s.setFormats(i, func(f string) bool { return indexOf(payloads, f) >= 0 }, nil)
}

// MoveCodec returns the body with payload moved to the front of stream i's
// format list (up, the most preferred) or to its end.
func (s *Session) MoveCodec(i int, payload string, up bool) (string, error) {
	m, err := s.media(i)
	if err != nil {
		return "", err
	}
	at := indexOf(m.Formats, payload)
	if at < 0 {
		return "", fmt.Errorf("sdp: stream %d has no format %q", i, payload)
	}
	order := make([]string, 0, len(m.Formats))
	if up {
		order = append(order, payload)
	}
	for _, f := range m.Formats {
		if f != payload {
			order = append(order, f)
		}
	}
	if !up {
		order = append(order, payload)
	}
	return s.setFormats(i, nil, order)
}

// setFormats rewrites stream i's m= line with the formats keep accepts,
// or with order, and drops the attribute lines of the formats it removed.
func (s *Session) setFormats(i int, keep func(string) bool, order []string) (string, error) {
	m, err := s.media(i)
	if err != nil {
		return "", err
	}
	if order == nil {
		for _, f := range m.Formats {
			if keep(f) {
				order = append(order, f)
			}
		}
	}
	if len(order) == 0 {
		return "", ErrNoFormat
	}
	mline := m.Lines[0]
	var b strings.Builder
	b.WriteString("m=")
	b.WriteString(mline.Value[:m.formatsAt])
	for _, f := range order {
		b.WriteByte(' ')
		b.WriteString(f)
	}
	b.WriteString(mline.EOL())
	lines := s.rawLines()
	start := s.mediaStart(i)
	lines[start] = b.String()
	out := lines[:start+1]
	for j, l := range m.Lines[1:] {
		if l.Type == 'a' && formatAttribute(l.Value, order) {
			continue
		}
		out = append(out, lines[start+1+j])
	}
	out = append(out, lines[start+len(m.Lines):]...)
	return Join(out), nil
}

// formatAttribute reports whether an a= value describes a format that is
// not in kept: rtpmap, fmtp and rtcp-fb lines name their payload first.
func formatAttribute(value string, kept []string) bool {
	name, rest, _ := strings.Cut(value, ":")
	switch name {
	case "rtpmap", "fmtp", "rtcp-fb":
	default:
		return false
	}
	pt, _, _ := strings.Cut(rest, " ")
	return pt != "*" && indexOf(kept, pt) < 0
}

// RemoveStream returns the body without stream i.
func (s *Session) RemoveStream(i int) (string, error) {
	m, err := s.media(i)
	if err != nil {
		return "", err
	}
	lines := s.rawLines()
	start := s.mediaStart(i)
	return Join(append(lines[:start], lines[start+len(m.Lines):]...)), nil
}

// SetConnection returns the body with every c= line pointing at address
// (the media relay case: nathelper, rtpproxy). The address type follows
// the address; a multicast TTL or count is dropped with the old address.
// A body without any c= line gets one at the session level, after the
// o=, s=, i=, u=, e= and p= lines as RFC 4566 §5 orders them.
func (s *Session) SetConnection(address string) (string, error) {
	if address == "" || strings.ContainsAny(address, " \t\r\n/") || strings.IndexByte(address, 0) >= 0 {
		return "", fmt.Errorf("sdp: invalid connection address %q", address)
	}
	addrType := "IP4"
	if strings.IndexByte(address, ':') >= 0 {
		addrType = "IP6"
	}
	lines := s.rawLines()
	all := make([]Line, 0, len(lines))
	all = append(all, s.Lines...)
	for i := range s.Media {
		all = append(all, s.Media[i].Lines...)
	}
	found := false
	for j, l := range all {
		if l.Type != 'c' {
			continue
		}
		found = true
		netType := strings.Fields(l.Value)[0] // Parse checked there are 3
		lines[j] = "c=" + netType + " " + addrType + " " + address + l.EOL()
	}
	if found {
		return Join(lines), nil
	}
	at := 0
	for j, l := range s.Lines {
		if l.Type != 0 && strings.IndexByte("vosiuep", l.Type) < 0 {
			break
		}
		if l.Type != 0 {
			at = j + 1
		}
	}
	// at >= 1: the v= line is always there.
	c := "c=IN " + addrType + " " + address + eolOr(s.Lines[at-1].EOL(), "\r\n")
	lines = append(lines[:at], append([]string{c}, lines[at:]...)...)
	return Join(lines), nil
}

func eolOr(eol, def string) string {
	if eol == "" {
		return def
	}
	return eol
}
