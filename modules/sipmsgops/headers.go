package sipmsgops

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// headerName matches header lines by name: a known header by its type,
// so that "From" also matches "f" (OpenSIPS compares hdr types), any other
// by its name without case.
type headerName struct {
	typ  sip.HeaderType
	name string
}

func parseHeaderName(s string) (headerName, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, ": \t\r\n") {
		return headerName{}, fmt.Errorf("invalid header name %q", s)
	}
	return headerName{typ: sip.LookupHeader(s), name: s}, nil
}

func fixupHeaderName(s string) (any, error) {
	h, err := parseHeaderName(s)
	return h, err
}

// headerArg returns the header name of an argument: fixed at load for a
// constant, parsed now for a variable.
func headerArg(a *engine.Arg) (headerName, bool) {
	if h, ok := a.Fixed.(headerName); ok {
		return h, true
	}
	if !a.Set {
		return headerName{}, false
	}
	h, err := parseHeaderName(a.Str)
	return h, err == nil
}

func (n headerName) matches(h *sip.Header) bool {
	if n.typ != sip.HdrOther {
		return h.Type == n.typ
	}
	return h.Type == sip.HdrOther && sip.EqualFold(h.Name, n.name)
}

func truth(b bool) int {
	if b {
		return 1
	}
	return -1
}

// addHeader puts txt (whole header lines, CRLF included, as the script
// gives them) after the last header or after the first anchor header for
// append_hf, before the first header or the anchor for insert_hf.
func addHeader(ctx *engine.Context, a []engine.Arg, after bool) int {
	m := ctx.Msg
	if m == nil {
		return -1
	}
	var anchor *sip.Header
	if a[1].Set || a[1].Fixed != nil {
		n, ok := headerArg(&a[1])
		if !ok {
			return -1
		}
		for i := range m.Headers() {
			if h := &m.Headers()[i]; n.matches(h) {
				anchor = h
				break
			}
		}
	}
	headers := m.Headers()
	switch {
	case after && anchor != nil:
		m.Lumps.InsertAfter(anchor.End, a[0].Str)
	case after:
		m.Lumps.InsertAfter(m.HeaderEnd(), a[0].Str)
	case anchor != nil:
		m.Lumps.InsertAfter(anchor.Start, a[0].Str)
	case len(headers) > 0:
		m.Lumps.InsertAfter(headers[0].Start, a[0].Str)
	default:
		m.Lumps.InsertAfter(m.HeaderEnd(), a[0].Str)
	}
	return 1
}

func appendHF(ctx *engine.Context, a []engine.Arg) int { return addHeader(ctx, a, true) }
func insertHF(ctx *engine.Context, a []engine.Arg) int { return addHeader(ctx, a, false) }

// appendURIHF is append_urihf(prefix, suffix): a header made of prefix,
// the Request-URI as received and suffix, after the last header.
func appendURIHF(ctx *engine.Context, a []engine.Arg) int {
	m := ctx.Msg
	if m == nil || !m.IsRequest() {
		return -1
	}
	m.Lumps.InsertAfter(m.HeaderEnd(), a[0].Str+m.RequestURIString()+a[1].Str)
	return 1
}

// removeMatching deletes every header line match accepts; true when at
// least one was found.
func removeMatching(m *sip.Msg, match func(h *sip.Header) bool) int {
	if m == nil {
		return -1
	}
	found := false
	for i := range m.Headers() {
		if h := &m.Headers()[i]; match(h) {
			m.RemoveHeader(h)
			found = true
		}
	}
	return truth(found)
}

func removeHF(ctx *engine.Context, a []engine.Arg) int {
	n, ok := headerArg(&a[0])
	if !ok {
		return -1
	}
	return removeMatching(ctx.Msg, n.matches)
}

// removeHFRegex is remove_hf_re(re): the header name as received is
// matched, like OpenSIPS's regexec on the name.
func removeHFRegex(ctx *engine.Context, a []engine.Arg) int {
	re, _ := a[0].Fixed.(*regexp.Regexp)
	if re == nil || !a[0].Set {
		return -1
	}
	return removeMatching(ctx.Msg, func(h *sip.Header) bool { return re.MatchString(h.Name) })
}

func fixupGlob(s string) (any, error) {
	if _, err := path.Match(strings.ToLower(s), ""); err != nil {
		return nil, fmt.Errorf("bad glob pattern %q", s)
	}
	return strings.ToLower(s), nil
}

// globMatch is fnmatch with FNM_CASEFOLD: '*', '?' and [classes].
func globMatch(pattern, name string) bool {
	ok, err := path.Match(pattern, strings.ToLower(name))
	return ok && err == nil
}

func globArg(a *engine.Arg) (string, bool) {
	if p, ok := a.Fixed.(string); ok {
		return p, true
	}
	if !a.Set {
		return "", false
	}
	p, err := fixupGlob(a.Str)
	if err != nil {
		return "", false
	}
	return p.(string), true
}

func removeHFGlob(ctx *engine.Context, a []engine.Arg) int {
	p, ok := globArg(&a[0])
	if !ok {
		return -1
	}
	return removeMatching(ctx.Msg, func(h *sip.Header) bool { return globMatch(p, h.Name) })
}

// isPresentHF is is_present_hf(name): looks at the headers as received.
func isPresentHF(ctx *engine.Context, a []engine.Arg) int {
	n, ok := headerArg(&a[0])
	if !ok || ctx.Msg == nil {
		return -1
	}
	for i := range ctx.Msg.Headers() {
		if n.matches(&ctx.Msg.Headers()[i]) {
			return 1
		}
	}
	return -1
}

// getGlobHeadersValues adds, for each header whose name matches the
// glob, its name to the first variable and its value to the second.
func getGlobHeadersValues(ctx *engine.Context, a []engine.Arg) int {
	p, ok := globArg(&a[0])
	if !ok || ctx.Msg == nil || a[1].Var == nil || a[2].Var == nil {
		return -1
	}
	found := false
	for i := range ctx.Msg.Headers() {
		h := &ctx.Msg.Headers()[i]
		if !globMatch(p, h.Name) {
			continue
		}
		if a[1].Var.Set(ctx, engine.Str(h.Name), false) != nil ||
			a[2].Var.Set(ctx, engine.Str(h.Value), false) != nil {
			return -1
		}
		found = true
	}
	return truth(found)
}

// hasToTag is has_totag(): the To header carries a tag parameter.
func hasToTag(ctx *engine.Context, _ []engine.Arg) int {
	if ctx.Msg == nil {
		return -1
	}
	to, err := ctx.Msg.To()
	return truth(err == nil && to.Tag() != "")
}
