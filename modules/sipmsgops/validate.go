package sipmsgops

import (
	"fmt"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// Validation flags of sipmsg_validate.
const (
	checkSDP      = 1 << iota // s: refused by the fixup until the SDP check is done
	checkHeaders              // h: every header body
	noMaxForwards             // m: do not require Max-Forwards
	checkRURI                 // r
	checkFrom                 // f
	checkTo                   // t
	checkContact              // c
)

// fixupValidateFlags reads the flags; like OpenSIPS, unknown letters are
// ignored. The SDP check (s) is refused until it is done here: accepting
// it would pretend to check.
func fixupValidateFlags(s string) (any, error) {
	flags := 0
	if strings.ContainsAny(s, "sS") {
		return nil, fmt.Errorf("not supported: sipmsg_validate flag s (SDP check)")
	}
	for _, c := range strings.ToLower(s) {
		flags |= map[rune]int{'s': checkSDP, 'h': checkHeaders, 'm': noMaxForwards,
			'r': checkRURI, 'f': checkFrom, 't': checkTo, 'c': checkContact}[c]
	}
	return flags, nil
}

// sipmsgValidate is sipmsg_validate([flags[, reason_var]]), with the
// return codes of OpenSIPS (its sip_validation_failures).
func sipmsgValidate(ctx *engine.Context, a []engine.Arg) int {
	flags, _ := a[0].Fixed.(int)
	code, reason := validate(ctx.Msg, flags)
	if code < 0 && a[1].Var != nil {
		if err := a[1].Var.Set(ctx, engine.Str(reason), false); err != nil {
			return -255
		}
	}
	return code
}

func validate(m *sip.Msg, flags int) (int, string) {
	if m == nil {
		return -1, "no message object"
	}
	if _, ok := m.Header(sip.HdrCallID); !ok {
		return -3, "message doesn't have callid"
	}
	if n, present, err := m.ContentLength(); err != nil {
		return -2, "message parsing failed"
	} else if present && n != len(m.Body()) && !(m.IsRequest() && m.Method() == sip.MethodCancel) {
		return -5, fmt.Sprintf("invalid body - content length %d different than actual body %d", n, len(m.Body()))
	}
	for _, need := range []struct {
		t    sip.HeaderType
		code int
	}{{sip.HdrCSeq, -7}, {sip.HdrFrom, -8}, {sip.HdrTo, -9}, {sip.HdrVia, -10}} {
		if _, ok := m.Header(need.t); !ok {
			return need.code, "message doesn't have " + need.t.String()
		}
	}
	if flags&checkTo != 0 {
		if code, reason := checkAddress(m.To, -22, -23, "To"); code < 0 {
			return code, reason
		}
	}
	if flags&checkFrom != 0 {
		if code, reason := checkAddress(m.From, -24, -25, "From"); code < 0 {
			return code, reason
		}
	}
	if m.IsRequest() {
		if flags&checkRURI != 0 {
			if _, err := m.RequestURI(); err != nil {
				return -11, "failed to parse R-URI"
			}
		}
		if _, ok := m.Header(sip.HdrMaxForwards); !ok && flags&noMaxForwards == 0 {
			return -13, "message doesn't have Max-Forwards"
		}
		if flags&checkContact != 0 {
			if _, err := m.Contacts(); err != nil {
				return -26, "failed to parse Contact header"
			}
		}
		if _, ok := m.Header(sip.HdrPath); ok && m.Method() != sip.MethodRegister {
			return -15, "PATH header supported only for REGISTERs"
		}
	} else if m.Method() != sip.MethodCancel {
		required := map[int]struct {
			t    sip.HeaderType
			code int
		}{405: {sip.HdrAllow, -16}, 407: {sip.HdrProxyAuthenticate, -18},
			420: {sip.HdrUnsupported, -19}, 401: {sip.HdrWWWAuthenticate, -20}}
		if m.StatusCode() == 423 && m.Method() == sip.MethodRegister {
			required[423] = struct {
				t    sip.HeaderType
				code int
			}{sip.HdrMinExpires, -17}
		}
		if need, ok := required[m.StatusCode()]; ok {
			if _, present := m.Header(need.t); !present {
				return need.code, "message doesn't have " + need.t.String()
			}
		}
	}
	if m.Body() != "" {
		if _, ok := m.Header(sip.HdrContentType); !ok {
			return -21, "message doesn't have Content-Type"
		}
	}
	if flags&checkHeaders != 0 {
		if err := m.Check(); err != nil {
			return -2, "failed to parse headers"
		}
	}
	return 1, ""
}

// checkAddress parses From or To and checks its host.
func checkAddress(get func() (*sip.NameAddr, error), parseCode, hostCode int, name string) (int, string) {
	na, err := get()
	if err != nil {
		return parseCode, "failed to parse '" + name + "' header"
	}
	if na.URI.IsSIP() && na.URI.Host == "" {
		return hostCode, "invalid domain for '" + name + "' header"
	}
	return 1, ""
}
