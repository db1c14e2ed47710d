package rr

import (
	"testing"
)

// ourRR is the Record-Route value record_route wrote for this server.
const ourRR = "<sip:127.0.0.1:5060;lr;ftag=1928301774;nat=yes>"

func TestLooseRoute(t *testing.T) {
	const (
		target = "sip:bob@192.0.2.4"       // the callee's Contact, the remote target
		next   = "<sip:p2.example.com;lr>" // a loose router after us
		strict = "<sip:p2.example.com>"    // a strict router after us
		r2out  = "<sip:127.0.0.1:5061;transport=tcp;r2=on;lr;ftag=1928301774>"
		r2in   = "<sip:127.0.0.1:5060;r2=on;lr;ftag=1928301774>"
	)
	tests := []struct {
		name    string
		params  string
		in, out dialog
		rc      int
		du      string // $du after
		socket  string // $socket_out after
	}{
		{name: "RFC 3261 16.4/16.12 in-dialog BYE: our Route removed, next loose hop is $du",
			in:  dialog{ruri: target, toTag: "a6c85cf", routes: []string{ourRR, next}},
			out: dialog{ruri: target, toTag: "a6c85cf", routes: []string{next}},
			rc:  1, du: "sip:p2.example.com;lr", socket: "udp:127.0.0.1:5060"},
		{name: "rr docs: in-dialog ACK with only our Route: removed, returns true, the R-URI is the next hop",
			in:  dialog{method: "ACK", ruri: target, toTag: "a6c85cf", routes: []string{ourRR}},
			out: dialog{method: "ACK", ruri: target, toTag: "a6c85cf"},
			rc:  1, socket: "udp:127.0.0.1:5060"},
		{name: "rr docs: preloaded Route (no To tag) naming only us: removed, returns false",
			in:  dialog{method: "INVITE", ruri: target, routes: []string{ourRR}},
			out: dialog{method: "INVITE", ruri: target},
			rc:  -1},
		{name: "preloaded Route set: ours removed, the next is $du, the socket is not forced",
			in:  dialog{method: "INVITE", ruri: target, routes: []string{ourRR, next}},
			out: dialog{method: "INVITE", ruri: target, routes: []string{next}},
			rc:  1, du: "sip:p2.example.com;lr"},
		{name: "rr docs: no Route header returns false",
			in:  dialog{ruri: target, toTag: "a6c85cf"},
			out: dialog{ruri: target, toTag: "a6c85cf"},
			rc:  -1},
		{name: "RFC 3261 16.12: top Route not ours is the next hop, nothing removed",
			in:  dialog{method: "INVITE", ruri: target, toTag: "a6c85cf", routes: []string{next, ourRR}},
			out: dialog{method: "INVITE", ruri: target, toTag: "a6c85cf", routes: []string{next, ourRR}},
			rc:  1, du: "sip:p2.example.com;lr"},
		{name: "RFC 3261 16.6 step 6: next hop a strict router: R-URI appended as the last Route",
			in: dialog{ruri: target, toTag: "a6c85cf", routes: []string{ourRR, strict, "<sip:p3.example.com;lr>"}},
			out: dialog{ruri: "sip:p2.example.com", toTag: "a6c85cf", routes: []string{"<sip:p3.example.com;lr>"},
				extra: "Route: <" + target + ">\r\n"},
			rc: 1, socket: "udp:127.0.0.1:5060"},
		{name: "RFC 3261 16.4: strict router before us: R-URI ours, the last Route is the remote target",
			in:  dialog{ruri: "sip:127.0.0.1:5060;lr;ftag=1928301774;nat=yes", toTag: "a6c85cf", routes: []string{next, "<" + target + ">"}},
			out: dialog{ruri: target, toTag: "a6c85cf", routes: []string{next}},
			rc:  1, du: "sip:p2.example.com;lr", socket: "udp:127.0.0.1:5060"},
		{name: "RFC 3261 16.4: strict router before us, remote target in the same header as the next hop",
			in:  dialog{ruri: "sip:127.0.0.1;ftag=1928301774", toTag: "a6c85cf", routes: []string{next + ", <" + target + ">"}},
			out: dialog{ruri: target, toTag: "a6c85cf", routes: []string{next}},
			rc:  1, du: "sip:p2.example.com;lr", socket: "udp:127.0.0.1:5060"},
		{name: "strict router before us, next hop strict too: it becomes the R-URI",
			in:  dialog{ruri: "sip:127.0.0.1:5060", toTag: "a6c85cf", routes: []string{strict, "<" + target + ">"}},
			out: dialog{ruri: "sip:p2.example.com", toTag: "a6c85cf", routes: []string{"<" + target + ">"}},
			rc:  1, socket: "udp:127.0.0.1:5060"},
		{name: "RFC 5658: both our Record-Route values removed, the socket is the second's",
			in:  dialog{method: "INVITE", ruri: target, toTag: "a6c85cf", routes: []string{r2in, r2out, next}},
			out: dialog{method: "INVITE", ruri: target, toTag: "a6c85cf", routes: []string{next}},
			rc:  1, du: "sip:p2.example.com;lr", socket: "tcp:127.0.0.1:5061"},
		{name: "RFC 5658 from the other side, values in one header: the rest of the header is kept",
			in:  dialog{ruri: target, toTag: "a6c85cf", routes: []string{r2out + "," + r2in + ", " + next}},
			out: dialog{ruri: target, toTag: "a6c85cf", routes: []string{next}},
			rc:  1, du: "sip:p2.example.com;lr", socket: "udp:127.0.0.1:5060"},
		{name: "RFC 5658 double Record-Route as the last Route values: the R-URI is the next hop",
			in:  dialog{ruri: target, toTag: "a6c85cf", routes: []string{r2in, r2out}},
			out: dialog{ruri: target, toTag: "a6c85cf"},
			rc:  1, socket: "tcp:127.0.0.1:5061"},
		{name: "rr docs enable_double_rr 0: only the top Route is ours to remove",
			params: `modparam("rr", "enable_double_rr", 0)`,
			in:     dialog{ruri: target, toTag: "a6c85cf", routes: []string{r2in, r2out}},
			out:    dialog{ruri: target, toTag: "a6c85cf", routes: []string{r2out}},
			rc:     1, du: "sip:127.0.0.1:5061;transport=tcp;r2=on;lr;ftag=1928301774", socket: "udp:127.0.0.1:5060"},
		{name: "our Route first in a header with others: only it and its comma go",
			in:  dialog{method: "INVITE", ruri: target, toTag: "a6c85cf", routes: []string{ourRR + " , " + next, "<sip:p3.example.com;lr>"}},
			out: dialog{method: "INVITE", ruri: target, toTag: "a6c85cf", routes: []string{next, "<sip:p3.example.com;lr>"}},
			rc:  1, du: "sip:p2.example.com;lr", socket: "udp:127.0.0.1:5060"},
		{name: "RFC 3261 19.1.1 maddr: the next hop is the maddr address",
			in:  dialog{ruri: target, toTag: "a6c85cf", routes: []string{ourRR, "<sip:p2.example.com:5070;maddr=192.0.2.9;lr>"}},
			out: dialog{ruri: target, toTag: "a6c85cf", routes: []string{"<sip:p2.example.com:5070;maddr=192.0.2.9;lr>"}},
			rc:  1, du: "sip:192.0.2.9:5070", socket: "udp:127.0.0.1:5060"},
		{name: "our address on another port is not us",
			in:  dialog{ruri: target, toTag: "a6c85cf", routes: []string{"<sip:127.0.0.1:5090;lr>"}},
			out: dialog{ruri: target, toTag: "a6c85cf", routes: []string{"<sip:127.0.0.1:5090;lr>"}},
			rc:  1, du: "sip:127.0.0.1:5090;lr"},
		{name: "a GRUU R-URI with our host is not a strict router's doing",
			in:  dialog{ruri: "sip:127.0.0.1;gr=urn:uuid:f81d4fae", toTag: "a6c85cf", routes: []string{ourRR}},
			out: dialog{ruri: "sip:127.0.0.1;gr=urn:uuid:f81d4fae", toTag: "a6c85cf"},
			rc:  1, socket: "udp:127.0.0.1:5060"},
		{name: "rr docs: a Route that does not parse returns false",
			in:  dialog{ruri: target, toTag: "a6c85cf", routes: []string{"<sip:127.0.0.1;lr"}},
			out: dialog{ruri: target, toTag: "a6c85cf", routes: []string{"<sip:127.0.0.1;lr"}},
			rc:  -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.params, `loose_route(); $var(rc) = $rc;`, tc.in.String())
			if got := rc(r); got != tc.rc {
				t.Errorf("returned %d, want %d\n%s", got, tc.rc, r.Log)
			}
			out := r.Out()
			if want := tc.out.String(); out != want {
				t.Errorf("request\n%s\nwant\n%s", out, want)
			}
			if tc.rc == 1 {
				mustParse(t, out)
			}
			if r.Ctx.DstURI != tc.du {
				t.Errorf("$du %q, want %q", r.Ctx.DstURI, tc.du)
			}
			if r.Ctx.Socket != tc.socket {
				t.Errorf("$socket_out %q, want %q", r.Ctx.Socket, tc.socket)
			}
		})
	}
}

// After loose_route the core sends the request to $du: the next Route.
func TestLooseRouteForward(t *testing.T) {
	in := dialog{ruri: "sip:bob@192.0.2.4", toTag: "a6c85cf", routes: []string{ourRR, "<sip:p2.example.com;lr>"}}
	r := run(t, "", `if (loose_route()) { fwd(); }`, in.String())
	if len(r.Sent.Forwards) != 1 {
		t.Fatalf("%d forwards\n%s", len(r.Sent.Forwards), r.Log)
	}
	f := r.Sent.Forwards[0]
	if f.Dst != "sip:p2.example.com;lr" {
		t.Errorf("sent to %q", f.Dst)
	}
	want := dialog{ruri: "sip:bob@192.0.2.4", toTag: "a6c85cf", routes: []string{"<sip:p2.example.com;lr>"}}.String()
	if got := f.Data; got != forwarded(t, got, want, udpVia) {
		t.Errorf("forwarded\n%s", got)
	}
	mustParse(t, f.Data)
}
