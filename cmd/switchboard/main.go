// Command switchboard is a SIP server that runs OpenSIPS routing scripts.
//
// Until the transports land, it checks scripts and parses SIP messages:
//
//	switchboard -c -f opensips.cfg [-p "m4 -DENABLE_TCP"]   check a script, print every error
//	switchboard -dump FILE                                  parse FILE as one datagram and print its structure
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"switchboard/core"
	_ "switchboard/modules/all" // the compiled-in modules register themselves
	"switchboard/sip"
)

func main() {
	dump := flag.String("dump", "", "parse a SIP message `file` (one datagram) and print its structure")
	check := flag.Bool("c", false, "check the script and exit: 0 when it is valid, else every error is printed")
	cfgFile := flag.String("f", "", "the routing script `file` (opensips.cfg)")
	preproc := flag.String("p", "", "pipe the script through this preprocessor `command` first (e.g. m4)")
	flag.Parse()
	if *check {
		os.Exit(checkScript(*cfgFile, *preproc))
	}
	if *dump == "" {
		fmt.Fprintln(os.Stderr, "switchboard: the server is not built yet; use -c -f FILE to check a script or -dump FILE to parse a message")
		flag.Usage()
		os.Exit(2)
	}
	data, err := os.ReadFile(*dump)
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		os.Exit(1)
	}
	if err := dumpMessage(os.Stdout, data); err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		os.Exit(1)
	}
}

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

// checkScript is -c: load and compile the script, print every error.
func checkScript(path, preprocessor string) int {
	if path == "" {
		fmt.Fprintln(os.Stderr, "switchboard: -c needs -f FILE")
		return 2
	}
	if _, err := core.Load(path, core.LoadOptions{Preprocessor: preprocessor}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "switchboard: %s is valid\n", path)
	return 0
}
