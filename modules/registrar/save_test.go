package registrar

import (
	"slices"
	"strings"
	"switchboard/core/coretest"
	"switchboard/modules/usrloc"
	"testing"
	"time"
)

func TestSave(t *testing.T) {
	tests := []struct {
		name     string
		params   string // modparam lines
		flags    string // save()'s second argument
		before   []reg  // REGISTERs that must get 200 first
		req      reg
		code     int
		contacts []string // of the 200 OK, in order
		header   string   // a header the reply must carry, "Name: value"
	}{
		{name: "§10.3 step 8: 200 lists every binding with its expires",
			req:  reg{contacts: []string{"<sip:alice@192.0.2.10>;expires=600", "<sip:alice@192.0.2.11>"}, expires: "1200"},
			code: 200, contacts: []string{"sip:alice@192.0.2.10 expires=600", "sip:alice@192.0.2.11 expires=1200"}},
		{name: "§10.3 step 7: default_expires without parameter or header",
			params: `modparam("registrar", "default_expires", 1800)`,
			req:    reg{contacts: []string{"<sip:alice@192.0.2.10>"}},
			code:   200, contacts: []string{"sip:alice@192.0.2.10 expires=1800"}},
		{name: "§10.3 step 7: 423 below min_expires, with Min-Expires",
			params: `modparam("registrar", "min_expires", 300)`,
			req:    reg{contacts: []string{"<sip:alice@192.0.2.10>;expires=30"}},
			code:   423, header: "Min-Expires: 300"},
		{name: "§10.3 step 7: min-expires save flag overrides the parameter",
			flags: "min-expires=100",
			req:   reg{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "90"},
			code:  423, header: "Min-Expires: 100"},
		{name: "§10.3 step 7: max_expires shortens",
			params: `modparam("registrar", "max_expires", 900)`,
			req:    reg{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "7200"},
			code:   200, contacts: []string{"sip:alice@192.0.2.10 expires=900"}},
		{name: "§10.3 step 6: * with Expires 0 removes every binding",
			before: []reg{{contacts: []string{"<sip:alice@192.0.2.10>", "<sip:alice@192.0.2.11>"}, callID: "old"}},
			req:    reg{contacts: []string{"*"}, expires: "0"},
			code:   200, contacts: nil},
		{name: "§10.3 step 6: * with a non-zero Expires is 400",
			req:  reg{contacts: []string{"*"}, expires: "60"},
			code: 400},
		{name: "§10.3 step 6: * without Expires is 400",
			req:  reg{contacts: []string{"*"}},
			code: 400},
		{name: "§10.2.2: * with another Contact is 400",
			req:  reg{contacts: []string{"*", "<sip:alice@192.0.2.10>"}, expires: "0"},
			code: 400},
		{name: "§10.3 step 7: same Call-ID, lower CSeq fails and changes nothing",
			before: []reg{{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "600", cseq: 5}},
			req:    reg{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "0", cseq: 4},
			code:   400},
		{name: "§10.3 step 6: * with an older CSeq of the same Call-ID fails",
			before: []reg{{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "600", cseq: 5}},
			req:    reg{contacts: []string{"*"}, expires: "0", cseq: 3},
			code:   400},
		{name: "§10.3 step 7: same Call-ID and CSeq is a retransmission, binding kept",
			before: []reg{{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "600", cseq: 5}},
			req:    reg{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "60", cseq: 5},
			code:   200, contacts: []string{"sip:alice@192.0.2.10 expires=600"}},
		{name: "§10.3 step 7: higher CSeq refreshes",
			before: []reg{{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "600", cseq: 5}},
			req:    reg{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "120", cseq: 6},
			code:   200, contacts: []string{"sip:alice@192.0.2.10 expires=120"}},
		{name: "§10.3 step 7: another Call-ID replaces the binding",
			before: []reg{{contacts: []string{"<sip:alice@pc.example.com>"}, expires: "600", cseq: 50}},
			req:    reg{contacts: []string{"<sip:alice@PC.example.com>"}, expires: "300", callID: "other", cseq: 1},
			code:   200, contacts: []string{"sip:alice@PC.example.com expires=300"}},
		{name: "§10.3 step 7: expires=0 removes one binding",
			before: []reg{{contacts: []string{"<sip:alice@192.0.2.10>", "<sip:alice@192.0.2.11>"}, expires: "600"}},
			req:    reg{contacts: []string{"<sip:alice@192.0.2.10>;expires=0"}, cseq: 2},
			code:   200, contacts: []string{"sip:alice@192.0.2.11 expires=600"}},
		{name: "§10.3 step 5: no Contact is a query",
			before: []reg{{contacts: []string{"<sip:alice@192.0.2.10>;q=0.5"}, expires: "600"}},
			req:    reg{cseq: 2},
			code:   200, contacts: []string{"sip:alice@192.0.2.10 expires=600 q=500"}},
		{name: "§10.3 step 7: a bad q is 400",
			req:  reg{contacts: []string{"<sip:alice@192.0.2.10>;q=2"}},
			code: 400},
		{name: "max_contacts: one binding too many is 503",
			params: `modparam("registrar", "max_contacts", 1)`,
			before: []reg{{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "600"}},
			req:    reg{contacts: []string{"<sip:alice@192.0.2.11>"}, expires: "600", callID: "c2"},
			code:   503},
		{name: "max-contacts with force-registration drops the oldest",
			flags:  "max-contacts=1,force-registration",
			before: []reg{{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "600"}},
			req:    reg{contacts: []string{"<sip:alice@192.0.2.11>"}, expires: "300", callID: "c2"},
			code:   200, contacts: []string{"sip:alice@192.0.2.11 expires=300"}},
		{name: "RFC 3327 §5.3: path-lazy returns Path to a UA that supports it",
			flags: "path-lazy",
			req: reg{contacts: []string{"<sip:alice@10.0.0.1>"}, expires: "600",
				extra: []string{"Path: <sip:edge.example.com;lr>", "Supported: path"}},
			code: 200, contacts: []string{"sip:alice@10.0.0.1 expires=600"}, header: "Path: <sip:edge.example.com;lr>"},
		{name: "RFC 3327 §5.3: path-strict refuses a UA without path support",
			flags: "path-strict",
			req:   reg{contacts: []string{"<sip:alice@10.0.0.1>"}, extra: []string{"Path: <sip:edge.example.com;lr>"}},
			code:  420},
		{name: "RFC 5626: same instance and reg-id is one binding, whatever the URI",
			before: []reg{{contacts: []string{`<sip:alice@192.0.2.10>;+sip.instance="<urn:uuid:1>";reg-id=1`}, expires: "600"}},
			req:    reg{contacts: []string{`<sip:alice@192.0.2.99>;+sip.instance="<urn:uuid:1>";reg-id=1`}, expires: "600", cseq: 2},
			code:   200, contacts: []string{"sip:alice@192.0.2.99 expires=600"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			saveArgs := `"location"`
			if tc.flags != "" {
				saveArgs += `, "` + tc.flags + `"`
			}
			e := newEnv(t, tc.params, saveArgs, `"location"`)
			for _, b := range tc.before {
				if code := e.run(b.String()).reply(t).StatusCode(); code != 200 {
					t.Fatalf("setup REGISTER: %d", code)
				}
			}
			r := e.run(tc.req.String())
			m := r.reply(t)
			if m.StatusCode() != tc.code {
				t.Fatalf("reply %d, want %d:\n%s", m.StatusCode(), tc.code, r.replies[0])
			}
			wantRC := 1
			if tc.code != 200 {
				wantRC = -1
			}
			if r.rc != wantRC {
				t.Errorf("save returned %d, want %d", r.rc, wantRC)
			}
			if tc.code == 200 {
				if got := contacts(t, m); !slices.Equal(got, tc.contacts) {
					t.Errorf("contacts %q, want %q", got, tc.contacts)
				}
				if _, ok := m.HeaderNamed("Date"); !ok {
					t.Error("no Date header (§10.3 step 8)")
				}
			}
			if tc.header != "" {
				name, value, _ := strings.Cut(tc.header, ": ")
				if h, ok := m.HeaderNamed(name); !ok || h.Value != value {
					t.Errorf("reply lacks %q:\n%s", tc.header, r.replies[0])
				}
			}
		})
	}
}

func TestSaveNoReplyAndStats(t *testing.T) {
	e := newEnv(t, "", `"location", "no-reply"`, `"location"`)
	accepted, rejected := Stats.AcceptedRegs.Load(), Stats.RejectedRegs.Load()
	r := e.run(reg{contacts: []string{"<sip:alice@192.0.2.10>"}}.String())
	if r.rc != 1 || len(r.replies) != 0 {
		t.Fatalf("no-reply: rc %d, %d replies", r.rc, len(r.replies))
	}
	e.run(reg{contacts: []string{"*"}, expires: "5", cseq: 2}.String())
	if Stats.AcceptedRegs.Load() != accepted+1 || Stats.RejectedRegs.Load() != rejected+1 {
		t.Errorf("accepted_regs/rejected_regs did not count one each")
	}
}

func TestSaveExpiryOnTheClock(t *testing.T) {
	// §10.2.1.1 / usrloc: a binding is gone once its expires has passed.
	e := newEnv(t, "", `"location"`, `"location"`)
	e.run(reg{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "60"}.String())
	e.clock.Advance(59 * time.Second)
	if r := e.run(invite("alice", "INVITE")); r.rc != 1 {
		t.Fatalf("lookup before expiry: %d", r.rc)
	}
	e.clock.Advance(time.Second)
	if r := e.run(invite("alice", "INVITE")); r.rc != -1 {
		t.Fatalf("lookup after expiry: %d, want -1", r.rc)
	}
	m := e.run(reg{cseq: 9}.String()).reply(t)
	if got := contacts(t, m); len(got) != 0 {
		t.Errorf("expired binding listed: %q", got)
	}
}

func TestRunScriptWithoutInit(t *testing.T) {
	// coretest.RunScript compiles and runs without Init: usrloc starts a
	// memory instance on first use.
	usrloc.Shutdown()
	t.Cleanup(func() { usrloc.Shutdown() })
	r := coretest.RunScript(t, "loadmodule \"sl.so\"\nloadmodule \"usrloc.so\"\nloadmodule \"registrar.so\"\nroute { save(\"location\"); }",
		strings.ReplaceAll(reg{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "600"}.String(), "\n", "\r\n"))
	if len(r.Sent.Replies) != 1 || !strings.HasPrefix(r.Sent.Replies[0], "SIP/2.0 200 OK\r\n") ||
		!strings.Contains(r.Sent.Replies[0], "Contact: <sip:alice@192.0.2.10>;expires=600\r\n") {
		t.Fatalf("replies %q", r.Sent.Replies)
	}
}
