package pv

import (
	"errors"
	"fmt"
	"strings"

	"switchboard/engine"
	"switchboard/sip/sdp"
)

// SDPPVs returns the OpenSIPS 3.x SDP pseudo-variables: $sdp (the body),
// $sdp.line, $sdp.session and $sdp.stream (lines and tokens picked by a
// filter, readable and writable) and $sdp.stream.idx.
//
// A filter is the name in parentheses, in parts separated by '/' ("\/"
// is a literal slash):
//
//	$sdp.line(line[/token])
//	$sdp.session(line[/token])       lines before the first m= only
//	$sdp.stream(stream[/line[/token]])
//	$sdp.stream.idx(stream[/line[/token]])
//
// line is a prefix the line starts with ("a=ptime", "m=audio", "" for
// any) and an optional [n] among the lines with that prefix. stream is a
// prefix of the media type ("audio", "a", "" for any) and an optional
// [n] among those streams. token is [n] (the n-th token of the line's
// value, tokens being separated by spaces and ';') or a prefix the token
// starts with, with an optional [n]. A negative n counts from the end.
//
// Writing a line replaces it and writing null deletes it; a token is
// replaced in place, except that one picked by prefix keeps the prefix
// ($sdp.stream(video/a=fmtp:115/bitrate=) = 48000 sets bitrate=48000).
// Every write is checked: one that would leave a body sdp.Parse refuses
// is an error and changes nothing.
func SDPPVs() []engine.PVClass {
	return []engine.PVClass{
		{Name: "sdp", Get: getSDPBody, Set: setSDPBody},
		{Name: "sdp.line", Key: engine.KeyRequired, ParseKey: parseLineFilter,
			Get: sdpGetter(sdpLineScope), Set: sdpSetter(sdpLineScope)},
		{Name: "sdp.session", Key: engine.KeyOptional, ParseKey: parseLineFilter,
			Get: sdpGetter(sdpSessionScope), Set: sdpSetter(sdpSessionScope)},
		{Name: "sdp.stream", Key: engine.KeyRequired, ParseKey: parseStreamFilter,
			Get: sdpGetter(sdpStreamScope), Set: sdpSetter(sdpStreamScope)},
		{Name: "sdp.stream.idx", Key: engine.KeyRequired, ParseKey: parseStreamFilter,
			Get: getSDPStreamIndex},
	}
}

func getSDPBody(ctx *engine.Context, _ *engine.PVKey) engine.Value {
	if ctx.Msg == nil {
		return engine.Null
	}
	return strOrNull(ctx.Msg.NewBody())
}

func setSDPBody(ctx *engine.Context, _ *engine.PVKey, v engine.Value, _ bool) error {
	if ctx.Msg == nil {
		return errors.New("$sdp: no message")
	}
	if v.IsNull() {
		ctx.Msg.SetBody("", "")
		return nil
	}
	setSDP(ctx, v.String())
	return nil
}

// setSDP sets the body. A message that had none gets a Content-Type too:
// SetBody keeps the existing header when given "", and there is none.
func setSDP(ctx *engine.Context, body string) {
	contentType := ""
	if ctx.Msg.NewBody() == "" {
		contentType = "application/sdp"
	}
	ctx.Msg.SetBody(body, contentType)
}

// sdpSelector is one part of a filter: a prefix and an optional [n].
type sdpSelector struct {
	prefix   string
	index    int
	hasIndex bool
}

// sdpFilter is a compiled $sdp.* name. stream is nil for $sdp.line and
// $sdp.session; line is nil when the filter names a whole stream or the
// whole session.
type sdpFilter struct {
	stream, line, token *sdpSelector
}

func parseLineFilter(name string) (any, error) {
	parts, err := splitSDPFilter(name, 2)
	if err != nil {
		return nil, err
	}
	f := &sdpFilter{line: parts[0]}
	if len(parts) > 1 {
		f.token = parts[1]
	}
	return f, nil
}

func parseStreamFilter(name string) (any, error) {
	parts, err := splitSDPFilter(name, 3)
	if err != nil {
		return nil, err
	}
	f := &sdpFilter{stream: parts[0]}
	if len(parts) > 1 {
		f.line = parts[1]
	}
	if len(parts) > 2 {
		f.token = parts[2]
	}
	return f, nil
}

func splitSDPFilter(name string, max int) ([]*sdpSelector, error) {
	var parts []*sdpSelector
	var b strings.Builder
	flush := func() error {
		sel, err := parseSDPSelector(b.String())
		parts = append(parts, sel)
		b.Reset()
		return err
	}
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '\\' && i+1 < len(name):
			i++
			b.WriteByte(name[i])
		case c == '/':
			if err := flush(); err != nil {
				return nil, err
			}
		default:
			b.WriteByte(c)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(parts) > max {
		return nil, fmt.Errorf("invalid SDP filter %q: at most %d parts separated by '/'", name, max)
	}
	return parts, nil
}

func parseSDPSelector(s string) (*sdpSelector, error) {
	sel := &sdpSelector{prefix: s}
	if !strings.HasSuffix(s, "]") {
		return sel, nil
	}
	open := strings.LastIndexByte(s, '[')
	if open < 0 {
		return nil, fmt.Errorf("invalid SDP filter part %q: ']' without '['", s)
	}
	n, ok := parseIndexNumber(s[open+1 : len(s)-1])
	if !ok {
		return nil, fmt.Errorf("invalid SDP filter index in %q: want [n] or [-n]", s)
	}
	sel.prefix, sel.index, sel.hasIndex = s[:open], n, true
	return sel, nil
}

func keySDPFilter(k *engine.PVKey, parse func(string) (any, error)) *sdpFilter {
	if f, ok := k.Data.(*sdpFilter); ok {
		return f
	}
	if k.Name == "" {
		return &sdpFilter{}
	}
	f, err := parse(k.Name)
	if err != nil {
		return nil
	}
	return f.(*sdpFilter)
}

// sdpPick returns the n-th of count candidates, n negative counting from the
// end; -1 when out of range.
func sdpPick(n, count int) int {
	if n < 0 {
		n += count
	}
	if n < 0 || n >= count {
		return -1
	}
	return n
}

// sdpDoc is the message body parsed, with every line in one list.
type sdpDoc struct {
	session *sdp.Session
	lines   []sdp.Line
	starts  []int // starts[i]: index in lines of stream i's m= line
}

func loadSDP(ctx *engine.Context) *sdpDoc {
	if ctx.Msg == nil {
		return nil
	}
	s, err := sdp.Parse(ctx.Msg.NewBody())
	if err != nil {
		return nil
	}
	d := &sdpDoc{session: s, lines: append([]sdp.Line(nil), s.Lines...)}
	for i := range s.Media {
		d.starts = append(d.starts, len(d.lines))
		d.lines = append(d.lines, s.Media[i].Lines...)
	}
	return d
}

// streamRange returns the lines of stream i as [from, to).
func (d *sdpDoc) streamRange(i int) (int, int) {
	return d.starts[i], d.starts[i] + len(d.session.Media[i].Lines)
}

// findStreams returns the streams sel may mean: the one it names, or
// with no [n] and all set, every stream of its type.
func (d *sdpDoc) findStreams(sel *sdpSelector, all bool) []int {
	var matches []int
	for i := range d.session.Media {
		typ := d.session.Media[i].Type
		if len(typ) >= len(sel.prefix) && strings.EqualFold(typ[:len(sel.prefix)], sel.prefix) {
			matches = append(matches, i)
		}
	}
	if all && !sel.hasIndex {
		return matches
	}
	if n := sdpPick(sel.index, len(matches)); n >= 0 {
		return matches[n : n+1]
	}
	return nil
}

// findLine returns the index in d.lines of the line sel picks within
// [from, to), or -1.
func (d *sdpDoc) findLine(sel *sdpSelector, from, to int) int {
	var matches []int
	for i := from; i < to; i++ {
		if l := d.lines[i]; l.Type != 0 && strings.HasPrefix(l.Text(), sel.prefix) {
			matches = append(matches, i)
		}
	}
	if n := sdpPick(sel.index, len(matches)); n >= 0 {
		return matches[n]
	}
	return -1
}

// findToken returns the span of the token sel picks in a line's text
// and whether sel picked it by prefix.
func findToken(text string, sel *sdpSelector) (start, end int, ok bool) {
	type span struct{ start, end int }
	var matches []span
	for i := 2; i < len(text); {
		if isSDPTokenSep(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && !isSDPTokenSep(text[j]) {
			j++
		}
		if strings.HasPrefix(text[i:j], sel.prefix) {
			matches = append(matches, span{i, j})
		}
		i = j
	}
	if n := sdpPick(sel.index, len(matches)); n >= 0 {
		return matches[n].start, matches[n].end, true
	}
	return 0, 0, false
}

func isSDPTokenSep(c byte) bool { return c == ' ' || c == '\t' || c == ';' }

type sdpScope uint8

const (
	sdpLineScope sdpScope = iota
	sdpSessionScope
	sdpStreamScope
)

// sdpTarget is what a filter selects: lines [from, to) of the body, and
// within a single line, a token.
type sdpTarget struct {
	from, to         int
	token            bool
	tokStart, tokEnd int
	byPrefix         bool
}

func (d *sdpDoc) resolve(f *sdpFilter, scope sdpScope) (sdpTarget, bool) {
	from, to := 0, len(d.lines)
	switch scope {
	case sdpSessionScope:
		to = len(d.session.Lines)
	case sdpStreamScope:
		streams := d.findStreams(f.stream, false)
		if len(streams) == 0 {
			return sdpTarget{}, false
		}
		from, to = d.streamRange(streams[0])
	}
	if f.line == nil {
		return sdpTarget{from: from, to: to}, true
	}
	i := d.findLine(f.line, from, to)
	if i < 0 {
		return sdpTarget{}, false
	}
	t := sdpTarget{from: i, to: i + 1}
	if f.token != nil {
		start, end, ok := findToken(d.lines[i].Text(), f.token)
		if !ok {
			return sdpTarget{}, false
		}
		t.token, t.tokStart, t.tokEnd = true, start, end
		t.byPrefix = f.token.prefix != ""
	}
	return t, true
}

func sdpGetter(scope sdpScope) func(*engine.Context, *engine.PVKey) engine.Value {
	parse := parseLineFilter
	if scope == sdpStreamScope {
		parse = parseStreamFilter
	}
	return func(ctx *engine.Context, k *engine.PVKey) engine.Value {
		f, d := keySDPFilter(k, parse), loadSDP(ctx)
		if f == nil || d == nil {
			return engine.Null
		}
		t, ok := d.resolve(f, scope)
		switch {
		case !ok:
			return engine.Null
		case t.token:
			return engine.Str(d.lines[t.from].Text()[t.tokStart:t.tokEnd])
		case f.line != nil:
			return engine.Str(d.lines[t.from].Text())
		}
		// A whole stream or session: its lines as written.
		var b strings.Builder
		for _, l := range d.lines[t.from:t.to] {
			b.WriteString(l.Raw)
		}
		return strOrNull(b.String())
	}
}

func sdpSetter(scope sdpScope) func(*engine.Context, *engine.PVKey, engine.Value, bool) error {
	parse := parseLineFilter
	if scope == sdpStreamScope {
		parse = parseStreamFilter
	}
	return func(ctx *engine.Context, k *engine.PVKey, v engine.Value, _ bool) error {
		f := keySDPFilter(k, parse)
		if f == nil {
			return fmt.Errorf("invalid SDP filter %q", k.Name)
		}
		d := loadSDP(ctx)
		if d == nil {
			return errors.New("the message has no valid SDP body")
		}
		t, ok := d.resolve(f, scope)
		if !ok {
			return fmt.Errorf("no SDP line matches %q", k.Name)
		}
		raws := make([]string, len(d.lines))
		for i, l := range d.lines {
			raws[i] = l.Raw
		}
		var repl []string
		switch {
		case t.token:
			line := d.lines[t.from]
			text := line.Text()
			if v.IsNull() {
				start, end := t.tokStart, t.tokEnd
				if start > 2 { // take the separator before the token with it
					start--
				} else if end < len(text) {
					end++
				}
				text = text[:start] + text[end:]
			} else {
				keep := t.tokStart
				if t.byPrefix {
					keep += len(f.token.prefix)
				}
				text = text[:keep] + v.String() + text[t.tokEnd:]
			}
			repl = []string{text + line.EOL()}
		case v.IsNull():
			// delete the line, the stream or the session lines
		case f.line != nil:
			repl = []string{v.String() + d.lines[t.from].EOL()}
		default:
			repl = []string{v.String()}
		}
		out := append(append(append([]string(nil), raws[:t.from]...), repl...), raws[t.to:]...)
		body := sdp.Join(out)
		if _, err := sdp.Parse(body); err != nil {
			return fmt.Errorf("writing %q would break the SDP body: %w", k.Name, err)
		}
		setSDP(ctx, body)
		return nil
	}
}

// getSDPStreamIndex is $sdp.stream.idx: the index among all streams of
// the first one the filter matches in. With no [n] on the stream part,
// every stream of the type is tried in order, so a line or token filter
// finds the stream that holds it.
func getSDPStreamIndex(ctx *engine.Context, k *engine.PVKey) engine.Value {
	f, d := keySDPFilter(k, parseStreamFilter), loadSDP(ctx)
	if f == nil || d == nil {
		return engine.Null
	}
	for _, i := range d.findStreams(f.stream, true) {
		from, to := d.streamRange(i)
		if f.line == nil {
			return engine.Int(i)
		}
		line := d.findLine(f.line, from, to)
		if line < 0 {
			continue
		}
		if f.token != nil {
			if _, _, ok := findToken(d.lines[line].Text(), f.token); !ok {
				continue
			}
		}
		return engine.Int(i)
	}
	return engine.Null
}
