package sdp

import (
	"fmt"
	"strconv"
	"strings"
)

// Line is one line of the body as written.
type Line struct {
	Type  byte   // 'v', 'o', 'm', 'a'...; 0 for an empty line
	Value string // the text after "x=", without the line end
	Raw   string // the whole line, line end included (none on a last line without one)
	Num   int    // 1-based line number in the body
}

// Text returns the line without its line end ("a=sendonly").
func (l Line) Text() string {
	t := strings.TrimSuffix(l.Raw, "\n")
	if len(t) < len(l.Raw) {
		t = strings.TrimSuffix(t, "\r")
	}
	return t
}

// EOL returns the line end the line was written with: "\r\n", "\n" or "".
func (l Line) EOL() string { return l.Raw[len(l.Text()):] }

// Origin is the o= line.
type Origin struct {
	Username, SessionID, SessionVersion string
	NetType, AddrType, Address          string
}

// Connection is a c= line. TTL and Count are 0 when absent (RFC 4566
// §5.7: addr/ttl/count for IP4 multicast, addr/count for IP6).
type Connection struct {
	NetType, AddrType, Address string
	TTL, Count                 int
}

// Bandwidth is a b= line: its type (CT, AS, TIAS...) and value.
type Bandwidth struct {
	Type  string
	Value int
}

// Time is a t= line; the values are the NTP seconds as written.
type Time struct {
	Start, Stop string
}

// Attribute is an a= line: "a=name" or "a=name:value".
type Attribute struct {
	Name, Value string
	Raw         string // the line as written, line end included
}

// Session is a parsed SDP body. The slices hold substrings of the body.
type Session struct {
	Version    string
	Origin     Origin
	Name       string
	Connection *Connection // nil when the session level has none
	Bandwidths []Bandwidth
	Times      []Time
	Attributes []Attribute
	// Lines are the session-level lines, from the start of the body to
	// the line before the first m=.
	Lines []Line
	Media []Media

	body string // what Parse read; AppendTo writes it back
}

// Media is one media description: its m= line and the lines after it.
type Media struct {
	Type       string
	Port       int
	PortCount  int // the /n of "49170/2"; 0 when absent
	Proto      string
	Formats    []string
	Connection *Connection // the first media-level c=; nil when none
	Bandwidths []Bandwidth
	Attributes []Attribute
	Lines      []Line // Lines[0] is the m= line

	session *Session
	raw     string // the stream's lines as written
	// formatsAt is where the format list starts in Lines[0].Value: an
	// edit keeps everything before it as written.
	formatsAt int
}

// Error is a body the parser refuses, with the line that made it do so.
type Error struct {
	Line   int // 1-based; 0 when the body as a whole is wrong
	Reason string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return "sdp: " + e.Reason
	}
	return fmt.Sprintf("sdp: line %d: %s", e.Line, e.Reason)
}

func lineErr(n int, format string, args ...any) error {
	return &Error{Line: n, Reason: fmt.Sprintf(format, args...)}
}

// Parse indexes body. See the package comment for what it accepts.
func Parse(body string) (*Session, error) {
	if body == "" {
		return nil, &Error{Reason: "empty body"}
	}
	s := &Session{body: body}
	var media *Media
	sawVersion := false
	mediaStart := 0
	endMedia := func(end int) {
		if media != nil {
			media.raw = body[mediaStart:end]
		}
	}
	for num, pos := 1, 0; pos < len(body); num++ {
		raw := body[pos:]
		if i := strings.IndexByte(raw, '\n'); i >= 0 {
			raw = raw[:i+1]
		}
		start := pos
		pos += len(raw)
		l, err := splitLine(raw, num)
		if err != nil {
			return nil, err
		}
		if l.Type != 0 && !sawVersion {
			if l.Type != 'v' {
				return nil, lineErr(num, "missing v= line: an SDP body starts with v=, not %c=", l.Type)
			}
			sawVersion = true
		} else if l.Type == 'v' {
			return nil, lineErr(num, "second v= line")
		}
		if l.Type == 'm' {
			m, err := parseMediaLine(l)
			if err != nil {
				return nil, err
			}
			endMedia(start)
			mediaStart = start
			m.session = s
			s.Media = append(s.Media, m)
			media = &s.Media[len(s.Media)-1]
			continue
		}
		if media != nil {
			media.Lines = append(media.Lines, l)
			err = media.addLine(l)
		} else {
			s.Lines = append(s.Lines, l)
			err = s.addLine(l)
		}
		if err != nil {
			return nil, err
		}
	}
	if !sawVersion {
		return nil, &Error{Reason: "missing v= line"}
	}
	endMedia(len(body))
	return s, nil
}

// splitLine checks the "<letter>=" form and the characters of one line.
func splitLine(raw string, num int) (Line, error) {
	l := Line{Raw: raw, Num: num}
	text := l.Text()
	if strings.IndexByte(text, '\r') >= 0 || strings.IndexByte(text, 0) >= 0 {
		return l, lineErr(num, "CR or NUL inside a line")
	}
	if strings.HasSuffix(raw, "\r") { // a CR with no LF after it ends the body
		return l, lineErr(num, "CR without LF at the end of the body")
	}
	if text == "" {
		return l, nil
	}
	if len(text) < 2 || text[1] != '=' || text[0] < 'a' || text[0] > 'z' {
		return l, lineErr(num, "bad line syntax %q: expected <letter>=<value>", clip(text))
	}
	l.Type, l.Value = text[0], text[2:]
	return l, nil
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}

// addLine reads the session-level lines whose fields the package exposes.
func (s *Session) addLine(l Line) error {
	switch l.Type {
	case 'v':
		if !isDigits(l.Value) {
			return lineErr(l.Num, "version %q is not a number", clip(l.Value))
		}
		s.Version = l.Value
	case 'o':
		f := strings.Fields(l.Value)
		if len(f) != 6 {
			return lineErr(l.Num, "o= needs 6 fields, has %d", len(f))
		}
		s.Origin = Origin{f[0], f[1], f[2], f[3], f[4], f[5]}
	case 's':
		s.Name = l.Value
	case 'c':
		c, err := parseConnection(l)
		if err != nil {
			return err
		}
		if s.Connection == nil {
			s.Connection = c
		}
	case 'b':
		b, err := parseBandwidth(l)
		if err != nil {
			return err
		}
		s.Bandwidths = append(s.Bandwidths, b)
	case 't':
		f := strings.Fields(l.Value)
		if len(f) != 2 || !isDigits(f[0]) || !isDigits(f[1]) {
			return lineErr(l.Num, "t= needs a start and a stop time")
		}
		s.Times = append(s.Times, Time{f[0], f[1]})
	case 'a':
		a, err := parseAttribute(l)
		if err != nil {
			return err
		}
		s.Attributes = append(s.Attributes, a)
	}
	return nil
}

func (m *Media) addLine(l Line) error {
	switch l.Type {
	case 'c':
		c, err := parseConnection(l)
		if err != nil {
			return err
		}
		// RFC 4566 §5.7 allows several for layered encodings; the first
		// is the one unicast peers use.
		if m.Connection == nil {
			m.Connection = c
		}
	case 'b':
		b, err := parseBandwidth(l)
		if err != nil {
			return err
		}
		m.Bandwidths = append(m.Bandwidths, b)
	case 'a':
		a, err := parseAttribute(l)
		if err != nil {
			return err
		}
		m.Attributes = append(m.Attributes, a)
	}
	return nil
}

func parseMediaLine(l Line) (Media, error) {
	m := Media{Lines: []Line{l}}
	v := l.Value
	var fields [3]string
	at := 0
	for i := range fields {
		for at < len(v) && v[at] == ' ' {
			at++
		}
		start := at
		for at < len(v) && v[at] != ' ' {
			at++
		}
		if start == at {
			return m, lineErr(l.Num, "m= needs <media> <port> <proto> <fmt>...")
		}
		fields[i] = v[start:at]
	}
	m.Type, m.Proto, m.formatsAt = fields[0], fields[2], at
	port, count, hasCount := strings.Cut(fields[1], "/")
	var ok bool
	if m.Port, ok = smallNumber(port, 65535); !ok {
		return m, lineErr(l.Num, "bad m= port %q", fields[1])
	}
	if hasCount {
		if m.PortCount, ok = smallNumber(count, 65535); !ok || m.PortCount == 0 {
			return m, lineErr(l.Num, "bad m= port count %q", fields[1])
		}
	}
	m.Formats = strings.Fields(v[at:])
	return m, nil
}

func parseConnection(l Line) (*Connection, error) {
	f := strings.Fields(l.Value)
	if len(f) != 3 {
		return nil, lineErr(l.Num, "c= needs <nettype> <addrtype> <address>")
	}
	c := &Connection{NetType: f[0], AddrType: f[1]}
	parts := strings.Split(f[2], "/")
	c.Address = parts[0]
	if c.Address == "" {
		return nil, lineErr(l.Num, "c= has an empty address")
	}
	suffix := parts[1:]
	// IP6 multicast has no TTL (RFC 4566 §5.7): its one suffix is a count.
	if strings.EqualFold(c.AddrType, "IP6") && len(suffix) > 1 {
		return nil, lineErr(l.Num, "c= IP6 address takes only /<count>")
	}
	if len(suffix) > 2 {
		return nil, lineErr(l.Num, "c= address has too many '/' parts")
	}
	nums := make([]int, len(suffix))
	for i, p := range suffix {
		n, ok := smallNumber(p, 1<<20)
		if !ok {
			return nil, lineErr(l.Num, "c= address suffix %q is not a number", p)
		}
		nums[i] = n
	}
	switch {
	case strings.EqualFold(c.AddrType, "IP6") && len(nums) == 1:
		c.Count = nums[0]
	case len(nums) == 1:
		c.TTL = nums[0]
	case len(nums) == 2:
		c.TTL, c.Count = nums[0], nums[1]
	}
	return c, nil
}

func parseBandwidth(l Line) (Bandwidth, error) {
	typ, val, ok := strings.Cut(l.Value, ":")
	n, isNum := smallNumber(val, 1<<40)
	if !ok || typ == "" || !isNum {
		return Bandwidth{}, lineErr(l.Num, "b= needs <type>:<number>")
	}
	return Bandwidth{Type: typ, Value: n}, nil
}

func parseAttribute(l Line) (Attribute, error) {
	name, val, _ := strings.Cut(l.Value, ":")
	if name == "" || strings.ContainsAny(name, " \t") {
		return Attribute{}, lineErr(l.Num, "a= needs a name")
	}
	return Attribute{Name: name, Value: val, Raw: l.Raw}, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// smallNumber parses decimal digits up to max; it refuses signs and
// anything that could overflow.
func smallNumber(s string, max int) (int, bool) {
	if !isDigits(s) || len(s) > 13 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= max
}
