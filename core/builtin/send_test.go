package builtin_test

import (
	"strings"
	"testing"

	"switchboard/core/coretest"
	"switchboard/engine"
	"switchboard/sip"

	_ "switchboard/modules/rr" // record_route with the advertised address
)

// fromSource is an INVITE whose Via names the address it comes from
// (coretest.Source, 127.0.0.1:5070), without rport.
var fromSource = strings.ReplaceAll(coretest.Invite, "pc33.atlanta.example.com;branch", "127.0.0.1:5070;branch")

// withRPort asks for rport itself.
var withRPort = strings.ReplaceAll(coretest.Invite, ";branch=", ";rport;branch=")

// viaLines returns the Via header lines of a forwarded message.
func viaLines(t *testing.T, data string) []string {
	t.Helper()
	var vias []string
	for _, line := range strings.Split(data, "\r\n") {
		if strings.HasPrefix(line, "Via:") || strings.HasPrefix(line, "Record-Route:") {
			vias = append(vias, line)
		}
	}
	return vias
}

// The functions that change how a request leaves, seen in what forward()
// writes: the element's Via (first line), the received Via and the
// Record-Route.
func TestSendOptionsOnTheWire(t *testing.T) {
	cases := []struct {
		name, cfg, msg string
		socket         string   // the socket it left from
		want           []string // substrings of the Via / Record-Route lines, in order
		notWant        string
	}{
		{name: "plain forward: the socket's address, no rport",
			cfg: `forward();`, msg: coretest.Invite, socket: "udp:127.0.0.1:5060",
			want: []string{"Via: SIP/2.0/UDP 127.0.0.1:5060;branch=", "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds"}, notWant: "rport"},
		{name: "add_local_rport: ;rport after our branch",
			cfg: `add_local_rport(); forward();`, msg: coretest.Invite, socket: "udp:127.0.0.1:5060",
			want: []string{";rport\r"}},
		{name: "force_rport: received and rport in the sender's Via",
			cfg: `force_rport(); forward();`, msg: fromSource, socket: "udp:127.0.0.1:5060",
			want: []string{"Via: SIP/2.0/UDP 127.0.0.1:5060;branch=", "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhds;received=127.0.0.1;rport=5070"}},
		{name: "force_rport twice writes once",
			cfg: `force_rport(); force_rport(); forward();`, msg: fromSource, socket: "udp:127.0.0.1:5060",
			want: []string{"z9hG4bK776asdhds;received=127.0.0.1;rport=5070\r"}},
		{name: "force_rport leaves a Via that asked for rport to the receive path",
			cfg: `force_rport(); forward();`, msg: withRPort, socket: "udp:127.0.0.1:5060",
			want: []string{"pc33.atlanta.example.com;rport;branch=z9hG4bK776asdhds\r"}},
		{name: "set_via_handling sets both rport options",
			cfg: `set_via_handling("force-rport,add-local-rport"); forward();`, msg: fromSource, socket: "udp:127.0.0.1:5060",
			want: []string{";rport\r", ";received=127.0.0.1;rport=5070"}},
		{name: "set_advertised_address replaces the host in Via and Record-Route",
			cfg: `record_route(); set_advertised_address("203.0.113.7"); forward();`, msg: coretest.Invite, socket: "udp:127.0.0.1:5060",
			want: []string{"Via: SIP/2.0/UDP 203.0.113.7:5060;branch=", "Record-Route: <sip:203.0.113.7:5060;lr"}},
		{name: "set_advertised_port replaces the port",
			cfg: `record_route(); set_advertised_port("5999"); forward();`, msg: coretest.Invite, socket: "udp:127.0.0.1:5060",
			want: []string{"Via: SIP/2.0/UDP 127.0.0.1:5999;branch=", "Record-Route: <sip:127.0.0.1:5999;lr"}},
		{name: "an advertised IPv6 address is bracketed",
			cfg: `set_advertised_address("2001:db8::7"); set_advertised_port("5070"); forward();`, msg: coretest.Invite, socket: "udp:127.0.0.1:5060",
			want: []string{"Via: SIP/2.0/UDP [2001:db8::7]:5070;branch="}},
		{name: "an advertised host name",
			cfg: `set_advertised_address("sip.example.net"); forward();`, msg: coretest.Invite, socket: "udp:127.0.0.1:5060",
			want: []string{"Via: SIP/2.0/UDP sip.example.net:5060;branch="}},
		{name: "force_send_socket picks the second UDP socket",
			cfg: `force_send_socket("udp:127.0.0.1:5062"); forward();`, msg: coretest.Invite, socket: "udp:127.0.0.1:5062",
			want: []string{"Via: SIP/2.0/UDP 127.0.0.1:5062;branch="}},
		{name: "force_send_socket without protocol and port takes the first match",
			cfg: `force_send_socket("127.0.0.1"); forward();`, msg: coretest.Invite, socket: "udp:127.0.0.1:5060",
			want: []string{"Via: SIP/2.0/UDP 127.0.0.1:5060;branch="}},
		{name: "force_send_socket from a variable",
			cfg: `$var(s) = "tcp:127.0.0.1:5060"; force_send_socket("$var(s)"); forward();`, msg: coretest.Invite, socket: "tcp:127.0.0.1:5060",
			want: []string{"Via: SIP/2.0/TCP 127.0.0.1:5060;branch="}},
		{name: "a socket we do not have is refused and the default stays",
			cfg: `if (force_send_socket("udp:127.0.0.1:5999")) { exit; } forward();`, msg: coretest.Invite, socket: "udp:127.0.0.1:5060",
			want: []string{"Via: SIP/2.0/UDP 127.0.0.1:5060;branch="}},
		{name: "a bad advertised address is refused",
			cfg: `if (set_advertised_address("a b")) { exit; } if (set_advertised_port("70000")) { exit; } forward();`, msg: coretest.Invite, socket: "udp:127.0.0.1:5060",
			want: []string{"Via: SIP/2.0/UDP 127.0.0.1:5060;branch="}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := coretest.RunScript(t, "loadmodule \"rr.so\"\nroute {\n"+c.cfg+"\n}\n", c.msg)
			if len(r.Sent.Forwards) != 1 {
				t.Fatalf("forwarded %d messages, want 1; log:\n%s", len(r.Sent.Forwards), r.Log)
			}
			f := r.Sent.Forwards[0]
			if f.Socket != c.socket {
				t.Errorf("left from %s, want %s", f.Socket, c.socket)
			}
			lines := strings.Join(viaLines(t, f.Data), "\r\n") + "\r\n"
			at := 0
			for _, w := range c.want {
				i := strings.Index(lines[at:], w)
				if i < 0 {
					t.Fatalf("no %q (in order) in\n%s", w, lines)
				}
				at += i + len(w)
			}
			if c.notWant != "" && strings.Contains(lines, c.notWant) {
				t.Errorf("%q in\n%s", c.notWant, lines)
			}
			if _, err := sip.ParseString(f.Data); err != nil {
				t.Errorf("forwarded message does not parse: %v\n%s", err, f.Data)
			}
		})
	}
}

// The per-message options land in the context, for the replies the core
// and tm send.
func TestSendOptionsFlags(t *testing.T) {
	cases := []struct {
		name, cfg string
		want      engine.SendOptions
	}{
		{"force_rport", `force_rport();`, engine.SendOptions{ForceRPort: true}},
		{"add_local_rport", `add_local_rport();`, engine.SendOptions{LocalRPort: true}},
		{"reply-to-via", `set_via_handling("reply-to-via");`, engine.SendOptions{ReplyToVia: true}},
		{"every flag", `set_via_handling("force-rport, add-local-rport,reply-to-via,force-tcp-alias");`,
			engine.SendOptions{ForceRPort: true, LocalRPort: true, ReplyToVia: true}},
		{"advertised", `set_advertised_address("[2001:db8::1]"); set_advertised_port("5080");`,
			engine.SendOptions{AdvertisedHost: "2001:db8::1", AdvertisedPort: 5080}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := coretest.RunRoute(t, c.cfg, coretest.Invite)
			if r.Ctx.Send != c.want {
				t.Errorf("send options %+v, want %+v", r.Ctx.Send, c.want)
			}
		})
	}
}

// force_tcp_alias asks the transport for an alias: the Via's port (0
// here) or the one given; a port out of range is refused.
func TestForceTCPAlias(t *testing.T) {
	cases := []struct {
		name, cfg string
		want      []int
		rc        int
	}{
		{"the Via's port", `$var(rc) = force_tcp_alias();`, []int{0}, 1},
		{"a given port", `$var(rc) = force_tcp_alias(5080);`, []int{5080}, 1},
		{"set_via_handling", `set_via_handling("force-tcp-alias"); $var(rc) = 1;`, []int{0}, 1},
		{"out of range", `$var(rc) = 1; if (!force_tcp_alias(70000)) { $var(rc) = -1; }`, nil, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := coretest.RunRoute(t, c.cfg, coretest.Invite)
			if len(r.Sent.Aliases) != len(c.want) || (len(c.want) == 1 && r.Sent.Aliases[0] != c.want[0]) {
				t.Errorf("aliases %v, want %v", r.Sent.Aliases, c.want)
			}
			if n, _ := r.Ctx.Vars.Get("rc").AsInt(); n != c.rc {
				t.Errorf("returned %d, want %d", n, c.rc)
			}
		})
	}
}

// send() puts the received message on the wire as it came, with only the
// given headers after the first line: no Via, no script edits.
func TestSend(t *testing.T) {
	first, rest, _ := strings.Cut(coretest.Invite, "\r\n")
	cases := []struct {
		name, cfg string
		dst, data string // "" data: nothing sent
	}{
		{"as received, script edits left out", `seturi("sip:carol@example.org"); append_hf_test(); send("udp:127.0.0.2:5090");`,
			"sip:127.0.0.2:5090;transport=udp", coretest.Invite},
		{"a bare host and port", `send("127.0.0.2:5090");`, "sip:127.0.0.2:5090", coretest.Invite},
		{"a SIP URI", `send("sip:127.0.0.2:5090;transport=tcp");`, "sip:127.0.0.2:5090;transport=tcp", coretest.Invite},
		{"with headers", `send("tcp:127.0.0.2:5090", "X-Copy: 1\r\nX-Two: 2\r\n");`, "sip:127.0.0.2:5090;transport=tcp",
			first + "\r\nX-Copy: 1\r\nX-Two: 2\r\n" + rest},
		{"a header without CRLF gets one", `send("127.0.0.2", "X-Copy: 1");`, "sip:127.0.0.2",
			first + "\r\nX-Copy: 1\r\n" + rest},
		{"an empty line in the headers is refused", `send("127.0.0.2", "X-Copy: 1\r\n\r\nbody");`, "", ""},
		{"a line that is no header is refused", `send("127.0.0.2", "nonsense\r\n");`, "", ""},
		{"a bad destination is refused", `$var(d) = "udp:[::1"; send("$var(d)");`, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := strings.ReplaceAll(c.cfg, "append_hf_test();", `$du = "sip:127.0.0.9";`)
			r := coretest.RunRoute(t, cfg, coretest.Invite)
			if c.data == "" {
				if len(r.Sent.Forwards) != 0 {
					t.Fatalf("sent %q", r.Sent.Forwards[0].Data)
				}
				return
			}
			if len(r.Sent.Forwards) != 1 {
				t.Fatalf("sent %d messages, want 1; log:\n%s", len(r.Sent.Forwards), r.Log)
			}
			if f := r.Sent.Forwards[0]; f.Dst != c.dst || f.Data != c.data {
				t.Errorf("sent to %s:\n%q\nwant to %s:\n%q", f.Dst, f.Data, c.dst, c.data)
			}
		})
	}
}

// Constant arguments are checked when the script loads.
func TestSendFunctionsCheck(t *testing.T) {
	cases := []struct{ name, cfg, want string }{
		{"unknown set_via_handling flag", `set_via_handling("force-rport,bogus");`, `unknown set_via_handling flag "bogus"`},
		{"bad socket", `force_send_socket("udp:127.0.0.1:99999");`, `bad port "99999"`},
		{"socket not an address", `force_send_socket("udp:a b");`, `is not an address`},
		{"force_send_socket of a socket the script does not have", "socket=udp:127.0.0.1:5060\nsocket=tcp:127.0.0.1:5061\nroute {\nforce_send_socket(\"udp:127.0.0.1:5061\");\n}\n",
			`test.cfg:4:1: force_send_socket("udp:127.0.0.1:5061"): not a socket this script listens on`},
		{"forward with disable_stateless_fwd", "forward();\n}\ndisable_stateless_fwd=yes\nroute[x] {\n",
			"forward() is used but disable_stateless_fwd is set"},
		{"forward to a constant that is no destination", `forward("udp:[::1");`, `bad destination "udp:[::1"`},
		{"send to a constant that is no destination", `send("sip:");`, `bad destination "sip:"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := "route {\n" + c.cfg + "\n}\n"
			if strings.HasPrefix(c.cfg, "socket=") {
				cfg = c.cfg
			}
			got := coretest.CompileErrors(t, cfg)
			if !strings.Contains(got, c.want) {
				t.Errorf("errors %q, want %q", got, c.want)
			}
		})
	}
}

// A constant force_send_socket naming one of the script's sockets loads.
func TestForceSendSocketCheckPasses(t *testing.T) {
	for _, arg := range []string{"udp:127.0.0.1:5060", "127.0.0.1", "tcp:127.0.0.1", "udp:203.0.113.1:5080", "tcp:127.0.0.1:5061", "$var(s)"} {
		t.Run(arg, func(t *testing.T) {
			coretest.Compile(t, "socket=udp:127.0.0.1:5060 as 203.0.113.1:5080\nsocket=tcp:127.0.0.1:5061\nroute {\nforce_send_socket(\""+arg+"\");\n}\n")
		})
	}
}

// force_send_socket belongs to the Request-URI branch: append_branch
// copies it with the branch (and without a URI takes it away, as OpenSIPS
// does), append_msg_branch's "i" flag inherits it.
func TestForcedSocketGoesWithBranches(t *testing.T) {
	const forced = "udp:127.0.0.1:5062"
	cases := []struct {
		name, cfg  string
		ruriSocket string   // left on the Request-URI branch
		branches   []string // the appended branches' sockets
	}{
		{"append_branch without URI moves it", `force_send_socket("udp:127.0.0.1:5062"); append_branch();`, "", []string{forced}},
		{"append_branch with a URI copies it", `force_send_socket("udp:127.0.0.1:5062"); append_branch("sip:b@example.org");`, forced, []string{forced}},
		{"append_msg_branch inherits it", `force_send_socket("udp:127.0.0.1:5062"); append_msg_branch("sip:b@example.org", , "i");`, forced, []string{forced}},
		{"append_msg_branch without i does not", `force_send_socket("udp:127.0.0.1:5062"); append_msg_branch("sip:b@example.org");`, forced, []string{""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := coretest.RunRoute(t, c.cfg, coretest.Invite)
			if r.Ctx.Socket != c.ruriSocket {
				t.Errorf("Request-URI branch socket %q, want %q", r.Ctx.Socket, c.ruriSocket)
			}
			var got []string
			for _, b := range r.Ctx.Branches {
				got = append(got, b.Socket)
			}
			if strings.Join(got, ",") != strings.Join(c.branches, ",") {
				t.Errorf("branch sockets %q, want %q", got, c.branches)
			}
		})
	}
}
