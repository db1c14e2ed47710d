package sipmsgops

import (
	"fmt"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// methodSet is what is_method compares: a bit per known method, or one
// other method's name.
type methodSet struct {
	known uint32
	other string
}

// parseMethods reads "INVITE" or "INVITE|BYE|...". A list may hold only
// methods OpenSIPS knows by id; a single unknown name is compared as
// text, without case.
func parseMethods(s string) (methodSet, error) {
	if s == "" {
		return methodSet{}, fmt.Errorf("empty method name")
	}
	names := strings.Split(s, "|")
	var set methodSet
	for _, name := range names {
		m := sip.LookupMethod(strings.ToUpper(strings.TrimSpace(name)))
		if m == sip.MethodOther {
			if len(names) > 1 {
				return methodSet{}, fmt.Errorf("unknown method %q in list %q: a list may hold only known methods", name, s)
			}
			return methodSet{other: strings.TrimSpace(name)}, nil
		}
		set.known |= 1 << m
	}
	return set, nil
}

func fixupMethods(s string) (any, error) { return parseMethods(s) }

// isMethod is is_method(list): the request method, or for a reply the
// CSeq method.
func isMethod(ctx *engine.Context, a []engine.Arg) int {
	set, ok := a[0].Fixed.(methodSet)
	if !ok {
		var err error
		if set, err = parseMethods(a[0].Str); err != nil {
			return -1
		}
	}
	m := ctx.Msg
	if m == nil {
		return -1
	}
	method := m.Method()
	if set.other != "" {
		return truth(method == sip.MethodOther && sip.EqualFold(m.MethodName(), set.other))
	}
	return truth(method != sip.MethodOther && set.known&(1<<method) != 0)
}

// fixupMime checks a "type/subtype" argument at load, as OpenSIPS's
// decode_mime_type does.
func fixupMime(s string) (any, error) {
	t, sub, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok || t == "" || sub == "" || strings.ContainsAny(s, ",; \t") {
		return nil, fmt.Errorf("invalid MIME type %q: want one type/subtype", s)
	}
	return strings.ToLower(strings.TrimSpace(s)), nil
}

// hasBody is has_body([mime]) and has_body_part([mime]): a non-empty body,
// of the given type, or holding a part of it when the body is multipart
// (one level, as OpenSIPS).
func hasBody(ctx *engine.Context, a []engine.Arg) int {
	m := ctx.Msg
	if m == nil || m.Body() == "" {
		return -1
	}
	if !a[0].Set && a[0].Fixed == nil {
		return 1
	}
	want, ok := a[0].Fixed.(string)
	if !ok {
		v, err := fixupMime(a[0].Str)
		if err != nil {
			return -1
		}
		want = v.(string)
	}
	ct, present, err := m.ContentType()
	if !present || err != nil {
		return -1
	}
	top := strings.ToLower(ct.Type + "/" + ct.Subtype)
	if top == want {
		return 1
	}
	if !sip.EqualFold(ct.Type, "multipart") {
		return -1
	}
	boundary, _ := ct.Params.Get("boundary")
	for _, part := range bodyParts(m.Body(), sip.Unquote(boundary)) {
		if strings.EqualFold(part, want) {
			return 1
		}
	}
	return -1
}

// bodyParts returns the Content-Type of each part of a multipart body
// (RFC 2046 §5.1.1); a part without one is text/plain.
func bodyParts(body, boundary string) []string {
	if boundary == "" {
		return nil
	}
	var types []string
	chunks := strings.Split(body, "--"+boundary)
	for _, chunk := range chunks[1:] {
		if strings.HasPrefix(chunk, "--") {
			break // the close delimiter
		}
		head, _, _ := strings.Cut(strings.TrimPrefix(chunk, "\r\n"), "\r\n\r\n")
		ctype := "text/plain"
		for _, line := range strings.Split(head, "\r\n") {
			name, value, ok := strings.Cut(line, ":")
			if ok && sip.LookupHeader(strings.TrimSpace(name)) == sip.HdrContentType {
				ctype, _, _ = strings.Cut(strings.TrimSpace(value), ";")
				ctype = strings.TrimSpace(ctype)
			}
		}
		types = append(types, ctype)
	}
	return types
}

// privacyValues are the priv-values of RFC 3323 §4.2 and RFC 3325 that
// OpenSIPS knows.
var privacyValues = []string{"header", "session", "user", "none", "critical", "id", "history"}

func fixupPrivacy(s string) (any, error) {
	for _, v := range privacyValues {
		if strings.EqualFold(s, v) {
			return v, nil
		}
	}
	return nil, fmt.Errorf("invalid privacy value %q: want one of %s", s, strings.Join(privacyValues, ", "))
}

// isPrivacy is is_privacy(value): the Privacy headers list value.
func isPrivacy(ctx *engine.Context, a []engine.Arg) int {
	want, ok := a[0].Fixed.(string)
	if !ok {
		v, err := fixupPrivacy(a[0].Str)
		if err != nil {
			return -1
		}
		want = v.(string)
	}
	if ctx.Msg == nil {
		return -1
	}
	for _, h := range ctx.Msg.Headers() {
		if h.Type != sip.HdrPrivacy {
			continue
		}
		for _, v := range strings.FieldsFunc(h.Value, func(r rune) bool { return r == ';' || r == ',' }) {
			if strings.EqualFold(strings.TrimSpace(v), want) {
				return 1
			}
		}
	}
	return -1
}

// changeReplyStatus is change_reply_status(code, reason) in an
// onreply_route: the status line is rewritten with lumps. As in
// OpenSIPS, the class of a provisional or 2xx reply cannot change, nor
// can a final reply become one.
func changeReplyStatus(ctx *engine.Context, a []engine.Arg) int {
	m := ctx.Msg
	code := a[0].Int
	if m == nil || m.IsRequest() || !a[0].Set || code < 100 || code > 699 {
		return -1
	}
	if (code < 300 || m.StatusCode() < 300) && code/100 != m.StatusCode()/100 {
		return -1
	}
	if strings.ContainsAny(a[1].Str, "\r\n") {
		return -1
	}
	raw := m.Raw()
	lineEnd := strings.IndexAny(raw, "\r\n")
	codeStart := len(m.Version()) + 1
	if lineEnd < codeStart+3 {
		return -1
	}
	// From the code to the end of the line: "200 OK" -> "404 Not Found".
	m.Lumps.Replace(codeStart, lineEnd, fmt.Sprintf("%03d %s", code, a[1].Str))
	return 1
}
