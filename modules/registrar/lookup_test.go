package registrar

import (
	"path/filepath"
	"strings"
	"testing"

	"switchboard/core/coretest"
	"switchboard/db"
	"switchboard/engine"
	"switchboard/modules/usrloc"
)

func TestLookup(t *testing.T) {
	twoPhones := []reg{
		{contacts: []string{"<sip:alice@192.0.2.10>;q=0.5"}, expires: "600", extra: []string{"Allow: INVITE, ACK, BYE"}},
		{contacts: []string{"<sip:alice@192.0.2.11>;q=0.9"}, expires: "600", callID: "c2", extra: []string{"Allow: INVITE, MESSAGE"}},
		{contacts: []string{"<sip:alice@192.0.2.12>"}, expires: "600", callID: "c3"},
	}
	tests := []struct {
		name     string
		flags    string
		regs     []reg
		method   string
		rc       int
		ruri     string
		branches []string
	}{
		{name: "q order: best into the R-URI, the rest branches (RFC 3261 §16.6)", regs: twoPhones, method: "INVITE",
			rc: 1, ruri: "sip:alice@192.0.2.11", branches: []string{"sip:alice@192.0.2.10", "sip:alice@192.0.2.12"}},
		{name: "no-branches keeps only the best", flags: "no-branches", regs: twoPhones, method: "INVITE",
			rc: 1, ruri: "sip:alice@192.0.2.11"},
		{name: "to-branches-only leaves the R-URI", flags: "to-branches-only", regs: twoPhones, method: "INVITE",
			rc: 1, ruri: "sip:alice@example.com",
			branches: []string{"sip:alice@192.0.2.11", "sip:alice@192.0.2.10", "sip:alice@192.0.2.12"}},
		{name: "method-filtering drops contacts whose Allow lacks the method", flags: "method-filtering",
			regs: twoPhones, method: "MESSAGE", rc: 1, ruri: "sip:alice@192.0.2.11", branches: []string{"sip:alice@192.0.2.12"}},
		{name: "method-filtering with no contact left is -2", flags: "method-filtering",
			regs: twoPhones[:2], method: "SUBSCRIBE", rc: -2, ruri: "sip:alice@example.com"},
		{name: "unknown AOR is -1", regs: nil, method: "INVITE", rc: -1, ruri: "sip:alice@example.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := `"location"`
			if tc.flags != "" {
				args += `, "` + tc.flags + `"`
			}
			e := newEnv(t, "", `"location"`, args)
			for _, r := range tc.regs {
				e.run(r.String())
				e.clock.Advance(1) // distinct registration times
			}
			r := e.run(invite("alice", tc.method))
			if r.rc != tc.rc {
				t.Fatalf("lookup returned %d, want %d", r.rc, tc.rc)
			}
			if got := r.msg.NewRequestURI(); got != tc.ruri {
				t.Errorf("R-URI %s, want %s", got, tc.ruri)
			}
			var got []string
			for _, b := range r.ctx.Branches {
				got = append(got, b.URI)
			}
			if len(got) != len(tc.branches) || len(got) > 0 && !equal(got, tc.branches) {
				t.Errorf("branches %q, want %q", got, tc.branches)
			}
		})
	}
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func TestLookupPathReceivedAndFlags(t *testing.T) {
	// RFC 3327 §5.4: the request goes to the first Path hop; received_avp
	// (nathelper) gives the NAT's address; branch flags come back.
	e := newEnv(t, `modparam("registrar", "received_avp", "$avp(rcv)")
modparam("usrloc", "nat_bflag", "NAT")`, `"location", "path-off"`, `"location"`)
	nat, _ := engine.BranchFlags.Bit("NAT")
	l2, _ := compileOnly(t, `route { $avp(rcv) = "sip:203.0.113.7:41000"; setbflag(NAT); save("location", "path-off"); }`)
	run(t, l2, reg{contacts: []string{"<sip:alice@10.0.0.1>"}, expires: "600"}.String())
	run(t, l2, reg{user: "bob", contacts: []string{"<sip:bob@10.0.0.2>"}, expires: "600",
		extra: []string{"Path: <sip:edge.example.com;lr>, <sip:core.example.com;lr>"}}.String())

	r := e.run(invite("alice", "INVITE"))
	if r.rc != 1 || r.ctx.DstURI != "sip:203.0.113.7:41000" || r.ctx.BranchFlags&nat == 0 {
		t.Errorf("alice: rc %d, $du %q, bflags %x", r.rc, r.ctx.DstURI, r.ctx.BranchFlags)
	}
	r = e.run(invite("bob", "INVITE"))
	if r.rc != 1 || r.ctx.DstURI != "sip:edge.example.com;lr" || r.ctx.Path == "" {
		t.Errorf("bob: rc %d, $du %q, path %q", r.rc, r.ctx.DstURI, r.ctx.Path)
	}
}

func TestIsRegisteredAndRemove(t *testing.T) {
	e := newEnv(t, "", `"location"`, `"location"`)
	e.run(reg{contacts: []string{"<sip:alice@192.0.2.10>", "<sip:alice@192.0.2.11>"}, expires: "600"}.String())
	l, _ := compileOnly(t, `route {
	is_registered("location", "sip:alice@example.com"); $var(a) = $rc;
	is_registered("location", "sip:carol@example.com"); $var(b) = $rc;
	is_contact_registered("location", "sip:alice@example.com", "sip:alice@192.0.2.11"); $var(c) = $rc;
	is_contact_registered("location", "sip:alice@example.com", "", "nope"); $var(d) = $rc;
	remove("location", "sip:alice@example.com", "sip:alice@192.0.2.10"); $var(e) = $rc;
	remove("location", "sip:alice@example.com", "sip:alice@192.0.2.10"); $var(f) = $rc;
	add_sock_hdr("Sock-Info"); $var(g) = $rc;
}`)
	ctx := run(t, l, invite("alice", "OPTIONS"))
	want := map[string]int{"a": 1, "b": -1, "c": 1, "d": -1, "e": 1, "f": -1, "g": 1}
	for name, code := range want {
		if got, _ := ctx.Vars.Get(name).AsInt(); got != code {
			t.Errorf("$var(%s) = %d, want %d", name, got, code)
		}
	}
	if out := string(ctx.Msg.Bytes()); !strings.Contains(out, "Sock-Info: udp:127.0.0.1:5060\r\n") {
		t.Errorf("add_sock_hdr: no Sock-Info header in\n%s", out)
	}
	if r := e.run(invite("alice", "INVITE")); r.rc != 1 || len(r.ctx.Branches) != 0 {
		t.Errorf("after remove: rc %d, %d branches", r.rc, len(r.ctx.Branches))
	}
}

func TestRestartKeepsBindings(t *testing.T) {
	// DESIGN decision 7: with write-through or write-back (after a
	// flush) a new usrloc instance on the same database finds every
	// binding the old one acknowledged.
	for _, mode := range []string{"single-instance-sql-write-through", "single-instance-sql-write-back"} {
		t.Run(mode, func(t *testing.T) {
			url := "sqlite://" + filepath.Join(t.TempDir(), "x.db")
			params := `modparam("usrloc", "db_url", "` + url + `")
modparam("usrloc", "working_mode_preset", "` + mode + `")`
			e := newEnv(t, params, `"location"`, `"location"`)
			e.run(reg{contacts: []string{"<sip:alice@192.0.2.10>;q=0.7", "<sip:alice@192.0.2.11>"}, expires: "600"}.String())
			e.run(reg{user: "bob", contacts: []string{"<sip:bob@192.0.2.20>"}, expires: "600"}.String())
			// A restart: Init builds a fresh instance (closing, and so
			// flushing, the old one) that loads the table.
			e2 := newEnv(t, params, `"location"`, `"location"`)
			// ul_dump sees them before any request touched the table.
			u, _ := usrloc.Load()
			if dump, err := u.Dump(); err != nil || len(dump) != 1 || len(dump[0].Records) != 2 {
				t.Fatalf("ul_dump after restart: %+v %v", dump, err)
			}
			r := e2.run(invite("alice", "INVITE"))
			if r.rc != 1 || r.msg.NewRequestURI() != "sip:alice@192.0.2.10" || len(r.ctx.Branches) != 1 {
				t.Fatalf("alice after restart: rc %d, R-URI %s, %d branches", r.rc, r.msg.NewRequestURI(), len(r.ctx.Branches))
			}
			if r := e2.run(invite("bob", "INVITE")); r.rc != 1 {
				t.Fatalf("bob after restart: rc %d", r.rc)
			}
		})
	}
}

func TestDatabaseFailureIs500(t *testing.T) {
	// Write-through: a REGISTER the database could not take is refused
	// (500) and changes nothing; no panic, no hang.
	path := filepath.Join(t.TempDir(), "x.db")
	params := `modparam("usrloc", "db_url", "sqlite://` + path + `")
modparam("usrloc", "db_mode", 1)`
	e := newEnv(t, params, `"location"`, `"location"`)
	e.run(reg{contacts: []string{"<sip:alice@192.0.2.10>"}, expires: "600"}.String())
	conn, err := db.Open("sqlite://" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.(db.RawConn).Exec(t.Context(), "DROP TABLE location"); err != nil {
		t.Fatal(err)
	}
	r := e.run(reg{user: "bob", contacts: []string{"<sip:bob@192.0.2.20>"}, expires: "600"}.String())
	if code := r.reply(t).StatusCode(); code != 500 || r.rc != -1 {
		t.Fatalf("reply %d rc %d, want 500 and -1", code, r.rc)
	}
	if r := e.run(invite("bob", "INVITE")); r.rc != -1 {
		t.Errorf("bob is registered after a failed write: %d", r.rc)
	}
}

func TestBadFlagsFailTheCheck(t *testing.T) {
	// DESIGN decision 6: what is not implemented fails the config check.
	for _, call := range []string{`save("location", "bogus")`, `lookup("location", "global")`,
		`save("location", "max-contacts=x")`, `save("bad table")`} {
		errs := coretest.CompileErrors(t, "loadmodule \"sl.so\"\nloadmodule \"usrloc.so\"\nloadmodule \"registrar.so\"\nroute { "+call+"; }")
		if !strings.Contains(errs, "save") && !strings.Contains(errs, "lookup") && !strings.Contains(errs, "table") {
			t.Errorf("%s: %s", call, errs)
		}
	}
	errs := coretest.CompileErrors(t, "loadmodule \"usrloc.so\"\nmodparam(\"usrloc\", \"working_mode_preset\", \"full-sharing-cluster\")\nroute { exit; }")
	if !strings.Contains(errs, "not supported") {
		t.Errorf("preset: %s", errs)
	}
}
