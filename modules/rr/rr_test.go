package rr

import (
	"net/netip"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/core/coretest"
	"switchboard/engine"
	"switchboard/sip"
)

// The rrtest module gives the scripts a way to forward: the core has no
// forward() yet. fwd() sends from coretest.Source's socket, as the request
// came in; fwd_from("tcp:127.0.0.1:5061") sends from another socket.
func init() {
	core.Register(&engine.Module{
		Name: "rrtest",
		Functions: []engine.Function{
			{Name: "fwd", Routes: engine.AnyRoute, Run: func(ctx *engine.Context, _ []engine.Arg) int {
				if ctx.Sender.ForwardRequest(ctx, "") != nil {
					return -1
				}
				return 1
			}},
			{Name: "fwd_from", Args: []engine.ArgSpec{{Kind: engine.ArgStr}}, Routes: engine.AnyRoute,
				Run: func(ctx *engine.Context, a []engine.Arg) int {
					proto, addr, _ := strings.Cut(a[0].Str, ":")
					saved := coretest.Source
					defer func() { coretest.Source = saved }()
					coretest.Source = engine.Received{Proto: proto, Src: saved.Src,
						Local: netip.MustParseAddrPort(addr), Socket: a[0].Str}
					if ctx.Sender.ForwardRequest(ctx, "") != nil {
						return -1
					}
					return 1
				}},
		},
	})
}

// run runs body as the main route with rr and rrtest loaded, after the
// modparams in params, with 127.0.0.1:5060 (udp) and 127.0.0.1:5061 (tcp)
// as this server's addresses. The modparams and the myself check are
// restored afterwards.
func run(t *testing.T, params, body, msg string) *coretest.Result {
	t.Helper()
	saved := config
	t.Cleanup(func() {
		config = saved
		core.SetMyself(nil)
	})
	core.SetMyself(func(h string, p int) bool {
		return h == "127.0.0.1" && (p == 5060 || p == 5061 || p == 0)
	})
	cfg := "loadmodule \"rr.so\"\nloadmodule \"rrtest.so\"\n" + params + "\nroute {\n" + body + "\n}\n"
	return coretest.RunScript(t, cfg, msg)
}

// rc is the return code a script stored in $var(rc).
func rc(r *coretest.Result) int {
	n, _ := r.Ctx.Vars.Get("rc").AsInt()
	return n
}

// mustParse checks that out is a SIP message switchboard can read back.
func mustParse(t *testing.T, out string) {
	t.Helper()
	m, err := sip.ParseString(out)
	if err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, out)
	}
	if _, err := m.Routes(); err != nil {
		t.Fatalf("output Route does not parse: %v\n%s", err, out)
	}
	if _, err := m.RecordRoutes(); err != nil {
		t.Fatalf("output Record-Route does not parse: %v\n%s", err, out)
	}
}

// dialog describes a test request; request() writes it.
type dialog struct {
	method  string
	ruri    string
	fromTag string // "" means the caller's tag, 1928301774
	toTag   string // "" for an initial request
	routes  []string
	extra   string // header lines after Content-Length ("Route: <...>\r\n")
}

const callerTag = "1928301774"

func (d dialog) String() string {
	method := d.method
	if method == "" {
		method = "BYE"
	}
	fromTag := d.fromTag
	if fromTag == "" {
		fromTag = callerTag
	}
	to := "To: Bob <sip:bob@biloxi.example.com>"
	if d.toTag != "" {
		to += ";tag=" + d.toTag
	}
	var b strings.Builder
	b.WriteString(method + " " + d.ruri + " SIP/2.0\r\n")
	b.WriteString("Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds10\r\n")
	b.WriteString("Max-Forwards: 70\r\n")
	for _, r := range d.routes {
		b.WriteString("Route: " + r + "\r\n")
	}
	b.WriteString(to + "\r\n")
	b.WriteString("From: Alice <sip:alice@atlanta.example.com>;tag=" + fromTag + "\r\n")
	b.WriteString("Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n")
	b.WriteString("CSeq: 231 " + method + "\r\n")
	b.WriteString("Content-Length: 0\r\n" + d.extra + "\r\n")
	return b.String()
}

func TestCompile(t *testing.T) {
	tests := []struct {
		name, cfg, want string
	}{
		{"rr docs is_direction: needs append_fromtag",
			"modparam(\"rr\", \"append_fromtag\", 0)\nroute { is_direction(\"upstream\"); }", "append_fromtag"},
		{"rr docs is_direction: upstream or downstream only",
			"route { is_direction(\"sideways\"); }", "unknown direction"},
		{"ignore_user exists only in OpenSIPS builds with ENABLE_USER_CHECK",
			"modparam(\"rr\", \"ignore_user\", \"x\")\nroute { loose_route(); }", "not supported: modparam ignore_user"},
		{"rr docs loose_route: request_route only",
			"route { exit; }\nfailure_route[t] { loose_route(); }", "loose_route"},
		{"check_route_param takes a regular expression",
			"route { check_route_param(\"(\"); }", "regular expression"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			saved := config
			defer func() { config = saved }()
			got := coretest.CompileErrors(t, "loadmodule \"rr.so\"\n"+tc.cfg+"\n")
			if !strings.Contains(got, tc.want) {
				t.Errorf("errors %q, want %q in them", got, tc.want)
			}
		})
	}
}
