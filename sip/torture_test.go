package sip

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// outcome says where the parser stops a torture message.
type outcome int

const (
	accepted      outcome = iota // Parse and Check succeed
	rejectedParse                // Parse fails: the message cannot be framed or indexed
	rejectedCheck                // Parse succeeds, Check fails (the element answers 400/505)
)

func (o outcome) String() string {
	return [...]string{"accepted", "rejected by Parse", "rejected by Check"}[o]
}

type tortureCase struct {
	file     string
	section  string
	want     outcome
	errText  string // part of the error text, for rejections
	decision string // what the RFC asks, and what switchboard does
	verify   func(t *testing.T, m *Msg)
}

// tortureCases has one case per message of RFC 4475 and RFC 5118, in RFC
// order. "Application" cases are accepted by the parser; verify shows the
// element has what it needs to give the answer the RFC expects.
var tortureCases = []tortureCase{
	{file: "rfc4475/wsinv.dat", section: "3.1.1.1", want: accepted,
		decision: "valid: folding, LWS around ':' ';' '=' '/', mixed case and compact names, escaped quotes in display names, unknown headers kept as received",
		verify: func(t *testing.T, m *Msg) {
			to := mustNameAddr(t, m.To)
			equal(t, "To tag", to.Tag(), "1918181833n")
			from := mustNameAddr(t, m.From)
			equal(t, "From display", from.DisplayName(), `J Rosenberg \"`)
			equal(t, "From tag", from.Tag(), "98asjd8")
			hops, _, _ := m.MaxForwards()
			equal(t, "Max-Forwards", hops, 68)
			cs, _ := m.CSeq()
			equal(t, "CSeq", cs, CSeq{Seq: 9, Method: "INVITE"})
			vias, _ := m.Vias()
			equal(t, "Via count", len(vias), 3)
			equal(t, "Via 1 transport", vias[1].Transport, "TCP")
			equal(t, "Via 2 branch", vias[2].Branch, "z9hG4bK30239")
			h, _ := m.HeaderNamed("UnknownHeaderWithUnusualValue")
			equal(t, "unknown header value", h.Value, ";;,,;;,;")
			h, _ = m.HeaderNamed("NewFangledHeader")
			equal(t, "folded unknown header", h.Value, "newfangled value\r\n continued newfangled value")
			cs2, _ := m.Contacts()
			q, _ := cs2.List[0].Q()
			equal(t, "Contact q", q, 330)
			equal(t, "Contact display", cs2.List[0].DisplayName(), `Quoted string ""`)
			equal(t, "body length", len(m.Body()), 150)
		}},
	{file: "rfc4475/intmeth.dat", section: "3.1.1.2", want: accepted,
		decision: "valid: an unknown method using every token character, exotic but legal URI characters, non-ASCII in a quoted parameter and in an unknown header",
		verify: func(t *testing.T, m *Msg) {
			equal(t, "method", m.MethodName(), "!interesting-Method0123456789_*+`.%indeed'~")
			equal(t, "method type", m.Method(), MethodOther)
			u, _ := m.RequestURI()
			equal(t, "R-URI user", u.User, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
			equal(t, "R-URI password", u.Password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
			from := mustNameAddr(t, m.From)
			equal(t, "From display", from.Display, "token1~` token2'+_ token3*%!.-")
			v, _ := from.Params.Get("fromParam''~+*_!.-%")
			equal(t, "From param", v, `"работающий"`)
			equal(t, "From tag", from.Tag(), "_token~1'+`*%!-.")
		}},
	{file: "rfc4475/esc01.dat", section: "3.1.1.3", want: accepted,
		decision: "valid: escapes are kept as received and compared decoded, so sip:%75se%72@example.com equals sip:user@example.com",
		verify: func(t *testing.T, m *Msg) {
			u, _ := m.RequestURI()
			equal(t, "R-URI user", u.User, "sips%3Auser%40example.com")
			to := mustNameAddr(t, m.To)
			want, _ := ParseURI("sip:user@example.com")
			equal(t, "To equals sip:user@", to.URI.Equal(&want), true)
			cs, _ := m.Contacts()
			v, _ := cs.List[0].URI.Params.Get("n%61me")
			equal(t, "escaped param value", v, "v%61lue%25%34%31")
		}},
	{file: "rfc4475/escnull.dat", section: "3.1.1.4", want: accepted,
		decision: "valid: %00 in a user part is an ordinary escaped octet; nothing is truncated",
		verify: func(t *testing.T, m *Msg) {
			to := mustNameAddr(t, m.To)
			user, err := Unescape(to.URI.User)
			equal(t, "unescape error", err, nil)
			equal(t, "To user decoded", user, "null-\x00-null")
			cs, _ := m.Contacts()
			equal(t, "contacts", len(cs.List), 2)
			equal(t, "second contact user", cs.List[1].URI.User, "%00%00")
		}},
	{file: "rfc4475/esc02.dat", section: "3.1.1.5", want: accepted,
		decision: "valid: RE%47IST%45R is an unknown method, not REGISTER; '%' in a display name is literal; C%6Fntact is an unknown header, not Contact",
		verify: func(t *testing.T, m *Msg) {
			equal(t, "method", m.Method(), MethodOther)
			equal(t, "method name", m.MethodName(), "RE%47IST%45R")
			to := mustNameAddr(t, m.To)
			equal(t, "To display", to.DisplayName(), "%Z%45")
			equal(t, "Contact headers", m.Count(HdrContact), 2)
			_, ok := m.HeaderNamed("C%6Fntact")
			equal(t, "C%6Fntact kept", ok, true)
		}},
	{file: "rfc4475/lwsdisp.dat", section: "3.1.1.6", want: accepted,
		decision: "valid: no LWS between a token display name and '<'",
		verify: func(t *testing.T, m *Msg) {
			from := mustNameAddr(t, m.From)
			equal(t, "From display", from.Display, "caller")
			equal(t, "From URI", from.URI.Raw, "sip:caller@example.com")
		}},
	{file: "rfc4475/longreq.dat", section: "3.1.1.7", want: accepted,
		decision: "valid: long tokens, header names and parameters, a long From tag, 34 Via headers written with every spelling of 'Via'; nothing has a fixed size",
		verify: func(t *testing.T, m *Msg) {
			vias, _ := m.Vias()
			equal(t, "Via count", len(vias), 34)
			equal(t, "first Via", vias[0].Host, "sip33.example.com")
			equal(t, "last Via", vias[33].Host, "host.example.com")
			equal(t, "last Via received", vias[33].Received, "192.0.2.5")
			from := mustNameAddr(t, m.From)
			if len(from.Tag()) < 100 {
				t.Errorf("From tag: got %d bytes, want the long one", len(from.Tag()))
			}
			to := mustNameAddr(t, m.To)
			equal(t, "To port", to.URI.Port, 6000)
		}},
	{file: "rfc4475/dblreq.dat", section: "3.1.1.8", want: accepted,
		decision: "valid: over UDP the octets after Content-Length (a second INVITE) are discarded; only the REGISTER is processed",
		verify: func(t *testing.T, m *Msg) {
			equal(t, "method", m.Method(), MethodRegister)
			equal(t, "body", m.Body(), "")
			if strings.Contains(m.Raw(), "INVITE") {
				t.Error("the trailing INVITE is still part of the message")
			}
		}},
	{file: "rfc4475/semiuri.dat", section: "3.1.1.9", want: accepted,
		decision: "valid: ';' in the user part belongs to the user, the R-URI has no parameters",
		verify: func(t *testing.T, m *Msg) {
			u, _ := m.RequestURI()
			equal(t, "R-URI user", u.User, "user;par=u%40example.net")
			equal(t, "R-URI host", u.Host, "example.com")
			equal(t, "R-URI params", u.Params, Params(""))
			acc, err := m.Accept()
			equal(t, "Accept error", err, nil)
			equal(t, "Accept values", len(acc), 6)
		}},
	{file: "rfc4475/transports.dat", section: "3.1.1.10", want: accepted,
		decision: "valid: unknown transports in Via are well formed",
		verify: func(t *testing.T, m *Msg) {
			vias, _ := m.Vias()
			var got []string
			for _, v := range vias {
				got = append(got, v.Transport)
			}
			equal(t, "transports", strings.Join(got, ","), "UDP,SCTP,TLS,UNKNOWN,TCP")
		}},
	{file: "rfc4475/mpart01.dat", section: "3.1.1.11", want: accepted,
		decision: "valid: the multipart body holds NUL and bare CR bytes; Content-Length counts bytes and the body is never split into lines",
		verify: func(t *testing.T, m *Msg) {
			n, _, _ := m.ContentLength()
			equal(t, "body length", len(m.Body()), n)
			if !strings.Contains(m.Body(), "\x00") {
				t.Error("body lost its NUL bytes")
			}
			ct, _, _ := m.ContentType()
			equal(t, "Content-Type", ct.Type+"/"+ct.Subtype, "multipart/mixed")
		}},
	{file: "rfc4475/unreason.dat", section: "3.1.1.12", want: accepted,
		decision: "valid: UTF-8 and special characters in a reason phrase",
		verify: func(t *testing.T, m *Msg) {
			equal(t, "status", m.StatusCode(), 200)
			if !strings.HasPrefix(m.Reason(), "= 2**3 * 5**2 но сто") {
				t.Errorf("reason %q", m.Reason())
			}
		}},
	{file: "rfc4475/noreason.dat", section: "3.1.1.13", want: accepted,
		decision: "valid: an empty reason phrase after the status code",
		verify: func(t *testing.T, m *Msg) {
			equal(t, "status", m.StatusCode(), 100)
			equal(t, "reason", m.Reason(), "")
			equal(t, "CSeq method of response", m.Method(), MethodInvite)
		}},
	{file: "rfc4475/badinv01.dat", section: "3.1.2.1", want: rejectedCheck, errText: "parameter name",
		decision: "invalid: empty parameters and values (';;,;,,') in Via and Contact; 400"},
	{file: "rfc4475/clerr.dat", section: "3.1.2.2", want: rejectedParse, errText: "larger than the message body",
		decision: "invalid over UDP: Content-Length 9999 exceeds the datagram (on a stream FrameLen waits for more bytes); 400"},
	{file: "rfc4475/ncl.dat", section: "3.1.2.3", want: rejectedParse, errText: "non-negative",
		decision: "invalid: negative Content-Length; 400, no negative sizes anywhere"},
	{file: "rfc4475/scalar02.dat", section: "3.1.2.4", want: rejectedCheck, errText: "32-bit",
		decision: "invalid: CSeq above 2^32-1 (also Max-Forwards 300, Expires and expires overflow, each reported by its accessor); 400",
		verify: func(t *testing.T, m *Msg) {
			if _, _, err := m.MaxForwards(); err == nil {
				t.Error("Max-Forwards 300 accepted")
			}
			if _, _, err := m.Expires(); err == nil {
				t.Error("overlarge Expires accepted")
			}
			cs, err := m.Contacts()
			equal(t, "Contact parse", err, nil)
			if _, _, err := cs.List[0].Expires(); err == nil {
				t.Error("overlarge contact expires accepted")
			}
		}},
	{file: "rfc4475/scalarlg.dat", section: "3.1.2.5", want: rejectedCheck, errText: "32-bit",
		decision: "invalid response: overlarge CSeq; a response is dropped, never answered"},
	{file: "rfc4475/quotbal.dat", section: "3.1.2.6", want: rejectedCheck, errText: "unterminated quoted",
		decision: "invalid: unterminated quoted display name; 400"},
	{file: "rfc4475/ltgtruri.dat", section: "3.1.2.7", want: rejectedCheck, errText: "'<'",
		decision: "invalid: Request-URI enclosed in '<' '>'; 400"},
	{file: "rfc4475/lwsruri.dat", section: "3.1.2.8", want: rejectedParse, errText: "white space in Request-URI",
		decision: "invalid: LWS inside the Request-URI; 400"},
	{file: "rfc4475/lwsstart.dat", section: "3.1.2.9", want: rejectedParse, errText: "more than one SP",
		decision: "invalid: several SP between request-line elements; 400"},
	{file: "rfc4475/trws.dat", section: "3.1.2.10", want: rejectedParse, errText: "white space after SIP-Version",
		decision: "invalid: SP after SIP-Version; rejected (the RFC allows a lenient element to accept, switchboard is strict on the request line)"},
	{file: "rfc4475/escruri.dat", section: "3.1.2.11", want: rejectedCheck, errText: "must not carry headers",
		decision: "invalid: headers ('?Route=') in a Request-URI; 400"},
	{file: "rfc4475/baddate.dat", section: "3.1.2.12", want: accepted,
		decision: "invalid Date (EST), but a proxy need not parse Date and forwards it untouched; a UAS that needs Date rejects it",
		verify: func(t *testing.T, m *Msg) {
			equal(t, "Date kept", strings.HasSuffix(m.Value(HdrDate), "EST"), true)
		}},
	{file: "rfc4475/regbadct.dat", section: "3.1.2.13", want: accepted,
		decision: "invalid Contact (URI with '?' outside '<>'): Check passes since a proxy does not read Contact; Contacts() fails, so a registrar answers 400",
		verify: func(t *testing.T, m *Msg) {
			_, err := m.Contacts()
			errContains(t, err, "enclosed in '<' '>'")
		}},
	{file: "rfc4475/badaspec.dat", section: "3.1.2.14", want: rejectedCheck, errText: "white space",
		decision: "invalid: spaces inside '<' '>' of To; rejected (the RFC allows a lenient element to accept)"},
	{file: "rfc4475/baddn.dat", section: "3.1.2.15", want: rejectedCheck, errText: "display name",
		decision: "invalid: unquoted display names with ','; 400. (This copy lacks the final empty line: the end of the datagram ends the headers.)"},
	{file: "rfc4475/badvers.dat", section: "3.1.2.16", want: rejectedCheck, errText: "unsupported SIP version",
		decision: "invalid: SIP/7.0; Check reports it with StatusFor = 505 Version Not Supported",
		verify: func(t *testing.T, m *Msg) {
			equal(t, "status for error", StatusFor(m.Check()), 505)
		}},
	{file: "rfc4475/mismatch01.dat", section: "3.1.2.17", want: rejectedCheck, errText: "does not match request method",
		decision: "invalid: OPTIONS with CSeq method INVITE; 400"},
	{file: "rfc4475/mismatch02.dat", section: "3.1.2.18", want: rejectedCheck, errText: "does not match request method",
		decision: "invalid: unknown method NEWMETHOD with CSeq method INVITE; 400"},
	{file: "rfc4475/bigcode.dat", section: "3.1.2.19", want: rejectedParse, errText: "status code",
		decision: "invalid response: status code 4294967301; dropped"},
	{file: "rfc4475/badbranch.dat", section: "3.2.1", want: accepted,
		decision: "valid syntax; the branch is only the magic cookie, so HasRFC3261Branch is false and tm matches it the RFC 2543 way",
		verify: func(t *testing.T, m *Msg) {
			v, _ := m.Via()
			equal(t, "branch", v.Branch, "z9hG4bK")
			equal(t, "RFC 3261 branch", v.HasRFC3261Branch(), false)
		}},
	{file: "rfc4475/insuf.dat", section: "3.3.1", want: rejectedCheck, errText: "missing",
		decision: "application: missing Call-ID, From, To; 400"},
	{file: "rfc4475/unkscm.dat", section: "3.3.2", want: accepted,
		decision: "application: the Request-URI scheme is unknown; the parser accepts it as opaque and the element answers 416",
		verify: func(t *testing.T, m *Msg) {
			u, _ := m.RequestURI()
			equal(t, "scheme", u.Scheme, "nobodyKnowsThisScheme")
			equal(t, "opaque", u.Opaque, "totallyopaquecontent")
			equal(t, "is SIP", u.IsSIP(), false)
		}},
	{file: "rfc4475/novelsc.dat", section: "3.3.3", want: accepted,
		decision: "application: known but atypical scheme soap.beep; parsed as opaque, a proxy that cannot route it answers 416",
		verify: func(t *testing.T, m *Msg) {
			u, _ := m.RequestURI()
			equal(t, "scheme", u.Scheme, "soap.beep")
			equal(t, "opaque", u.Opaque, "//192.0.2.103:3002")
		}},
	{file: "rfc4475/unksm2.dat", section: "3.3.4", want: accepted,
		decision: "valid: unknown schemes in To, From and Contact are accepted",
		verify: func(t *testing.T, m *Msg) {
			to := mustNameAddr(t, m.To)
			equal(t, "To scheme", to.URI.Scheme, "isbn")
			from := mustNameAddr(t, m.From)
			equal(t, "From scheme", from.URI.Scheme, "http")
			cs, _ := m.Contacts()
			equal(t, "Contact scheme", cs.List[0].URI.Scheme, "name")
		}},
	{file: "rfc4475/bext01.dat", section: "3.3.5", want: accepted,
		decision: "application: a proxy answers 420 with Unsupported listing the Proxy-Require tags it does not know",
		verify: func(t *testing.T, m *Msg) {
			tags, err := m.Tokens(HdrProxyRequire)
			equal(t, "Proxy-Require error", err, nil)
			equal(t, "Proxy-Require", strings.Join(tags, ","), "noProxiesSupportThis,norDoAnyProxiesSupportThis")
			tags, _ = m.Tokens(HdrRequire)
			equal(t, "Require", len(tags), 2)
		}},
	{file: "rfc4475/invut.dat", section: "3.3.6", want: accepted,
		decision: "application: unknown Content-Type; a UAS answers 415, a proxy forwards",
		verify: func(t *testing.T, m *Msg) {
			ct, _, err := m.ContentType()
			equal(t, "Content-Type error", err, nil)
			equal(t, "Content-Type", ct.Type+"/"+ct.Subtype, "application/unknownformat")
		}},
	{file: "rfc4475/regaut01.dat", section: "3.3.7", want: accepted,
		decision: "application: an unknown Authorization scheme parses as such; the registrar ignores it and challenges",
		verify: func(t *testing.T, m *Msg) {
			creds, err := m.Credentials(HdrAuthorization)
			equal(t, "credentials error", err, nil)
			equal(t, "scheme", creds[0].Scheme, "NoOneKnowsThisScheme")
		}},
	{file: "rfc4475/multi01.dat", section: "3.3.8", want: rejectedCheck, errText: "only once",
		decision: "application: several To, From, Call-ID, CSeq and Max-Forwards headers; 400"},
	{file: "rfc4475/mcl01.dat", section: "3.3.9", want: rejectedParse, errText: "disagree",
		decision: "application: conflicting Content-Length headers make the body unknowable; 400"},
	{file: "rfc4475/bcast.dat", section: "3.3.10", want: accepted,
		decision: "application: the second Via is 255.255.255.255; the parser exposes it and the stateless reply path must refuse to send there",
		verify: func(t *testing.T, m *Msg) {
			vias, _ := m.Vias()
			equal(t, "second Via host", vias[1].Host, "255.255.255.255")
		}},
	{file: "rfc4475/zeromf.dat", section: "3.3.11", want: accepted,
		decision: "application: Max-Forwards 0; a proxy answers 483 (or answers the OPTIONS itself) and never forwards",
		verify: func(t *testing.T, m *Msg) {
			hops, ok, err := m.MaxForwards()
			equal(t, "Max-Forwards", hops, 0)
			equal(t, "present", ok, true)
			equal(t, "error", err, nil)
		}},
	{file: "rfc4475/cparam01.dat", section: "3.3.12", want: accepted,
		decision: "valid: without '<>' the parameter after the Contact URI is a header parameter",
		verify: func(t *testing.T, m *Msg) {
			cs, _ := m.Contacts()
			equal(t, "header param", cs.List[0].Params.Has("unknownparam"), true)
			equal(t, "URI params", cs.List[0].URI.Params, Params(""))
		}},
	{file: "rfc4475/cparam02.dat", section: "3.3.13", want: accepted,
		decision: "valid: inside '<>' the parameter belongs to the URI",
		verify: func(t *testing.T, m *Msg) {
			cs, _ := m.Contacts()
			equal(t, "URI param", cs.List[0].URI.Params.Has("unknownparam"), true)
			equal(t, "header params", cs.List[0].Params, Params(""))
		}},
	{file: "rfc4475/regescrt.dat", section: "3.3.14", want: accepted,
		decision: "valid: a Contact URI with an escaped Route header inside '<>' is kept unchanged",
		verify: func(t *testing.T, m *Msg) {
			cs, _ := m.Contacts()
			equal(t, "Contact URI", cs.List[0].URI.Raw, "sip:user@example.com?Route=%3Csip:sip.example.com%3E")
			equal(t, "URI headers", cs.List[0].URI.Headers, "Route=%3Csip:sip.example.com%3E")
		}},
	{file: "rfc4475/sdp01.dat", section: "3.3.15", want: accepted,
		decision: "application: Accept lists only an unknown type; a UAS answers 406, a proxy forwards",
		verify: func(t *testing.T, m *Msg) {
			acc, _ := m.Accept()
			equal(t, "Accept", acc[0].Type+"/"+acc[0].Subtype, "text/nobodyKnowsThis")
		}},
	{file: "rfc4475/inv2543.dat", section: "3.4.1", want: accepted,
		decision: "valid RFC 2543 syntax: no branch, no Max-Forwards; accepted and matched the RFC 2543 way",
		verify: func(t *testing.T, m *Msg) {
			v, _ := m.Via()
			equal(t, "branch", v.Branch, "")
			_, ok, _ := m.MaxForwards()
			equal(t, "Max-Forwards present", ok, false)
		}},

	{file: "rfc5118/ipv6-good.dat", section: "4.1", want: accepted,
		decision: "valid: IPv6 references in R-URI and Via",
		verify: func(t *testing.T, m *Msg) {
			u, _ := m.RequestURI()
			equal(t, "R-URI host", u.Host, "[2001:db8::10]")
			v, _ := m.Via()
			equal(t, "Via host", v.Host, "[2001:db8::9:1]")
		}},
	{file: "rfc5118/ipv6-bad.dat", section: "4.2", want: rejectedCheck, errText: "IPv6",
		decision: "invalid: IPv6 address without '[]' in the R-URI; 400"},
	{file: "rfc5118/port-ambiguous.dat", section: "4.3", want: accepted,
		decision: "valid: [2001:db8::10:5070] is one address and no port",
		verify: func(t *testing.T, m *Msg) {
			u, _ := m.RequestURI()
			equal(t, "host", u.Host, "[2001:db8::10:5070]")
			equal(t, "port", u.Port, 0)
		}},
	{file: "rfc5118/port-unambiguous.dat", section: "4.4", want: accepted,
		decision: "valid: [2001:db8::10]:5070 is an address and port 5070",
		verify: func(t *testing.T, m *Msg) {
			u, _ := m.RequestURI()
			equal(t, "host", u.Host, "[2001:db8::10]")
			equal(t, "port", u.Port, 5070)
		}},
	{file: "rfc5118/via-received-param-with-delim.dat", section: "4.5", want: accepted,
		decision: "valid: received=[2001:db8::9:255]",
		verify: func(t *testing.T, m *Msg) {
			v, _ := m.Via()
			equal(t, "received", v.Received, "[2001:db8::9:255]")
		}},
	{file: "rfc5118/via-received-param-no-delim.dat", section: "4.5", want: accepted,
		decision: "valid: received=2001:db8::9:255 (the RFC 3261 ABNF form)",
		verify: func(t *testing.T, m *Msg) {
			v, _ := m.Via()
			equal(t, "received", v.Received, "2001:db8::9:255")
		}},
	{file: "rfc5118/ipv6-in-sdp.dat", section: "4.6", want: accepted,
		decision: "valid; the file's Content-Length (241) is the RFC's LF-only length, shorter than the CRLF body (251), so by UDP rules the body is cut at 241 bytes",
		verify: func(t *testing.T, m *Msg) {
			equal(t, "body length", len(m.Body()), 241)
			equal(t, "IPv6 in SDP", strings.Contains(m.Body(), "c=IN IP6 2001:db8::20"), true)
		}},
	{file: "rfc5118/mult-ip-in-header.dat", section: "4.7", want: accepted,
		decision: "valid: IPv4 and IPv6 mixed in Via and Contact",
		verify: func(t *testing.T, m *Msg) {
			vias, _ := m.Vias()
			equal(t, "Via count", len(vias), 3)
			equal(t, "Via 0", vias[0].Host+":"+strconv.Itoa(vias[0].Port), "[2001:db8::9:1]:6050")
			equal(t, "Via 2 received", vias[2].Received, "192.0.2.200")
		}},
	{file: "rfc5118/mult-ip-in-sdp.dat", section: "4.8", want: accepted,
		decision: "valid: IPv4 and IPv6 media streams (Content-Length shorter than the body, as in 4.6)"},
	{file: "rfc5118/ipv4-mapped-ipv6.dat", section: "4.9", want: accepted,
		decision: "valid: [::ffff:192.0.2.2]; HostEqual treats it as 192.0.2.2",
		verify: func(t *testing.T, m *Msg) {
			vias, _ := m.Vias()
			equal(t, "Via host", vias[1].Host, "[::ffff:192.0.2.2]")
			equal(t, "mapped equals IPv4", HostEqual(vias[1].Host, "192.0.2.2"), true)
			cs, _ := m.Contacts()
			equal(t, "Contact host", cs.List[0].URI.Host, "[::ffff:192.0.2.2]")
		}},
	{file: "rfc5118/ipv6-bug-abnf-3-colons.dat", section: "4.10", want: rejectedCheck, errText: "IPv6",
		decision: "RFC 3261's ABNF bug: [2001:db8:::192.0.2.1] is not an IPv6 address (RFC 4291, fixed by RFC 5954); rejected with 400"},
	{file: "rfc5118/ipv6-correct-abnf-2-colons.dat", section: "4.10", want: accepted,
		decision: "valid: [2001:db8::192.0.2.1]",
		verify: func(t *testing.T, m *Msg) {
			u, _ := m.RequestURI()
			equal(t, "host", u.Host, "[2001:db8::192.0.2.1]")
		}},
}

func TestTortureMessages(t *testing.T) {
	files := tortureFiles(t)
	seen := map[string]bool{}
	for _, tc := range tortureCases {
		seen[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(data)
			got := accepted
			if err != nil {
				got = rejectedParse
			} else if err = m.Check(); err != nil {
				got = rejectedCheck
			}
			if got != tc.want {
				t.Fatalf("RFC %s: got %v (%v), want %v: %s", tc.section, got, err, tc.want, tc.decision)
			}
			if tc.want != accepted {
				errContains(t, err, tc.errText)
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Errorf("error %T is not a *ParseError", err)
				}
			}
			if tc.verify != nil && m != nil {
				tc.verify(t, m)
			}
		})
	}
	for _, f := range files {
		if !seen[f] {
			t.Errorf("%s has no test case", f)
		}
	}
}

// TestTortureMessagesOnStream feeds every torture message as a stream:
// FrameLen must frame what Content-Length allows, wait when the body is
// short (clerr) and stop after the first message (dblreq).
func TestTortureMessagesOnStream(t *testing.T) {
	for _, f := range tortureFiles(t) {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", f))
			if err != nil {
				t.Fatal(err)
			}
			n, err := FrameLen(data, MaxMessageSize)
			switch filepath.Base(f) {
			case "clerr.dat":
				equal(t, "clerr framing", err, ErrIncomplete)
				return
			case "mcl01.dat", "ncl.dat":
				if err == nil || err == ErrIncomplete {
					t.Fatalf("got %v, want a framing error", err)
				}
				return
			case "baddn.dat":
				// No empty line ends the headers: on a stream that is a
				// message still arriving.
				equal(t, "baddn framing", err, ErrIncomplete)
				return
			}
			if err != nil {
				t.Fatalf("FrameLen: %v", err)
			}
			if filepath.Base(f) == "dblreq.dat" && n >= len(data) {
				t.Fatal("dblreq framed both messages as one")
			}
			m, perr := ParseStream(data[:n])
			d, derr := Parse(data)
			if (perr == nil) != (derr == nil) {
				t.Fatalf("stream parse error %v, datagram parse error %v", perr, derr)
			}
			if filepath.Base(f) == "inv2543.dat" {
				// No Content-Length: on a stream the body is empty, in a
				// datagram it is the rest of the data.
				equal(t, "stream body", m.Body(), "")
				return
			}
			if perr == nil && m.Raw() != d.Raw() {
				t.Errorf("stream and datagram parses differ")
			}
		})
	}
}

func tortureFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, set := range []string{"rfc4475", "rfc5118"} {
		names, err := filepath.Glob(filepath.Join("testdata", set, "*.dat"))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			files = append(files, set+"/"+filepath.Base(n))
		}
	}
	if len(files) != 49+12 {
		t.Fatalf("found %d torture files, want 61", len(files))
	}
	return files
}

func mustNameAddr(t *testing.T, get func() (*NameAddr, error)) *NameAddr {
	t.Helper()
	n, err := get()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %#v, want %#v", what, got, want)
	}
}

func errContains(t *testing.T, err error, text string) {
	t.Helper()
	if err == nil {
		t.Errorf("got no error, want one containing %q", text)
		return
	}
	if !strings.Contains(err.Error(), text) {
		t.Errorf("error %q does not contain %q", err, text)
	}
}
