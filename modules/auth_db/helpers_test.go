package auth_db

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/core/coretest"
	"switchboard/db"
	"switchboard/db/schema"
	"switchboard/modules/auth"
	"switchboard/sip"

	_ "switchboard/modules/db_sqlite"
	_ "switchboard/modules/sl"
)

// newDB creates an SQLite database with the OpenSIPS 3.6 subscriber and
// uri tables, and alice@example.com (password "secret", stored in clear
// too) and bob@example.com (hashes only) written by the CLI's functions.
func newDB(t testing.TB) (string, db.Conn) {
	t.Helper()
	url := "sqlite://" + filepath.Join(t.TempDir(), "x.db")
	conn, err := db.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ctx := context.Background()
	if err := schema.CreateSchema(ctx, conn, []string{"subscriber", "uri"}); err != nil {
		t.Fatal(err)
	}
	if err := AddUser(ctx, conn, "alice", "example.com", "secret", true); err != nil {
		t.Fatal(err)
	}
	if err := AddUser(ctx, conn, "bob", "example.com", "hunter2", false); err != nil {
		t.Fatal(err)
	}
	return url, conn
}

// header is the cfg prologue: the modules and db_url.
func header(url string, params ...string) string {
	cfg := "loadmodule \"sl.so\"\nloadmodule \"auth.so\"\nloadmodule \"db_sqlite.so\"\nloadmodule \"auth_db.so\"\n" +
		"modparam(\"auth_db\", \"db_url\", \"" + url + "\")\n"
	for _, p := range params {
		cfg += p + "\n"
	}
	return cfg
}

// start gives the test a fresh module, compiles cfg and runs the modules'
// Init as the server does before it listens (coretest.RunScript only
// compiles). It returns Init's error.
func start(t *testing.T, cfg string) error {
	t.Helper()
	module = newModule()
	t.Cleanup(func() {
		if module.conn != nil {
			module.conn.Close()
		}
		module = newModule()
	})
	l, _ := coretest.Compile(t, cfg)
	return l.InitModules()
}

// mustStart is start for a cfg that must initialise.
func mustStart(t *testing.T, cfg string) {
	t.Helper()
	if err := start(t, cfg); err != nil {
		t.Fatalf("Init: %v", err)
	}
}

// register is a REGISTER for aor (user@domain); extra headers go before
// Content-Length.
func register(aor string, extra ...string) string {
	msg := "REGISTER sip:" + aor[strings.IndexByte(aor, '@')+1:] + " SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKreg1\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: <sip:" + aor + ">\r\n" +
		"From: <sip:" + aor + ">;tag=456248\r\n" +
		"Call-ID: 843817637684230@998sdasdh09\r\n" +
		"CSeq: 1826 REGISTER\r\n" +
		"Contact: <sip:alice@192.0.2.10>\r\n"
	for _, h := range extra {
		msg += h + "\r\n"
	}
	return msg + "Content-Length: 0\r\n\r\n"
}

// invite is an INVITE to ruri from from.
func invite(ruri, from, to string) string {
	return "INVITE " + ruri + " SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKinv1\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: <" + to + ">\r\n" +
		"From: <" + from + ">;tag=1928301774\r\n" +
		"Call-ID: a84b4c76e66710@192.0.2.10\r\n" +
		"CSeq: 314159 INVITE\r\n" +
		"Content-Length: 0\r\n\r\n"
}

// challengeOf returns the challenges of a 401 or 407 reply.
func challengeOf(t *testing.T, reply string, h sip.HeaderType) []sip.Challenge {
	t.Helper()
	m, err := sip.ParseString(reply)
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	cs, err := m.Challenges(h)
	if err != nil || len(cs) == 0 {
		t.Fatalf("no challenge in %q: %v", reply, err)
	}
	return cs
}

// answer computes the credentials a UA sends for challenge c with qop
// auth (RFC 7616 §3.4), as a header value.
func answer(c sip.Challenge, user, password, method, uri string) string {
	alg, _ := auth.ParseAlgorithm(c.Algorithm)
	d := auth.Digest{Algorithm: alg, Method: method, URI: uri, Nonce: c.Nonce, QOP: "auth", CNonce: "0a4f113b", NC: "00000001"}
	cred := sip.Credentials{Username: user, Realm: c.Realm, Nonce: c.Nonce, URI: uri, Algorithm: c.Algorithm,
		QOP: d.QOP, CNonce: d.CNonce, NC: d.NC, Response: d.Response(auth.HA1(alg, user, c.Realm, password))}
	return string(sip.AppendCredentials(nil, &cred))
}
