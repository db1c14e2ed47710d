package pv

import (
	"os"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// messagePVs are the first line, the fixed headers and the body.
func messagePVs() []engine.PVClass {
	return []engine.PVClass{
		// $rm: the request method, or for a reply the CSeq method.
		msgPV("rm", func(m *sip.Msg) engine.Value { return strOrNull(m.MethodName()) }),
		// $rs and $rr exist only in replies; $rs has both forms.
		msgPV("rs", func(m *sip.Msg) engine.Value {
			if m.IsRequest() {
				return engine.Null
			}
			return engine.StrInt(statusText(m), m.StatusCode())
		}),
		msgPV("rr", func(m *sip.Msg) engine.Value {
			if m.IsRequest() {
				return engine.Null
			}
			return engine.Str(m.Reason())
		}),
		msgPV("ci", func(m *sip.Msg) engine.Value { return headerValue(m, sip.HdrCallID) }),
		// $cl: the Content-Length header, as text and number.
		msgPV("cl", func(m *sip.Msg) engine.Value {
			h, ok := m.Header(sip.HdrContentLength)
			if !ok {
				return engine.Null
			}
			n, _, err := m.ContentLength()
			if err != nil {
				return engine.Str(h.Value)
			}
			return engine.StrInt(h.Value, n)
		}),
		// $cs: the CSeq number (OpenSIPS gives its text; the number form
		// is added so arithmetic needs no conversion).
		msgPV("cs", func(m *sip.Msg) engine.Value {
			h, ok := m.Header(sip.HdrCSeq)
			if !ok {
				return engine.Null
			}
			cs, err := m.CSeq()
			if err != nil {
				return engine.Null
			}
			end := 0
			for end < len(h.Value) && h.Value[end] >= '0' && h.Value[end] <= '9' {
				end++
			}
			return engine.StrInt(h.Value[:end], int(cs.Seq))
		}),
		// $mb and $ml are the message as received, before any change.
		msgPV("mb", func(m *sip.Msg) engine.Value { return engine.Str(m.Raw()) }),
		msgPV("ml", func(m *sip.Msg) engine.Value { return engine.Int(len(m.Raw())) }),
		// $rb: the received body; multipart selection ($rb[n],
		// $rb(mime)) is not implemented.
		msgPV("rb", func(m *sip.Msg) engine.Value { return strOrNull(m.Body()) }),
		// $cT: the Content-Type header of the message (parts of a
		// multipart body are not indexed).
		msgPV("cT", func(m *sip.Msg) engine.Value { return headerValue(m, sip.HdrContentType) }),
		msgPV("ua", func(m *sip.Msg) engine.Value { return headerValue(m, sip.HdrUserAgent) }),
		msgPV("msg.is_request", func(m *sip.Msg) engine.Value { return boolValue(m.IsRequest()) }),
		msgPV("msg.type", func(m *sip.Msg) engine.Value {
			if m.IsRequest() {
				return engine.Str("request")
			}
			return engine.Str("reply")
		}),
		msgPV("rt", func(m *sip.Msg) engine.Value {
			n, err := m.ReferTo()
			if err != nil {
				return engine.Null
			}
			return engine.Str(n.URI.Raw)
		}),
		msgPV("ai", func(m *sip.Msg) engine.Value { return firstAddr(m, sip.HdrPAssertedIdentity, addrURI) }),
		msgPV("re", func(m *sip.Msg) engine.Value { return firstAddr(m, sip.HdrRemotePartyID, addrURI) }),
		msgPV("di", func(m *sip.Msg) engine.Value { return firstAddr(m, sip.HdrDiversion, addrURI) }),
		msgPV("dir", func(m *sip.Msg) engine.Value { return firstAddr(m, sip.HdrDiversion, addrParam("reason")) }),
		msgPV("dip", func(m *sip.Msg) engine.Value { return firstAddr(m, sip.HdrDiversion, addrParam("privacy")) }),
		msgPV("pu", func(m *sip.Msg) engine.Value { return firstAddr(m, sip.HdrPPreferredIdentity, addrURI) }),
		msgPV("pU", func(m *sip.Msg) engine.Value { return firstAddr(m, sip.HdrPPreferredIdentity, addrUser) }),
		msgPV("pd", func(m *sip.Msg) engine.Value { return firstAddr(m, sip.HdrPPreferredIdentity, addrHost) }),
		msgPV("pn", func(m *sip.Msg) engine.Value { return firstAddr(m, sip.HdrPPreferredIdentity, addrDisplay) }),
	}
}

// miscPVs are the process-level ones.
func miscPVs() []engine.PVClass {
	pid := os.Getpid()
	return []engine.PVClass{
		roPV("pp", func(*engine.Context) engine.Value { return engine.Int(pid) }),
		// Filled in by the compiler: see IsCompileTimePV.
		roPV("cfg_line", func(*engine.Context) engine.Value { return engine.Null }),
		roPV("cfg_file", func(*engine.Context) engine.Value { return engine.Null }),
		{Name: "argv", Key: engine.KeyRequired, Get: func(_ *engine.Context, k *engine.PVKey) engine.Value {
			argv.RLock()
			v, ok := argv.m[k.Name]
			argv.RUnlock()
			if !ok {
				return engine.Null
			}
			return engine.Str(v)
		}},
	}
}

// statusText returns the status code as received, without formatting it.
func statusText(m *sip.Msg) string {
	raw := m.Raw()
	i := strings.IndexByte(raw, ' ')
	if i < 0 || i+4 > len(raw) {
		return ""
	}
	return raw[i+1 : i+4]
}

func headerValue(m *sip.Msg, t sip.HeaderType) engine.Value {
	if h, ok := m.Header(t); ok {
		return engine.Str(h.Value)
	}
	return engine.Null
}

// firstAddr reads a field of the first address of headers of type t.
func firstAddr(m *sip.Msg, t sip.HeaderType, field func(*sip.NameAddr) engine.Value) engine.Value {
	if _, ok := m.Header(t); !ok {
		return engine.Null
	}
	list, err := m.NameAddrs(t)
	if len(list) == 0 || err != nil && len(list) == 0 {
		return engine.Null
	}
	return field(&list[0])
}

func addrURI(n *sip.NameAddr) engine.Value  { return strOrNull(n.URI.Raw) }
func addrUser(n *sip.NameAddr) engine.Value { return strOrNull(n.URI.User) }
func addrHost(n *sip.NameAddr) engine.Value { return strOrNull(n.URI.Host) }

// addrDisplay is the display name as received: OpenSIPS keeps the quotes
// of a quoted one.
func addrDisplay(n *sip.NameAddr) engine.Value { return strOrNull(n.Display) }

func addrParam(name string) func(*sip.NameAddr) engine.Value {
	return func(n *sip.NameAddr) engine.Value {
		v, ok := n.Params.Get(name)
		if !ok {
			return engine.Null
		}
		return engine.Str(v)
	}
}
