package tm

import (
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/core/coretest"
	"switchboard/engine"
	"switchboard/sip"
)

// The tests turn the timing wheel themselves: no sleeps, exact timers.
func init() { manualClock = true }

// advance moves the fake clock by d.
func advance(d time.Duration) {
	for i := time.Duration(0); i < d; i += wheel.Tick() {
		wheel.Advance()
	}
}

// harness runs a script's main route on requests and feeds replies to
// the OnReply hook, recording what tm sends.
type harness struct {
	t   *testing.T
	l   *core.Loaded
	rec *coretest.Recorder
}

func newHarness(t *testing.T, cfg string) *harness {
	t.Helper()
	config.defaults() // modparams of earlier tests must not leak
	l, _ := coretest.Compile(t, "loadmodule \"tm.so\"\n"+cfg)
	// Even a failed test leaves the tables empty for the next one.
	t.Cleanup(func() { settle(t) })
	return &harness{t: t, l: l, rec: &coretest.Recorder{}}
}

// request runs the main route on msg and returns the route's code.
func (h *harness) request(msg string) int {
	h.t.Helper()
	m, err := sip.ParseString(msg)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Sender: h.rec}
	ctx.Reset(m, engine.RequestRoute)
	ctx.Received = coretest.Source
	return h.l.Program.Main.Run(ctx)
}

// reply hands a reply to tm as the core would; it reports whether tm took it.
func (h *harness) reply(msg string) bool {
	h.t.Helper()
	m, err := sip.ParseString(msg)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Sender: h.rec}
	ctx.Reset(m, engine.OnReplyRoute)
	ctx.Received = engine.Received{Proto: "udp", Src: coretest.Destination, Local: coretest.Source.Local}
	return onReply(ctx)
}

// forwarded returns the requests sent downstream whose first line starts
// with method.
func (h *harness) forwarded(method string) []string {
	var out []string
	for _, f := range h.rec.Forwards {
		if strings.HasPrefix(f.Data, method+" ") {
			out = append(out, f.Data)
		}
	}
	return out
}

// codes returns the status codes of the replies sent upstream.
func (h *harness) codes() []string {
	var out []string
	for _, r := range h.rec.Replies {
		out = append(out, r[8:11])
	}
	return out
}

// answer builds the reply a downstream element sends to a request we
// forwarded (all its Vias, a To tag), with extra header lines.
func answer(t *testing.T, forwarded string, code int, extra ...sip.Field) string {
	t.Helper()
	m, err := sip.ParseString(forwarded)
	if err != nil {
		t.Fatal(err)
	}
	out, err := sip.AppendReply(nil, m, &sip.Reply{Code: code, ToTag: "uas", Headers: extra})
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// invite is an INVITE from a UAC with a magic-cookie branch.
var invite = coretest.Invite

// withMethod rewrites invite as another request of the same transaction
// (CANCEL, ACK: §9.1 and §17.1.1.3 keep the branch).
func withMethod(msg, method string) string {
	return strings.NewReplacer("INVITE sip", method+" sip", "314159 INVITE", "314159 "+method).Replace(msg)
}

// withBranch gives the request another Via branch.
func withBranch(msg, branch string) string {
	return strings.Replace(msg, "branch=z9hG4bK776asdhds", "branch="+branch, 1)
}

// settle lets every timer run out so that transactions end and the
// tables empty between tests.
func settle(t *testing.T) {
	t.Helper()
	advance(5 * time.Minute)
	if n := servers.size(); n != 0 {
		t.Errorf("%d server transactions left", n)
	}
	if n := branches.size(); n != 0 {
		t.Errorf("%d branches left", n)
	}
}
