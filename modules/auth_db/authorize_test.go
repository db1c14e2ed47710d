package auth_db

import (
	"context"
	"strings"
	"testing"

	"switchboard/core/coretest"
	"switchboard/db"
	"switchboard/sip"
)

// authRoute is the registrar check of the OpenSIPS auth_db docs
// (www_authorize usage): challenge when www_authorize fails, keeping its
// code in $var(rc); 1 when it passes.
func authRoute(algorithms string) string {
	return `route {
	$var(rc) = 0;
	if (!www_authorize("", "subscriber")) {
		$var(rc) = $rc;
		www_challenge("", "auth", "` + algorithms + `");
	}
	$var(rc) = 1;
}
`
}

// TestWWWAuthorize is the whole exchange through the script, per the
// OpenSIPS 3.6 auth_db docs (www_authorize, calculate_ha1,
// password_column, hash_column_sha256, hash_column_sha512t256): a
// REGISTER without credentials gets -4 and the script's 401; answered
// with the challenge's nonce it gets 1, -2 with a wrong password and -1
// for a user not in the table.
func TestWWWAuthorize(t *testing.T) {
	url, _ := newDB(t)
	cases := []struct {
		name       string
		params     []string
		algorithms string
		aor        string // the REGISTER's To, whose domain is the realm
		user, pass string // what the UA answers with
		want       int
	}{
		{"ha1 column", nil, "MD5", "alice@example.com", "alice", "secret", 1},
		{"ha1 column, user without plain password", nil, "MD5", "bob@example.com", "bob", "hunter2", 1},
		{"wrong password", nil, "MD5", "alice@example.com", "alice", "guess", -2},
		{"unknown user", nil, "MD5", "carol@example.com", "carol", "secret", -1},
		{"username with domain", nil, "MD5", "alice@example.com", "alice@example.com", "secret", -2},
		{"calculate_ha1 from password column", []string{`modparam("auth_db", "calculate_ha1", yes)`, `modparam("auth_db", "password_column", "password")`},
			"MD5", "alice@example.com", "alice", "secret", 1},
		{"calculate_ha1 wrong password", []string{`modparam("auth_db", "calculate_ha1", 1)`, `modparam("auth_db", "password_column", "password")`},
			"MD5", "alice@example.com", "alice", "guess", -2},
		{"calculate_ha1 without a stored password", []string{`modparam("auth_db", "calculate_ha1", 1)`, `modparam("auth_db", "password_column", "password")`},
			"MD5", "bob@example.com", "bob", "hunter2", -2},
		{"SHA-256 from ha1_sha256", nil, "SHA-256", "alice@example.com", "alice", "secret", 1},
		{"SHA-256 wrong password", nil, "SHA-256", "alice@example.com", "alice", "guess", -2},
		{"SHA-512-256 from ha1_sha512t256", nil, "SHA-512-256", "bob@example.com", "bob", "hunter2", 1},
		{"SHA-256 with calculate_ha1", []string{`modparam("auth_db", "calculate_ha1", 1)`, `modparam("auth_db", "password_column", "password")`},
			"SHA-256", "alice@example.com", "alice", "secret", 1},
		{"use_domain, user in the domain", []string{`modparam("auth_db", "use_domain", 1)`}, "MD5", "alice@example.com", "alice", "secret", 1},
		{"use_domain, user of another domain", []string{`modparam("auth_db", "use_domain", 1)`}, "MD5", "alice@example.org", "alice", "secret", -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := header(url, append(tc.params, `modparam("auth_db", "load_credentials", "")`)...) + authRoute(tc.algorithms)
			mustStart(t, cfg)

			r := coretest.RunScript(t, cfg, register(tc.aor))
			if got := r.Ctx.Vars.Get("rc").Int; got != -4 || len(r.Sent.Replies) != 1 {
				t.Fatalf("without credentials: rc %d, replies %q; want -4 and a 401", got, r.Sent.Replies)
			}
			c := challengeOf(t, r.Sent.Replies[0], sip.HdrWWWAuthenticate)[0]
			if !strings.HasPrefix(r.Sent.Replies[0], "SIP/2.0 401 ") || c.Realm != tc.aor[strings.IndexByte(tc.aor, '@')+1:] {
				t.Fatalf("challenge %+v in %q", c, r.Sent.Replies[0])
			}

			signed := register(tc.aor, "Authorization: "+answer(c, tc.user, tc.pass, "REGISTER", "sip:"+c.Realm))
			r = coretest.RunScript(t, cfg, signed)
			if got := r.Ctx.Vars.Get("rc").Int; got != tc.want {
				t.Errorf("with credentials: rc %d, want %d; log:\n%s", got, tc.want, r.Log)
			}
			if tc.want == 1 && len(r.Sent.Replies) != 0 {
				t.Errorf("authorized, yet replied %q", r.Sent.Replies)
			}
		})
	}
}

// TestProxyAuthorize: proxy_authorize reads Proxy-Authorization against
// the From domain (OpenSIPS 3.6 auth_db docs, proxy_authorize).
func TestProxyAuthorize(t *testing.T) {
	url, _ := newDB(t)
	cfg := header(url, `modparam("auth_db", "load_credentials", "")`) + `route {
	if (!proxy_authorize("", "subscriber")) {
		$var(rc) = $rc;
		proxy_challenge("", "auth");
	}
	$var(rc) = 1;
}
`
	mustStart(t, cfg)
	msg := invite("sip:bob@example.com", "sip:alice@example.com", "sip:bob@example.com")
	r := coretest.RunScript(t, cfg, msg)
	if r.Ctx.Vars.Get("rc").Int != -4 || len(r.Sent.Replies) != 1 || !strings.HasPrefix(r.Sent.Replies[0], "SIP/2.0 407 ") {
		t.Fatalf("rc %v, replies %q", r.Ctx.Vars.Get("rc"), r.Sent.Replies)
	}
	c := challengeOf(t, r.Sent.Replies[0], sip.HdrProxyAuthenticate)[0]
	withCreds := strings.Replace(msg, "Content-Length", "Proxy-Authorization: "+answer(c, "alice", "secret", "INVITE", "sip:bob@example.com")+"\r\nContent-Length", 1)
	r = coretest.RunScript(t, cfg, withCreds)
	if got := r.Ctx.Vars.Get("rc").Int; got != 1 {
		t.Errorf("rc %d, log:\n%s", got, r.Log)
	}
}

// authorizedRun challenges aor, answers as alice/secret and returns the
// run of the signed REGISTER.
func authorizedRun(t *testing.T, cfg, aor string) *coretest.Result {
	t.Helper()
	r := coretest.RunScript(t, cfg, register(aor))
	if len(r.Sent.Replies) != 1 {
		t.Fatalf("no challenge: %q; log:\n%s", r.Sent.Replies, r.Log)
	}
	c := challengeOf(t, r.Sent.Replies[0], sip.HdrWWWAuthenticate)[0]
	return coretest.RunScript(t, cfg, register(aor, "Authorization: "+answer(c, "alice", "secret", "REGISTER", "sip:"+c.Realm)))
}

// TestLoadCredentials: on success the load_credentials columns are
// copied into AVPs, "column" into $avp(column) and "$avp(name)=column"
// into $avp(name) (OpenSIPS 3.6 auth_db docs, load_credentials); the
// default, rpid, is dropped when the 3.6 table has no such column.
func TestLoadCredentials(t *testing.T) {
	url, _ := newDB(t)
	cases := []struct {
		name  string
		param string
		want  map[string]string
	}{
		{"named and plain", `modparam("auth_db", "load_credentials", "$avp(realm)=domain; ha1_sha256")`,
			map[string]string{"realm": "example.com", "ha1_sha256": Hashes("alice", "example.com", "secret")["ha1_sha256"].(string)}},
		{"empty value skipped", `modparam("auth_db", "load_credentials", "$avp(pw)=password")`, map[string]string{"pw": "secret"}},
		{"default rpid without the column", "", map[string]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := header(url, tc.param) + authRoute("MD5")
			mustStart(t, cfg)
			r := authorizedRun(t, cfg, "alice@example.com")
			if r.Ctx.Vars.Get("rc").Int != 1 {
				t.Fatalf("rc %v; log:\n%s", r.Ctx.Vars.Get("rc"), r.Log)
			}
			for avp, want := range tc.want {
				if got := r.Ctx.AVPs.Get(avp, 0); got.Str != want {
					t.Errorf("$avp(%s) = %q, want %q", avp, got.Str, want)
				}
			}
			if r.Ctx.AVPs.Count("rpid") != 0 {
				t.Error("$avp(rpid) set")
			}
		})
	}
	// Failed authorizations load nothing.
	cfg := header(url, `modparam("auth_db", "load_credentials", "$avp(realm)=domain")`) + authRoute("MD5")
	mustStart(t, cfg)
	r := coretest.RunScript(t, cfg, register("alice@example.com"))
	c := challengeOf(t, r.Sent.Replies[0], sip.HdrWWWAuthenticate)[0]
	r = coretest.RunScript(t, cfg, register("alice@example.com", "Authorization: "+answer(c, "alice", "wrong", "REGISTER", "sip:example.com")))
	if r.Ctx.Vars.Get("rc").Int != -2 || r.Ctx.AVPs.Count("realm") != 0 {
		t.Errorf("wrong password: rc %v, $avp(realm) count %d", r.Ctx.Vars.Get("rc"), r.Ctx.AVPs.Count("realm"))
	}
}

// TestDatabaseDown: a database that is gone or broken fails the
// authorization with -5 (generic error, no reply: OpenSIPS 3.6 auth_db
// docs, www_authorize) and the checks with their error codes, logged,
// without a panic or a wait.
func TestDatabaseDown(t *testing.T) {
	cases := []struct {
		name    string
		breakDB func(t *testing.T, conn db.Conn)
	}{
		{"connection closed", func(t *testing.T, _ db.Conn) { module.conn.Close() }},
		{"table dropped", func(t *testing.T, conn db.Conn) {
			if _, err := conn.(db.RawConn).Exec(context.Background(), "DROP TABLE subscriber"); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url, conn := newDB(t)
			cfg := header(url, `modparam("auth_db", "load_credentials", "")`) + `route {
	if ($hdr(Authorization) == NULL) { www_challenge("", "auth"); }
	www_authorize("", "subscriber");
	$var(auth) = $rc;
	db_does_uri_exist("sip:alice@example.com", "subscriber");
	$var(exists) = $rc;
}
`
			mustStart(t, cfg)
			r := coretest.RunScript(t, cfg, register("alice@example.com"))
			c := challengeOf(t, r.Sent.Replies[0], sip.HdrWWWAuthenticate)[0]
			tc.breakDB(t, conn)
			r = coretest.RunScript(t, cfg, register("alice@example.com", "Authorization: "+answer(c, "alice", "secret", "REGISTER", "sip:example.com")))
			if got := r.Ctx.Vars.Get("auth").Int; got != -5 || len(r.Sent.Replies) != 0 {
				t.Errorf("www_authorize: rc %d, replies %q; want -5 and no reply", got, r.Sent.Replies)
			}
			if got := r.Ctx.Vars.Get("exists").Int; got != checkNoUser {
				t.Errorf("db_does_uri_exist: rc %d, want %d", got, checkNoUser)
			}
			if !strings.Contains(r.Log.String(), "level=ERROR") {
				t.Errorf("nothing logged:\n%s", r.Log)
			}
		})
	}
}
