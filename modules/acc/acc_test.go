package acc

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/core/coretest"
	"switchboard/engine"
	"switchboard/sip"

	_ "switchboard/modules/tm"
)

const modules = "loadmodule \"tm.so\"\nloadmodule \"acc.so\"\n"

// call runs a request through a script with tm and acc, then answers
// every branch tm sent with the codes given in turn, and returns what
// was logged.
type call struct {
	t    *testing.T
	l    *core.Loaded
	rec  *coretest.Recorder
	logs bytes.Buffer
}

func newCall(t *testing.T, cfg string) *call {
	t.Helper()
	config.defaults()
	l, _ := coretest.Compile(t, modules+cfg)
	return &call{t: t, l: l, rec: &coretest.Recorder{}}
}

func (c *call) context(msg string, route engine.RouteType) *engine.Context {
	c.t.Helper()
	m, err := sip.ParseString(msg)
	if err != nil {
		c.t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(&c.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Sender: c.rec, Log: log}
	ctx.Reset(m, route)
	ctx.Modules = c.l.Program.Modules
	return ctx
}

func (c *call) request(msg string) int {
	c.t.Helper()
	ctx := c.context(msg, engine.RequestRoute)
	ctx.Received = coretest.Source
	return c.l.Program.Main.Run(ctx)
}

// answer replies code to the n-th INVITE tm sent downstream.
func (c *call) answer(n, code int) {
	c.t.Helper()
	var invites []string
	for _, f := range c.rec.Forwards {
		if strings.HasPrefix(f.Data, "INVITE ") {
			invites = append(invites, f.Data)
		}
	}
	if n >= len(invites) {
		c.t.Fatalf("tm sent %d INVITEs, no INVITE %d to answer", len(invites), n)
	}
	fwd, err := sip.ParseString(invites[n])
	if err != nil {
		c.t.Fatal(err)
	}
	data, err := sip.AppendReply(nil, fwd, &sip.Reply{Code: code, ToTag: "callee"})
	if err != nil {
		c.t.Fatal(err)
	}
	ctx := c.context(string(data), engine.OnReplyRoute)
	for _, m := range c.l.Program.Modules {
		if m.OnReply != nil && m.OnReply(ctx) {
			return
		}
	}
	c.t.Fatalf("no module took the %d reply", code)
}

// lines returns the accounting lines logged, in order.
func (c *call) lines() []string {
	var out []string
	for _, l := range strings.Split(c.logs.String(), "\n") {
		if i := strings.Index(l, "ACC: "); i >= 0 {
			out = append(out, l[i:])
		}
	}
	return out
}

// invite is coretest.Invite with a Call-ID and a Via branch of its own,
// so that tests do not meet each other's transactions.
func invite(callID string) string {
	return strings.NewReplacer("a84b4c76e66710@pc33", callID, "z9hG4bK776asdhds", "z9hG4bK"+callID).Replace(coretest.Invite)
}

func TestTransactions(t *testing.T) {
	tests := []struct {
		name  string
		flags string
		codes []int
		want  []string // the start of each line after the timestamp
	}{
		{"answered", `"log"`, []int{180, 200}, []string{"answered:INVITE;from_tag=1928301774;to_tag=callee;call_id=%s;code=200;reason=OK"}},
		{"busy not accounted", `"log"`, []int{486}, nil},
		{"busy missed", `"log", "missed"`, []int{486}, []string{"missed:INVITE;from_tag=1928301774;to_tag=callee;call_id=%s;code=486;reason=Busy Here"}},
		{"busy failed", `"log", "failed"`, []int{486}, []string{"answered:INVITE;from_tag=1928301774;to_tag=callee;call_id=%s;code=486;reason=Busy Here"}},
		{"busy missed and failed", `"log", "missed|failed"`, []int{486}, []string{
			"missed:INVITE;from_tag=1928301774;to_tag=callee;call_id=%s;code=486;reason=Busy Here",
			"answered:INVITE;from_tag=1928301774;to_tag=callee;call_id=%s;code=486;reason=Busy Here"}},
		{"answered with missed", `"log", "missed"`, []int{200}, []string{"answered:INVITE;from_tag=1928301774;to_tag=callee;call_id=%s;code=200;reason=OK"}},
		{"provisional not accounted", `"LOG", " failed "`, []int{183}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCall(t, "route {\n do_accounting("+tt.flags+");\n t_relay();\n}\n")
			id := strings.ReplaceAll(tt.name, " ", "-")
			if code := c.request(invite(id)); code != 1 {
				t.Fatalf("route returned %d", code)
			}
			for _, code := range tt.codes {
				c.answer(0, code)
			}
			checkLines(t, c.lines(), tt.want, id+".atlanta.example.com")
		})
	}
}

// checkLines compares accounting lines with want, each written as
// "answered:" or "missed:" and the fields after the timestamp.
func checkLines(t *testing.T, got, want []string, callID string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		kind, fields, _ := strings.Cut(strings.Replace(w, "%s", callID, 1), ":")
		prefix := map[string]string{"answered": textAnswered, "missed": textMissed, "request": textRequest}[kind]
		if !strings.HasPrefix(got[i], prefix+"timestamp=") || !strings.Contains(got[i], ";method="+fields) {
			t.Errorf("line %d = %s\nwant %stimestamp=...;method=%s", i, got[i], prefix, fields)
		}
	}
}

// A failure_route that forks on serially sets "missed" again to have
// every attempt reported, as OpenSIPS's docs advise.
func TestMissedEachAttempt(t *testing.T) {
	c := newCall(t, `route {
	do_accounting("log", "missed");
	t_on_failure("next");
	t_relay();
}
failure_route[next] {
	do_accounting("log", "missed");
	$ru = "sip:carol@127.0.0.2";
	t_relay();
}
`)
	c.request(invite("serial"))
	c.answer(0, 486)
	c.answer(1, 200)
	checkLines(t, c.lines(), []string{
		"missed:INVITE;from_tag=1928301774;to_tag=callee;call_id=%s;code=486;reason=Busy Here",
		"answered:INVITE;from_tag=1928301774;to_tag=callee;call_id=%s;code=200;reason=OK",
	}, "serial.atlanta.example.com")
}

// A reply the script makes with t_reply is accounted too; its To tag is
// the request's (none), as OpenSIPS accounts its own replies.
func TestLocalReply(t *testing.T) {
	c := newCall(t, `route { do_accounting("log", "failed|missed"); t_reply(404, "Not Here"); }`)
	c.request(invite("local"))
	checkLines(t, c.lines(), []string{
		"missed:INVITE;from_tag=1928301774;to_tag=;call_id=%s;code=404;reason=Not Here",
		"answered:INVITE;from_tag=1928301774;to_tag=;call_id=%s;code=404;reason=Not Here",
	}, "local.atlanta.example.com")
}

func TestDropAccounting(t *testing.T) {
	c := newCall(t, `route { do_accounting("log", "missed|failed"); drop_accounting("log", "missed"); t_reply(486, "Busy"); }`)
	c.request(invite("drop"))
	checkLines(t, c.lines(), []string{
		"answered:INVITE;from_tag=1928301774;to_tag=;call_id=%s;code=486;reason=Busy",
	}, "drop.atlanta.example.com")

	c = newCall(t, `route { do_accounting("log"); drop_accounting(); t_reply(200, "OK"); }`)
	c.request(invite("drop-all"))
	checkLines(t, c.lines(), nil, "")
}

// Without report_cancels a CANCEL is not accounted.
func TestReportCancels(t *testing.T) {
	cancel := func(id string) string {
		return strings.NewReplacer("INVITE sip", "CANCEL sip", "314159 INVITE", "314159 CANCEL").Replace(invite(id))
	}
	c := newCall(t, `route { do_accounting("log"); t_reply(200, "OK"); }`)
	c.request(cancel("cancel-off"))
	checkLines(t, c.lines(), nil, "")

	c = newCall(t, `modparam("acc", "report_cancels", 1)
route { do_accounting("log"); t_reply(200, "OK"); }`)
	c.request(cancel("cancel"))
	checkLines(t, c.lines(), []string{"answered:CANCEL;from_tag=1928301774;to_tag=;call_id=%s;code=200;reason=OK"},
		"cancel.atlanta.example.com")
}

func TestLogRequest(t *testing.T) {
	tests := []struct{ comment, want string }{
		{"404 Not Here", "code=404;reason=Not Here"},
		{"403", "code=403;reason=Forbidden"},
		{"just a note", "code=;reason=just a note"},
		{"$rU was offline", "code=;reason=bob was offline"},
	}
	for _, tt := range tests {
		r := coretest.RunScript(t, modules+"route { acc_log_request(\""+tt.comment+"\"); }\n", coretest.Invite)
		if r.Code != 1 {
			t.Errorf("%q: code %d", tt.comment, r.Code)
		}
		want := ";method=INVITE;from_tag=1928301774;to_tag=;call_id=a84b4c76e66710@pc33.atlanta.example.com;" + tt.want
		if out := r.Log.String(); !strings.Contains(out, textRequest+"timestamp=") || !strings.Contains(out, want) {
			t.Errorf("%q: logged %s\nwant %s", tt.comment, out, want)
		}
	}
}

// log_level sets the level of the lines: 4 (L_DBG) is below what an
// info logger shows.
func TestLogLevel(t *testing.T) {
	l, _ := coretest.Compile(t, modules+`modparam("acc", "log_level", 4)
route { acc_log_request("200 OK"); }`)
	defer config.defaults()
	var out bytes.Buffer
	m, _ := sip.ParseString(coretest.Invite)
	ctx := &engine.Context{Vars: engine.NewVars(), Log: slog.New(slog.NewTextHandler(&out, nil))}
	ctx.Reset(m, engine.RequestRoute)
	l.Program.Main.Run(ctx)
	if out.Len() != 0 {
		t.Errorf("logged at L_DBG on an info logger: %s", out.String())
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ cfg, want string }{
		{`route { do_accounting("db"); }`, "not supported: do_accounting type db (module acc)"},
		{`route { do_accounting("log|aaa"); }`, "not supported: do_accounting type aaa (module acc)"},
		{`route { do_accounting("log", "cdr"); }`, "not supported: do_accounting flag cdr (module acc)"},
		{`route { do_accounting("syslog"); }`, `unknown accounting type "syslog"`},
		{`route { do_accounting("log", "misssed"); }`, `unknown accounting flag "misssed"`},
		{`route { acc_db_request("200 OK", "acc"); }`, "not supported: acc_db_request (module acc)"},
		{"modparam(\"acc\", \"detect_direction\", 1)\nroute { exit; }", "not supported: detect_direction 1 (module acc)"},
		{"modparam(\"acc\", \"log_facility\", \"LOG_NOPE\")\nroute { exit; }", `unknown log_facility "LOG_NOPE"`},
		{"modparam(\"acc\", \"db_url\", \"sqlite:///tmp/x\")\nroute { exit; }", "not supported: modparam db_url (module acc)"},
	}
	for _, tt := range tests {
		if got := coretest.CompileErrors(t, modules+tt.cfg); !strings.Contains(got, tt.want) {
			t.Errorf("%s:\ngot  %s\nwant %s", tt.cfg, got, tt.want)
		}
	}
}

// The stock opensips.cfg sets these.
func TestStockParams(t *testing.T) {
	coretest.Compile(t, modules+`modparam("acc", "early_media", 0)
modparam("acc", "report_cancels", 0)
modparam("acc", "detect_direction", 0)
modparam("acc", "log_facility", "LOG_LOCAL0")
route { if ($rm == "BYE") { do_accounting("log","failed"); } do_accounting("log"); do_accounting("log","missed"); }
`)
}
