// Package bench compares the switchboard SIP parser with
// github.com/emiago/sipgo on the same messages. It is a module of its own
// so that sipgo never becomes a dependency of the product; see README.md.
package bench

import (
	"bytes"
	"errors"
	"testing"

	sipgo "github.com/emiago/sipgo/sip"

	"switchboard/sip"
	"switchboard/sip/siptest"
)

// messages are the realistic messages every benchmark runs on.
var messages = []struct{ name, text string }{
	{"invite", siptest.Invite},
	{"register", siptest.Register},
	{"ok", siptest.OK},
}

// The edits of the Serialize benchmarks.
const (
	benchVia    = "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKbench"
	benchRURI   = "sip:bob@192.0.2.4:5060"
	benchHeader = "X-Bench"
	benchValue  = "1"
)

// values is what a proxy reads from every message.
type values struct {
	branch      string // top Via
	fromTag     string
	toTag       string
	callID      string
	cseq        uint32
	cseqMethod  string
	contactUser string // first Contact URI
	contactHost string
	contactPort int
}

// Package-level sinks keep the compiler from dropping the work.
var (
	sinkMsg      *sip.Msg
	sinkSipgo    sipgo.Message
	sinkValues   values
	sinkContact  string
	sinkSerialed []byte
)

// readSwitchboard parses data and reads what a proxy reads, after Check.
func readSwitchboard(data []byte) (values, string, error) {
	m, err := sip.Parse(data)
	if err != nil {
		return values{}, "", err
	}
	if err := m.Check(); err != nil {
		return values{}, "", err
	}
	via, err := m.Via()
	if err != nil {
		return values{}, "", err
	}
	from, err := m.From()
	if err != nil {
		return values{}, "", err
	}
	to, err := m.To()
	if err != nil {
		return values{}, "", err
	}
	callID, err := m.CallID()
	if err != nil {
		return values{}, "", err
	}
	cseq, err := m.CSeq()
	if err != nil {
		return values{}, "", err
	}
	contacts, err := m.Contacts()
	if err != nil {
		return values{}, "", err
	}
	if len(contacts.List) == 0 {
		return values{}, "", errors.New("no Contact")
	}
	c := &contacts.List[0].URI
	return values{
		branch:      via.Branch,
		fromTag:     from.Tag(),
		toTag:       to.Tag(),
		callID:      callID,
		cseq:        cseq.Seq,
		cseqMethod:  cseq.Method,
		contactUser: c.User,
		contactHost: c.Host,
		contactPort: c.Port,
	}, c.Raw, nil
}

// readSipgo is readSwitchboard for sipgo, which parses these headers while
// parsing the message, so a missing one shows as nil here.
func readSipgo(p *sipgo.Parser, data []byte) (values, *sipgo.ContactHeader, error) {
	m, err := p.ParseSIP(data)
	if err != nil {
		return values{}, nil, err
	}
	via, from, to, callID, cseq, contact := m.Via(), m.From(), m.To(), m.CallID(), m.CSeq(), contactOf(m)
	if via == nil || from == nil || to == nil || callID == nil || cseq == nil || contact == nil {
		return values{}, nil, errors.New("sipgo: a mandatory header or Contact is missing")
	}
	branch, _ := via.Params.Get("branch")
	fromTag, _ := from.Params.Get("tag")
	toTag, _ := to.Params.Get("tag")
	return values{
		branch:      branch,
		fromTag:     fromTag,
		toTag:       toTag,
		callID:      callID.Value(),
		cseq:        cseq.SeqNo,
		cseqMethod:  string(cseq.MethodName),
		contactUser: contact.Address.User,
		contactHost: contact.Address.Host,
		contactPort: contact.Address.Port,
	}, contact, nil
}

// contactOf returns the first Contact: Contact is not in sipgo's Message
// interface but both *Request and *Response have it.
func contactOf(m sipgo.Message) *sipgo.ContactHeader {
	switch m := m.(type) {
	case *sipgo.Request:
		return m.Contact()
	case *sipgo.Response:
		return m.Contact()
	}
	return nil
}

// editSwitchboard parses data, makes the three edits and writes the result
// to dst[:0].
func editSwitchboard(dst, data []byte) ([]byte, error) {
	m, err := sip.Parse(data)
	if err != nil {
		return dst, err
	}
	m.Lumps.InsertBefore(m.Headers()[0].Start, "Via: "+benchVia+"\r\n")
	if m.IsRequest() {
		m.SetRequestURI(benchRURI)
	} else {
		m.RemoveHeader(&m.Headers()[0])
	}
	m.AddHeader(benchHeader, benchValue)
	return m.AppendTo(dst[:0]), nil
}

// sipgoEdits holds the prepared values of the sipgo edits: the Via and the
// Request-URI are built once, as the switchboard Via text is a constant.
type sipgoEdits struct {
	parser *sipgo.Parser
	via    *sipgo.ViaHeader
	ruri   sipgo.Uri
}

func newSipgoEdits(tb testing.TB) *sipgoEdits {
	params := sipgo.NewParams()
	params.Add("branch", "z9hG4bKbench")
	e := &sipgoEdits{
		parser: sipgo.NewParser(),
		via: &sipgo.ViaHeader{
			ProtocolName:    "SIP",
			ProtocolVersion: "2.0",
			Transport:       "UDP",
			Host:            "127.0.0.1",
			Port:            5060,
			Params:          params,
		},
	}
	if err := sipgo.ParseUri(benchRURI, &e.ruri); err != nil {
		tb.Fatal(err)
	}
	return e
}

// edit is editSwitchboard for sipgo. On a response the received top Via is
// removed before the new one goes on top, so that RemoveHeader("Via") does
// not take the new one.
func (e *sipgoEdits) edit(buf *bytes.Buffer, data []byte) error {
	m, err := e.parser.ParseSIP(data)
	if err != nil {
		return err
	}
	switch m := m.(type) {
	case *sipgo.Request:
		m.Recipient = e.ruri
	case *sipgo.Response:
		m.RemoveHeader("Via")
	}
	m.PrependHeader(e.via)
	m.AppendHeader(sipgo.NewHeader(benchHeader, benchValue))
	buf.Reset()
	m.StringWrite(buf)
	return nil
}

func BenchmarkParse(b *testing.B) {
	for _, msg := range messages {
		data := []byte(msg.text)
		b.Run(msg.name+"/impl=switchboard", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				m, err := sip.Parse(data)
				if err != nil {
					b.Fatal(err)
				}
				sinkMsg = m
			}
		})
		b.Run(msg.name+"/impl=sipgo", func(b *testing.B) {
			p := sipgo.NewParser()
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				m, err := p.ParseSIP(data)
				if err != nil {
					b.Fatal(err)
				}
				sinkSipgo = m
			}
		})
	}
}

func BenchmarkParseAndRead(b *testing.B) {
	for _, msg := range messages {
		data := []byte(msg.text)
		b.Run(msg.name+"/impl=switchboard", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				v, contact, err := readSwitchboard(data)
				if err != nil {
					b.Fatal(err)
				}
				sinkValues, sinkContact = v, contact
			}
		})
		b.Run(msg.name+"/impl=sipgo", func(b *testing.B) {
			p := sipgo.NewParser()
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				v, _, err := readSipgo(p, data)
				if err != nil {
					b.Fatal(err)
				}
				sinkValues = v
			}
		})
	}
}

func BenchmarkSerialize(b *testing.B) {
	for _, msg := range messages {
		data := []byte(msg.text)
		b.Run(msg.name+"/impl=switchboard", func(b *testing.B) {
			dst := make([]byte, 0, 2*len(data))
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var err error
				if dst, err = editSwitchboard(dst, data); err != nil {
					b.Fatal(err)
				}
			}
			sinkSerialed = dst
		})
		b.Run(msg.name+"/impl=sipgo", func(b *testing.B) {
			e := newSipgoEdits(b)
			var buf bytes.Buffer
			buf.Grow(2 * len(data))
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := e.edit(&buf, data); err != nil {
					b.Fatal(err)
				}
			}
			sinkSerialed = buf.Bytes()
		})
	}
}

// TestSameValues shows that both parsers read the same values from the
// benchmark messages, so that the benchmarks compare like with like.
func TestSameValues(t *testing.T) {
	p := sipgo.NewParser()
	for _, msg := range messages {
		t.Run(msg.name, func(t *testing.T) {
			data := []byte(msg.text)
			want, raw, err := readSwitchboard(data)
			if err != nil {
				t.Fatalf("switchboard: %v", err)
			}
			got, contact, err := readSipgo(p, data)
			if err != nil {
				t.Fatalf("sipgo: %v", err)
			}
			if got != want {
				t.Errorf("values differ:\nsipgo       %+v\nswitchboard %+v", got, want)
			}
			if want.branch == "" || want.fromTag == "" || want.callID == "" || want.cseq == 0 {
				t.Errorf("switchboard read empty values: %+v", want)
			}
			if s := contact.Address.String(); s != raw {
				t.Errorf("Contact URI: sipgo %q, switchboard %q", s, raw)
			}
		})
	}
}

// TestSameEdits shows that the Serialize benchmarks make the same edits:
// both outputs are read back with switchboard and compared. The bytes differ
// because sipgo writes every header again from its parsed form: it quotes
// display names and splits a comma-separated Record-Route into one header
// line per value, so route sets are compared by entries, not lines.
func TestSameEdits(t *testing.T) {
	e := newSipgoEdits(t)
	for _, msg := range messages {
		t.Run(msg.name, func(t *testing.T) {
			data := []byte(msg.text)
			out, err := editSwitchboard(nil, data)
			if err != nil {
				t.Fatalf("switchboard: %v", err)
			}
			var buf bytes.Buffer
			if err := e.edit(&buf, data); err != nil {
				t.Fatalf("sipgo: %v", err)
			}
			want, err := summarise(out)
			if err != nil {
				t.Fatalf("switchboard output: %v\n%s", err, out)
			}
			got, err := summarise(buf.Bytes())
			if err != nil {
				t.Fatalf("sipgo output: %v\n%s", err, buf.Bytes())
			}
			if got != want {
				t.Errorf("edits differ:\nsipgo       %+v\nswitchboard %+v", got, want)
			}
			if want.topBranch != "z9hG4bKbench" || want.bench != benchValue {
				t.Errorf("switchboard output lacks an edit: %+v", want)
			}
		})
	}
}

// summary is what the edits change, read back from a written message.
type summary struct {
	requestURI string
	topBranch  string
	vias       int
	routeSet   int // Record-Route entries
	bench      string
	body       string
}

func summarise(data []byte) (summary, error) {
	m, err := sip.Parse(data)
	if err != nil {
		return summary{}, err
	}
	if err := m.Check(); err != nil {
		return summary{}, err
	}
	vias, err := m.Vias()
	if err != nil {
		return summary{}, err
	}
	routes, err := m.RecordRoutes()
	if err != nil {
		return summary{}, err
	}
	s := summary{
		requestURI: m.RequestURIString(),
		topBranch:  vias[0].Branch,
		vias:       len(vias),
		routeSet:   len(routes),
		body:       m.Body(),
	}
	if h, ok := m.HeaderNamed(benchHeader); ok {
		s.bench = h.Value
	}
	return s, nil
}
