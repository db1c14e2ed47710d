package main

import (
	"fmt"
	"io"

	"switchboard/sip"
)

// dumpMessage prints the first line, the header index with each known
// header's typed value, and the body length; it returns the first parse or
// check error after printing what could be read.
func dumpMessage(w io.Writer, data []byte) error {
	m, err := sip.Parse(data)
	if m == nil {
		return err
	}
	if m.IsRequest() {
		fmt.Fprintf(w, "request  %s %s %s\n", m.MethodName(), m.RequestURIString(), m.Version())
	} else {
		fmt.Fprintf(w, "response %s %d %q\n", m.Version(), m.StatusCode(), m.Reason())
	}
	for _, h := range m.Headers() {
		kind := h.Type.String()
		if kind == "" {
			kind = "(other)"
		}
		fmt.Fprintf(w, "  %-20s %-12q @%-5d %q\n", kind, h.Name, h.Start, h.Value)
	}
	fmt.Fprintf(w, "body     %d bytes at offset %d\n", len(m.Body()), m.BodyOffset())
	if err != nil {
		return err
	}
	if err := m.Check(); err != nil {
		return fmt.Errorf("check: %w (reply %d)", err, sip.StatusFor(err))
	}
	dumpTyped(w, m)
	return nil
}

func dumpTyped(w io.Writer, m *sip.Msg) {
	if m.IsRequest() {
		if u, err := m.RequestURI(); err == nil {
			fmt.Fprintf(w, "r-uri    scheme=%q user=%q host=%q port=%d params=%q\n", u.Scheme, u.User, u.Host, u.Port, u.Params)
		}
	}
	if vias, err := m.Vias(); err == nil {
		for _, v := range vias {
			fmt.Fprintf(w, "via      %s/%s/%s host=%q port=%d branch=%q\n", v.Protocol, v.Version, v.Transport, v.Host, v.Port, v.Branch)
		}
	}
	from, _ := m.From()
	to, _ := m.To()
	callID, _ := m.CallID()
	cseq, _ := m.CSeq()
	fmt.Fprintf(w, "from     %q tag=%q\n", from.URI.Raw, from.Tag())
	fmt.Fprintf(w, "to       %q tag=%q\n", to.URI.Raw, to.Tag())
	fmt.Fprintf(w, "call-id  %q\ncseq     %d %s\n", callID, cseq.Seq, cseq.Method)
}
