package auth_db

import (
	"context"
	"strings"
	"testing"

	"switchboard/core/coretest"
	"switchboard/db"
	"switchboard/db/schema"

	_ "switchboard/modules/db_text"
)

// TestDoesURIExist: db_does_uri_exist(uri, table) is true when the user
// (and with use_domain the host) of the URI is a subscriber (OpenSIPS
// 3.6 auth_db docs, db_does_uri_exist); the false codes are OpenSIPS's.
func TestDoesURIExist(t *testing.T) {
	url, _ := newDB(t)
	cases := []struct {
		name, param, uri string
		want             int
	}{
		{"existing user", "", "sip:alice@example.com", 1},
		{"from a variable", "", "$ru", 1},
		{"unknown user", "", "sip:carol@example.com", checkNoRows},
		{"other domain without use_domain", "", "sip:bob@example.org", 1},
		{"other domain with use_domain", `modparam("auth_db", "use_domain", 1)`, "sip:bob@example.org", checkNoRows},
		{"same domain with use_domain", `modparam("auth_db", "use_domain", 1)`, "sip:bob@example.com;transport=tcp", 1},
		{"empty uri", "", "", checkBadInput},
		{"not a uri", "", "alice", checkBadInput},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := header(url, tc.param) + "route {\n\tdb_does_uri_exist(\"" + tc.uri + "\", \"subscriber\");\n\t$var(rc) = $rc;\n}\n"
			mustStart(t, cfg)
			r := coretest.RunScript(t, cfg, invite("sip:alice@example.com", "sip:bob@example.com", "sip:alice@example.com"))
			if got := r.Ctx.Vars.Get("rc").Int; got != tc.want {
				t.Errorf("rc %d, want %d; log:\n%s", got, tc.want, r.Log)
			}
		})
	}
}

// mapURI adds a uri table row: authentication user username@domain may
// present uriUser.
func mapURI(t *testing.T, conn db.Conn, username, domain, uriUser string) {
	t.Helper()
	if err := conn.Insert(context.Background(), "uri", db.Row{"username": username, "domain": domain, "uri_user": uriUser}); err != nil {
		t.Fatal(err)
	}
}

// TestIsAuthorized: db_is_to_authorized / db_is_from_authorized check the
// uri table for the user authorized by www_authorize and the To / From
// URI user (OpenSIPS 3.6 auth_db docs); without an authorization first
// they fail.
func TestIsAuthorized(t *testing.T) {
	url, conn := newDB(t)
	mapURI(t, conn, "alice", "example.com", "sales")
	cases := []struct {
		name, check, aor string
		authorize        bool
		want             int
	}{
		{"To mapped", "db_is_to_authorized", "sales@example.com", true, 1},
		{"From mapped", "db_is_from_authorized", "sales@example.com", true, 1},
		{"To not mapped", "db_is_to_authorized", "support@example.com", true, checkSpoofed},
		{"before authorize", "db_is_to_authorized", "sales@example.com", false, checkNoAuthCreds},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			authorize := `if (!www_authorize("example.com", "subscriber")) { www_challenge("example.com", "auth"); }`
			if !tc.authorize {
				authorize = ""
			}
			cfg := header(url, `modparam("auth_db", "load_credentials", "")`) + "route {\n" + authorize + "\n" +
				tc.check + "(\"uri\");\n$var(rc) = $rc;\n}\n"
			mustStart(t, cfg)
			var r *coretest.Result
			if tc.authorize {
				r = authorizedRun(t, cfg, tc.aor)
			} else {
				r = coretest.RunScript(t, cfg, register(tc.aor))
			}
			if got := r.Ctx.Vars.Get("rc").Int; got != tc.want {
				t.Errorf("rc %d, want %d; log:\n%s", got, tc.want, r.Log)
			}
		})
	}
}

// TestGetAuthID: db_get_auth_id(table, uri, auth, realm) finds the
// authentication user and realm a URI maps to (OpenSIPS 3.6 auth_db
// docs, db_get_auth_id).
func TestGetAuthID(t *testing.T) {
	url, conn := newDB(t)
	mapURI(t, conn, "alice", "example.com", "sales")
	cases := []struct {
		name, param, uri    string
		want                int
		wantUser, wantRealm string
	}{
		{"mapped", "", "sip:sales@example.com", 1, "alice", "example.com"},
		{"mapped, host ignored", "", "sip:sales@example.org", 1, "alice", "example.com"},
		{"host checked with use_domain", `modparam("auth_db", "use_domain", 1)`, "sip:sales@example.org", checkNoUser, "", ""},
		{"not mapped", "", "sip:support@example.com", checkNoUser, "", ""},
		{"no user part", "", "sip:example.com", checkBadInput, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := header(url, tc.param) + "route {\n\tdb_get_auth_id(\"uri\", \"" + tc.uri + "\", $avp(auth), $var(realm));\n\t$var(rc) = $rc;\n}\n"
			mustStart(t, cfg)
			r := coretest.RunScript(t, cfg, coretest.Invite)
			if got := r.Ctx.Vars.Get("rc").Int; got != tc.want {
				t.Fatalf("rc %d, want %d; log:\n%s", got, tc.want, r.Log)
			}
			if u, realm := r.Ctx.AVPs.Get("auth", 0).Str, r.Ctx.Vars.Get("realm").Str; u != tc.wantUser || realm != tc.wantRealm {
				t.Errorf("auth %q realm %q, want %q %q", u, realm, tc.wantUser, tc.wantRealm)
			}
		})
	}
}

// TestInit: Init opens db_url and checks each table the script names,
// its columns and (unless skip_version_check) its version against
// OpenSIPS 3.6's (auth_db docs: db_url, skip_version_check), so that a
// mistake stops the start-up with a clear message.
func TestInit(t *testing.T) {
	url, conn := newDB(t)
	authorize := "route { www_authorize(\"\", \"subscriber\"); }\n"
	cases := []struct {
		name    string
		setup   func(t *testing.T)
		cfg     string
		wantErr string // "" for none
	}{
		{"good", nil, header(url) + authorize, ""},
		{"no db_url", nil, strings.Replace(header(url), `modparam("auth_db", "db_url", "`+url+`")`, "", 1) + authorize, "db_url is not set"},
		{"unknown scheme", nil, header("oracle://x/y") + authorize, `no driver for "oracle"`},
		{"missing table", nil, header(url) + "route { www_authorize(\"\", \"users\"); }\n", "table users"},
		{"uri table checked against uri's version", nil, header(url) + "route { db_is_to_authorized(\"uri\"); }\n", ""},
		{"old version", func(t *testing.T) { setVersion(t, conn, 7) }, header(url) + authorize, "version 7"},
		{"old version skipped", func(t *testing.T) { setVersion(t, conn, 7) }, header(url, `modparam("auth_db", "skip_version_check", 1)`) + authorize, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			setVersion(t, conn, subscriberVersion)
			if tc.setup != nil {
				tc.setup(t)
			}
			err := start(t, tc.cfg)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("Init: %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// TestInitColumns: a column named by a parameter that the table lacks
// stops the start-up. It runs on db_text: SQLite reads an unknown
// double-quoted column name as a string literal (its "DQS" misfeature),
// so db_sqlite cannot tell.
func TestInitColumns(t *testing.T) {
	url := "text://" + t.TempDir()
	conn, err := db.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := schema.CreateSchema(context.Background(), conn, []string{"subscriber"}); err != nil {
		t.Fatal(err)
	}
	authorize := "route { www_authorize(\"\", \"subscriber\"); }\n"
	cases := []struct{ name, param, wantErr string }{
		{"good", `modparam("auth_db", "load_credentials", "")`, ""},
		{"default rpid dropped", "", ""},
		{"missing column", `modparam("auth_db", "user_column", "login")`, "login"},
		{"missing load_credentials column", `modparam("auth_db", "load_credentials", "rpid")`, "load_credentials"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := start(t, header(url, tc.param)+authorize)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("Init: %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func setVersion(t *testing.T, conn db.Conn, v int) {
	t.Helper()
	if _, err := conn.Update(context.Background(), "version", db.Row{"table_version": v}, []db.Cond{{Col: "table_name", Val: "subscriber"}}); err != nil {
		t.Fatal(err)
	}
}

// TestScriptErrors: bad names are reported where the script writes them.
func TestScriptErrors(t *testing.T) {
	for _, tc := range []struct{ name, cfg, want string }{
		{"bad column", header("sqlite://x", `modparam("auth_db", "user_column", "user name")`), "user_column"},
		{"bad load_credentials", header("sqlite://x", `modparam("auth_db", "load_credentials", "$var(x)=rpid")`), "not an $avp(name)"},
		{"bad table", header("sqlite://x") + "route { www_authorize(\"\", \"sub;scriber\"); }\n", "invalid identifier"},
		{"no ha1b in 3.6", header("sqlite://x", `modparam("auth_db", "password_column_2", "ha1b")`), "password_column_2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			module = newModule()
			t.Cleanup(func() { module = newModule() })
			if got := coretest.CompileErrors(t, tc.cfg+"route { exit; }\n"); !strings.Contains(got, tc.want) {
				t.Errorf("%s", got)
			}
		})
	}
}

// TestInitColumnsSQLite: on SQLite too an unknown column stops start-up.
func TestInitColumnsSQLite(t *testing.T) {
	url, _ := newDB(t)
	for _, tc := range []struct{ name, param, wantErr string }{
		{"missing column", `modparam("auth_db", "user_column", "login")`, "login"},
		{"missing load_credentials column", `modparam("auth_db", "load_credentials", "rpid")`, "rpid"},
		{"default rpid dropped", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := start(t, header(url, tc.param)+"route { www_authorize(\"\", \"subscriber\"); }\n")
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("Init: %v, want %q", err, tc.wantErr)
			}
			if tc.wantErr == "" && len(module.credentials) != 0 {
				t.Errorf("credentials %v, want none", module.credentials)
			}
		})
	}
}
