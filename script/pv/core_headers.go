package pv

import (
	"fmt"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// fieldDelim joins the values of a [*] read into one string, as
// OpenSIPS's PV_FIELD_DELIM does.
const fieldDelim = ", "

// headerPVs are $hdr, $hdrcnt, $hdr_name, $ct and the From/To family.
func headerPVs() []engine.PVClass {
	classes := []engine.PVClass{
		{Name: "hdr", Key: engine.KeyRequired, ParseKey: parseHeaderName, Indexed: true,
			Get: getHeader, All: allHeaders},
		{Name: "hdrcnt", Key: engine.KeyRequired, ParseKey: parseHeaderName,
			Get: func(ctx *engine.Context, k *engine.PVKey) engine.Value {
				if ctx.Msg == nil {
					return engine.Null
				}
				return engine.Int(len(headerLines(ctx.Msg, k)))
			}},
		{Name: "hdr_name", Indexed: true, Get: getHeaderName, All: allHeaderNames},
		{Name: "ct", Indexed: true, Get: contactGetter(nil), All: contactAll(nil)},
		{Name: "ct.fields", Key: engine.KeyRequired, ParseKey: parseContactField, Indexed: true,
			Get: contactGetter(contactField), All: contactAll(contactField)},
	}
	for _, pv := range []struct {
		names []string
		field func(*sip.NameAddr) engine.Value
	}{
		{[]string{"fu", "from"}, addrURI},
		{[]string{"fU", "from.user"}, addrUser},
		{[]string{"fd", "from.domain"}, addrHost},
		{[]string{"fn"}, addrDisplay},
		{[]string{"ft"}, addrTag},
	} {
		for _, name := range pv.names {
			classes = append(classes, msgPV(name, fromTo((*sip.Msg).From, pv.field)))
		}
	}
	for _, pv := range []struct {
		names []string
		field func(*sip.NameAddr) engine.Value
	}{
		{[]string{"tu", "to"}, addrURI},
		{[]string{"tU", "to.user"}, addrUser},
		{[]string{"td", "to.domain"}, addrHost},
		{[]string{"tn"}, addrDisplay},
		{[]string{"tt"}, addrTag},
	} {
		for _, name := range pv.names {
			classes = append(classes, msgPV(name, fromTo((*sip.Msg).To, pv.field)))
		}
	}
	return classes
}

func addrTag(n *sip.NameAddr) engine.Value { return strOrNull(n.Tag()) }

func fromTo(header func(*sip.Msg) (*sip.NameAddr, error), field func(*sip.NameAddr) engine.Value) func(*sip.Msg) engine.Value {
	return func(m *sip.Msg) engine.Value {
		n, err := header(m)
		if err != nil {
			return engine.Null
		}
		return field(n)
	}
}

// headerName is what $hdr(name) compiles its name to: the header type,
// so that compact and full forms match each other.
type headerName struct {
	typ  sip.HeaderType
	name string
}

func parseHeaderName(name string) (any, error) {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c == ':' || c >= 0x7f {
			return nil, fmt.Errorf("invalid header name %q", name)
		}
	}
	return &headerName{typ: sip.LookupHeader(name), name: name}, nil
}

func (h *headerName) matches(hdr *sip.Header) bool {
	if h.typ != sip.HdrOther {
		return hdr.Type == h.typ
	}
	return hdr.Type == sip.HdrOther && sip.EqualFold(hdr.Name, h.name)
}

func keyHeader(k *engine.PVKey) *headerName {
	if h, ok := k.Data.(*headerName); ok {
		return h
	}
	h, _ := parseHeaderName(k.Name)
	if h == nil {
		return &headerName{name: k.Name}
	}
	return h.(*headerName)
}

// headerLines returns the indexes of the header lines $hdr(name) means.
// It allocates; the single-value path of getHeader does not use it.
func headerLines(m *sip.Msg, k *engine.PVKey) []int {
	want := keyHeader(k)
	var idx []int
	for i, h := range m.Headers() {
		if want.matches(&h) {
			idx = append(idx, i)
		}
	}
	return idx
}

// getHeader returns the body of the n-th header line called name: a line
// holding several comma-separated values is one body ($hdr(Path) of
// "Path: <a>,<b>" is "<a>,<b>").
func getHeader(ctx *engine.Context, k *engine.PVKey) engine.Value {
	m := ctx.Msg
	if m == nil {
		return engine.Null
	}
	if k.AllIndexes {
		return joinValues(allHeaders(ctx, k))
	}
	want := keyHeader(k)
	headers := m.Headers()
	if k.Index >= 0 {
		n := k.Index
		for i := range headers {
			if want.matches(&headers[i]) {
				if n == 0 {
					return engine.Str(headers[i].Value)
				}
				n--
			}
		}
		return engine.Null
	}
	n := -k.Index
	for i := len(headers) - 1; i >= 0; i-- {
		if want.matches(&headers[i]) {
			n--
			if n == 0 {
				return engine.Str(headers[i].Value)
			}
		}
	}
	return engine.Null
}

func allHeaders(ctx *engine.Context, k *engine.PVKey) []engine.Value {
	if ctx.Msg == nil {
		return nil
	}
	var out []engine.Value
	headers := ctx.Msg.Headers()
	for _, i := range headerLines(ctx.Msg, k) {
		out = append(out, engine.Str(headers[i].Value))
	}
	return out
}

// getHeaderName is $(hdr_name[n]): the name of the n-th header line as
// received.
func getHeaderName(ctx *engine.Context, k *engine.PVKey) engine.Value {
	if ctx.Msg == nil {
		return engine.Null
	}
	if k.AllIndexes {
		return joinValues(allHeaderNames(ctx, k))
	}
	return pick(ctx.Msg.Headers(), k.Index, func(h sip.Header) engine.Value { return engine.Str(h.Name) })
}

func allHeaderNames(ctx *engine.Context, _ *engine.PVKey) []engine.Value {
	if ctx.Msg == nil {
		return nil
	}
	var out []engine.Value
	for _, h := range ctx.Msg.Headers() {
		out = append(out, engine.Str(h.Name))
	}
	return out
}

// pick returns element i of list (negative counts from the end) or null.
func pick[T any](list []T, i int, value func(T) engine.Value) engine.Value {
	if i < 0 {
		i += len(list)
	}
	if i < 0 || i >= len(list) {
		return engine.Null
	}
	return value(list[i])
}

func joinValues(list []engine.Value) engine.Value {
	if len(list) == 0 {
		return engine.Null
	}
	var b strings.Builder
	for i, v := range list {
		if i > 0 {
			b.WriteString(fieldDelim)
		}
		b.WriteString(v.String())
	}
	return engine.Str(b.String())
}

// Contact fields of $ct.fields(name).
type contactFieldID uint8

const (
	ctName contactFieldID = iota
	ctURI
	ctQ
	ctExpires
	ctMethods
	ctReceived
	ctParams
)

var contactFields = map[string]contactFieldID{
	"name": ctName, "uri": ctURI, "q": ctQ, "expires": ctExpires,
	"methods": ctMethods, "received": ctReceived, "params": ctParams,
}

func parseContactField(name string) (any, error) {
	f, ok := contactFields[name]
	if !ok {
		return nil, fmt.Errorf("unknown contact field %q (want name, uri, q, expires, methods, received or params)", name)
	}
	return f, nil
}

// contactField reads one field of a contact; params is every parameter
// after the URI, without the leading ';'.
func contactField(k *engine.PVKey, m *sip.Msg, c *sip.NameAddr) engine.Value {
	f, ok := k.Data.(contactFieldID)
	if !ok {
		return engine.Null
	}
	switch f {
	case ctName:
		return strOrNull(c.Display)
	case ctURI:
		return strOrNull(c.URI.Raw)
	case ctParams:
		return strOrNull(strings.TrimPrefix(strings.TrimSpace(string(c.Params)), ";"))
	}
	param := [...]string{ctQ: "q", ctExpires: "expires", ctMethods: "methods", ctReceived: "received"}[f]
	v, present := c.Params.Get(param)
	if !present {
		return engine.Null
	}
	return engine.Str(v)
}

// contactBody is a whole contact: display name, URI and parameters, as
// received.
func contactBody(_ *engine.PVKey, m *sip.Msg, c *sip.NameAddr) engine.Value {
	return engine.Str(m.Raw()[c.Start:c.End])
}

type contactReader func(k *engine.PVKey, m *sip.Msg, c *sip.NameAddr) engine.Value

// contactGetter reads $ct / $ct.fields: the n-th contact across every
// Contact header (negative from the end), "*" for a star Contact.
func contactGetter(field contactReader) func(*engine.Context, *engine.PVKey) engine.Value {
	if field == nil {
		field = contactBody
	}
	all := contactAll(field)
	return func(ctx *engine.Context, k *engine.PVKey) engine.Value {
		if ctx.Msg == nil {
			return engine.Null
		}
		if k.AllIndexes {
			return joinValues(all(ctx, k))
		}
		cs, err := ctx.Msg.Contacts()
		if err != nil {
			return engine.Null
		}
		if cs.Star {
			return engine.Str("*")
		}
		i := k.Index
		if i < 0 {
			i += len(cs.List)
		}
		if i < 0 || i >= len(cs.List) {
			return engine.Null
		}
		return field(k, ctx.Msg, &cs.List[i])
	}
}

func contactAll(field contactReader) func(*engine.Context, *engine.PVKey) []engine.Value {
	if field == nil {
		field = contactBody
	}
	return func(ctx *engine.Context, k *engine.PVKey) []engine.Value {
		if ctx.Msg == nil {
			return nil
		}
		cs, err := ctx.Msg.Contacts()
		if err != nil {
			return nil
		}
		if cs.Star {
			return []engine.Value{engine.Str("*")}
		}
		var out []engine.Value
		for i := range cs.List {
			if v := field(k, ctx.Msg, &cs.List[i]); !v.IsNull() {
				out = append(out, v)
			}
		}
		return out
	}
}
