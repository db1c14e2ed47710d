package registrar

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/core/coretest"
	"switchboard/engine"
	_ "switchboard/modules/db_sqlite"
	_ "switchboard/modules/sl"
	"switchboard/modules/usrloc"
	"switchboard/sip"
)

// clock is the time every usrloc instance of these tests reads.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a loaded registrar script: REGISTERs go to save(), anything
// else to lookup(), with $var(rc) holding the function's code.
type env struct {
	t     testing.TB
	l     *core.Loaded
	clock *clock
}

const script = `loadmodule "sl.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
%s
route {
	if ($rm == "REGISTER") {
		save(%s);
		$var(rc) = $rc;
		exit;
	}
	lookup(%s);
	$var(rc) = $rc;
}
`

// newEnv compiles the script with modparams, save() and lookup()
// arguments, and runs the modules' Init, as the server does: each test
// starts with an empty location table.
func newEnv(t testing.TB, params, saveArgs, lookupArgs string) *env {
	t.Helper()
	c := &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	usrloc.UseClock(c.Now)
	t.Cleanup(func() { usrloc.UseClock(nil); usrloc.Shutdown() })
	l, _ := coretest.Compile(t, fmt.Sprintf(script, params, saveArgs, lookupArgs))
	if err := l.InitModules(); err != nil {
		t.Fatalf("init: %v", err)
	}
	return &env{t: t, l: l, clock: c}
}

// result is what one message did.
type result struct {
	rc      int
	replies []string
	ctx     *engine.Context
	msg     *sip.Msg
}

func (e *env) run(msg string) *result {
	e.t.Helper()
	m, err := sip.ParseString(strings.ReplaceAll(msg, "\n", "\r\n"))
	if err != nil {
		e.t.Fatalf("message: %v", err)
	}
	sent := &coretest.Recorder{}
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Sender: sent,
		Log: slog.New(slog.DiscardHandler)}
	ctx.Reset(m, engine.RequestRoute)
	ctx.Received = coretest.Source
	e.l.Program.Main.Run(ctx)
	rc, _ := ctx.Vars.Get("rc").AsInt()
	return &result{rc: rc, replies: sent.Replies, ctx: ctx, msg: m}
}

// reply returns the only reply sent, parsed.
func (r *result) reply(t *testing.T) *sip.Msg {
	t.Helper()
	if len(r.replies) != 1 {
		t.Fatalf("%d replies sent, want 1: %q", len(r.replies), r.replies)
	}
	m, err := sip.ParseString(r.replies[0])
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	return m
}

// reg describes a REGISTER.
type reg struct {
	user     string   // To user; "alice" by default
	contacts []string // Contact header values
	expires  string   // Expires header value; "" for none
	callID   string   // "" means "call-1"
	cseq     int      // 0 means 1
	extra    []string // more header lines
}

func (r reg) String() string {
	if r.user == "" {
		r.user = "alice"
	}
	if r.callID == "" {
		r.callID = "call-1"
	}
	if r.cseq == 0 {
		r.cseq = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, "REGISTER sip:example.com SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-%s-%d\n", r.callID, r.cseq)
	fmt.Fprintf(&b, "Max-Forwards: 70\nTo: <sip:%s@example.com>\nFrom: <sip:%s@example.com>;tag=f1\n", r.user, r.user)
	fmt.Fprintf(&b, "Call-ID: %s\nCSeq: %d REGISTER\n", r.callID, r.cseq)
	for _, c := range r.contacts {
		b.WriteString("Contact: " + c + "\n")
	}
	if r.expires != "" {
		b.WriteString("Expires: " + r.expires + "\n")
	}
	for _, h := range r.extra {
		b.WriteString(h + "\n")
	}
	b.WriteString("Content-Length: 0\n\n")
	return b.String()
}

// invite is a request to user, for lookup.
func invite(user, method string, extra ...string) string {
	return fmt.Sprintf("%s sip:%s@example.com SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.99;branch=z9hG4bK-inv\n"+
		"Max-Forwards: 70\nTo: <sip:%s@example.com>\nFrom: <sip:bob@example.com>;tag=b\nCall-ID: inv-1\n"+
		"CSeq: 1 %s\n%sContent-Length: 0\n\n", method, user, user, method, strings.Join(append(extra, ""), "\n"))
}

// contacts returns the Contact values of a 200 OK, one per binding.
func contacts(t *testing.T, m *sip.Msg) []string {
	t.Helper()
	cs, err := m.Contacts()
	if err != nil {
		t.Fatalf("reply contacts: %v", err)
	}
	var out []string
	for _, na := range cs.List {
		exp, _, _ := na.Expires()
		s := fmt.Sprintf("%s expires=%d", na.URI.Raw, exp)
		if q, ok := na.Q(); ok {
			s += fmt.Sprintf(" q=%d", q)
		}
		out = append(out, s)
	}
	return out
}

// compileOnly compiles a script without Init: it works on the instance
// the last newEnv started.
func compileOnly(t *testing.T, routes string) (*core.Loaded, error) {
	t.Helper()
	l, _ := coretest.Compile(t, "loadmodule \"sl.so\"\nloadmodule \"usrloc.so\"\nloadmodule \"registrar.so\"\n"+routes)
	return l, nil
}

// run runs l's main route on msg and returns the context.
func run(t *testing.T, l *core.Loaded, msg string) *engine.Context {
	t.Helper()
	e := &env{t: t, l: l}
	return e.run(msg).ctx
}
