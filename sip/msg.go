package sip

// Method identifies the well-known request methods; anything else is
// MethodOther and is known by its name. Methods are case-sensitive (RFC 3261
// §7.1), so "invite" is MethodOther.
type Method uint8

// Request methods.
const (
	MethodOther Method = iota
	MethodInvite
	MethodAck
	MethodCancel
	MethodBye
	MethodRegister
	MethodOptions
	MethodInfo
	MethodUpdate
	MethodPrack
	MethodSubscribe
	MethodNotify
	MethodMessage
	MethodRefer
	MethodPublish
)

var methodNames = [...]string{
	MethodInvite:    "INVITE",
	MethodAck:       "ACK",
	MethodCancel:    "CANCEL",
	MethodBye:       "BYE",
	MethodRegister:  "REGISTER",
	MethodOptions:   "OPTIONS",
	MethodInfo:      "INFO",
	MethodUpdate:    "UPDATE",
	MethodPrack:     "PRACK",
	MethodSubscribe: "SUBSCRIBE",
	MethodNotify:    "NOTIFY",
	MethodMessage:   "MESSAGE",
	MethodRefer:     "REFER",
	MethodPublish:   "PUBLISH",
}

// String returns the method name, or "" for MethodOther.
func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return ""
}

// LookupMethod returns the Method for a method name as received.
func LookupMethod(name string) Method {
	for m := MethodInvite; int(m) < len(methodNames); m++ {
		if methodNames[m] == name {
			return m
		}
	}
	return MethodOther
}

// Header is one header line of a message: where it is and what it is.
// Value is trimmed of surrounding white space and keeps any folded line
// ends inside it; typed accessors read through them.
type Header struct {
	Type  HeaderType
	Name  string // as received, e.g. "v" or "VIA"
	Value string
	// Start and End delimit the whole line, CRLF included, so removing a
	// header is Delete(Start, End). ValueStart is the offset of Value.
	Start, End, ValueStart int
}

// Msg is a SIP request or response: the bytes as received, the first line,
// an index of its headers and the body. Typed header values are parsed on
// first use and cached. All strings a Msg hands out are slices of its own
// copy of the bytes, so they stay valid however the receive buffer is
// reused.
type Msg struct {
	raw string

	isRequest  bool
	method     Method
	methodName string // request method, or the CSeq method of a response
	requestURI string
	version    string
	statusCode int
	reason     string

	headers   []Header
	headerBuf [24]Header // backing store for the common case

	headerEnd int // offset of the empty line that ends the header section
	bodyStart int
	body      string

	cache typedCache
	edits override // Request-URI and body set by SetRequestURI and SetBody

	// Lumps holds the edits to apply when the message is written out.
	Lumps Lumps
}

// Raw returns the message bytes as received (a datagram's trailing octets
// after Content-Length excluded).
func (m *Msg) Raw() string { return m.raw }

// IsRequest reports whether m is a request.
func (m *Msg) IsRequest() bool { return m.isRequest }

// Method returns the request method, or for a response the method of its
// CSeq (MethodOther until CSeq has been parsed without error).
func (m *Msg) Method() Method {
	if !m.isRequest && m.methodName == "" {
		m.responseMethod()
	}
	return m.method
}

// MethodName returns the method as received; see Method.
func (m *Msg) MethodName() string {
	if !m.isRequest && m.methodName == "" {
		m.responseMethod()
	}
	return m.methodName
}

func (m *Msg) responseMethod() {
	if cs, err := m.CSeq(); err == nil {
		m.methodName = cs.Method
		m.method = LookupMethod(cs.Method)
	}
}

// RequestURIString returns the Request-URI text of a request.
func (m *Msg) RequestURIString() string { return m.requestURI }

// Version returns the SIP-Version of the first line, e.g. "SIP/2.0".
func (m *Msg) Version() string { return m.version }

// StatusCode returns the status code of a response, 0 for a request.
func (m *Msg) StatusCode() int { return m.statusCode }

// Reason returns the reason phrase of a response.
func (m *Msg) Reason() string { return m.reason }

// Headers returns the header index in message order. The slice belongs to
// the message: do not modify it.
func (m *Msg) Headers() []Header { return m.headers }

// Header returns the first header of type t.
func (m *Msg) Header(t HeaderType) (*Header, bool) {
	for i := range m.headers {
		if m.headers[i].Type == t {
			return &m.headers[i], true
		}
	}
	return nil, false
}

// HeaderNamed returns the first header with the given name, compared
// without case; known names also match their compact forms.
func (m *Msg) HeaderNamed(name string) (*Header, bool) {
	if t := LookupHeader(name); t != HdrOther {
		return m.Header(t)
	}
	for i := range m.headers {
		if m.headers[i].Type == HdrOther && EqualFold(m.headers[i].Name, name) {
			return &m.headers[i], true
		}
	}
	return nil, false
}

// Value returns the value of the first header of type t, or "".
func (m *Msg) Value(t HeaderType) string {
	if h, ok := m.Header(t); ok {
		return h.Value
	}
	return ""
}

// Count returns how many header lines of type t the message has.
func (m *Msg) Count(t HeaderType) int {
	n := 0
	for i := range m.headers {
		if m.headers[i].Type == t {
			n++
		}
	}
	return n
}

// Body returns the message body: Content-Length bytes after the header
// section, or the rest of a datagram when Content-Length is absent.
func (m *Msg) Body() string { return m.body }

// BodyOffset returns the offset of the body in Raw.
func (m *Msg) BodyOffset() int { return m.bodyStart }

// HeaderEnd returns the offset of the empty line that ends the header
// section: new headers are inserted there.
func (m *Msg) HeaderEnd() int { return m.headerEnd }
