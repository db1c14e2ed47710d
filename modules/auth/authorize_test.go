package auth

import (
	"errors"
	"strings"
	_ "switchboard/modules/sl"
	"testing"
	"time"

	"switchboard/core/coretest"
	"switchboard/engine"
	"switchboard/sip"
)

// register is a REGISTER from alice; extra headers go before
// Content-Length.
func register(extra ...string) string {
	msg := "REGISTER sip:example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKreg1\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: <sip:alice@example.com>\r\n" +
		"From: <sip:alice@example.com>;tag=456248\r\n" +
		"Call-ID: 843817637684230@998sdasdh09\r\n" +
		"CSeq: 1826 REGISTER\r\n" +
		"Contact: <sip:alice@192.0.2.10>\r\n"
	for _, h := range extra {
		msg += h + "\r\n"
	}
	return msg + "Content-Length: 0\r\n\r\n"
}

// answer computes the credentials a UA sends for challenge c (RFC 7616
// §3.4), as a header value.
func answer(c sip.Challenge, user, password, method, uri string, nc uint32, qop string) string {
	alg, _ := ParseAlgorithm(c.Algorithm)
	cred := sip.Credentials{Username: user, Realm: c.Realm, Nonce: c.Nonce, URI: uri, Algorithm: c.Algorithm}
	d := Digest{Algorithm: alg, Method: method, URI: uri, Nonce: c.Nonce}
	if qop != "" {
		d.QOP, d.CNonce, d.NC = qop, "0a4f113b", sprintNC(nc)
		cred.QOP, cred.CNonce, cred.NC = qop, d.CNonce, d.NC
	}
	cred.Response = d.Response(sessionHA1(alg, HA1(alg, user, c.Realm, password), d.Nonce, d.CNonce))
	return string(sip.AppendCredentials(nil, &cred))
}

func sprintNC(nc uint32) string {
	const hexdigits = "0123456789abcdef"
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = hexdigits[nc&15]
		nc >>= 4
	}
	return string(b)
}

// useTestKeeper gives the module a keeper with a fake clock for one test.
func useTestKeeper(t *testing.T) *fakeClock {
	k, clock := newTestKeeper("", true)
	saved := module.nonces
	module.nonces = k
	t.Cleanup(func() { module.nonces = saved })
	return clock
}

func newCtx(t *testing.T, msg string) (*engine.Context, *coretest.Recorder) {
	t.Helper()
	m, err := sip.ParseString(msg)
	if err != nil {
		t.Fatal(err)
	}
	rec := &coretest.Recorder{}
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Sender: rec}
	ctx.Reset(m, engine.RequestRoute)
	ctx.Received = coretest.Source
	return ctx, rec
}

// challengeFor runs Challenge on a REGISTER and returns the challenges
// of the reply.
func challengeFor(t *testing.T, kind Kind, qop, algs string, msg string) (*sip.Msg, []sip.Challenge) {
	t.Helper()
	ctx, rec := newCtx(t, msg)
	if ret := Challenge(ctx, "example.com", kind, qop, algs); ret != 0 {
		t.Fatalf("Challenge returned %d", ret)
	}
	if len(rec.Replies) != 1 {
		t.Fatalf("%d replies", len(rec.Replies))
	}
	reply, err := sip.ParseString(rec.Replies[0])
	if err != nil {
		t.Fatal(err)
	}
	h := sip.HdrWWWAuthenticate
	if kind == Proxy {
		h = sip.HdrProxyAuthenticate
	}
	cs, err := reply.Challenges(h)
	if err != nil {
		t.Fatal(err)
	}
	return reply, cs
}

// users is the backend of the Go API tests: alice has a password, bob an
// HA1 (auth_db's ha1 column), carol makes the backend fail.
func users(ctx *engine.Context, user, realm string, alg Algorithm) (string, bool, bool, error) {
	switch user {
	case "alice":
		return "secret", false, true, nil
	case "bob":
		return HA1(alg.Base(), "bob", realm, "bobpw"), true, true, nil
	case "carol":
		return "", false, false, errors.New("database down")
	}
	return "", false, false, nil
}

// TestAuthorize drives the Go API auth_db uses through the return codes
// of the OpenSIPS auth docs (pv_www_authorize: -1 invalid user, -2
// invalid password, -3 stale nonce, -4 no credentials, -5 error).
func TestAuthorize(t *testing.T) {
	tests := []struct {
		name     string
		kind     Kind
		qop      string
		algs     string
		user, pw string
		realm    string // credentials realm; "" is the challenge's
		mutate   func(string) string
		advance  time.Duration
		want     int
	}{
		{"right password, MD5, qop auth (RFC 2617)", WWW, "auth", "", "alice", "secret", "", nil, 0, Authorized},
		{"right password, SHA-256 (RFC 8760)", WWW, "auth", "SHA-256", "alice", "secret", "", nil, 0, Authorized},
		{"right password, SHA-512-256-sess (RFC 8760)", WWW, "auth", "SHA-512-256-sess", "alice", "secret", "", nil, 0, Authorized},
		{"HA1 from the backend (auth_db ha1 column)", WWW, "auth", "", "bob", "bobpw", "", nil, 0, Authorized},
		{"HA1 for SHA-256 (ha1_sha256 column)", WWW, "auth", "SHA-256", "bob", "bobpw", "", nil, 0, Authorized},
		{"no qop offered: RFC 2069 form", WWW, "", "", "alice", "secret", "", nil, 0, Authorized},
		{"auth-int with the body hash (RFC 2617 §3.2.2.3)", WWW, "auth-int", "", "alice", "secret", "", nil, 0, Authorized},
		{"Proxy kind (407 / Proxy-Authorization)", Proxy, "auth", "", "alice", "secret", "", nil, 0, Authorized},
		{"wrong password: -2", WWW, "auth", "", "alice", "guess", "", nil, 0, InvalidPassword},
		{"unknown user: -1", WWW, "auth", "", "mallory", "x", "", nil, 0, UserUnknown},
		{"backend failure: -5, no reply", WWW, "auth", "", "carol", "x", "", nil, 0, AuthError},
		{"wrong realm: no credentials for ours, -4", WWW, "auth", "", "alice", "secret", "other.org", nil, 0, NoCredentials},
		{"nonce expired: -3 (nonce_expire)", WWW, "auth", "", "alice", "secret", "", nil, 31 * time.Second, StaleNonce},
		{"tampered nonce: -3", WWW, "auth", "", "alice", "secret", "",
			func(h string) string { return strings.Replace(h, `nonce="A`, `nonce="B`, 1) }, 0, StaleNonce},
		{"algorithm not the nonce's (downgrade to MD5): -3", WWW, "auth", "SHA-256", "alice", "secret", "",
			func(h string) string { return strings.Replace(h, "algorithm=SHA-256", "algorithm=MD5", 1) }, 0, StaleNonce},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := useTestKeeper(t)
			_, cs := challengeFor(t, tc.kind, tc.qop, tc.algs, register())
			c := cs[0]
			if tc.realm != "" {
				c.Realm = tc.realm
			}
			qop := c.QOP
			if strings.Contains(qop, ",") {
				qop = "auth"
			}
			body := ""
			method := "REGISTER"
			hdr := answer(c, tc.user, tc.pw, method, "sip:example.com", 1, qop)
			if qop == "auth-int" {
				// auth-int covers the body: compute over the one sent.
				body = "hello"
				alg, _ := ParseAlgorithm(c.Algorithm)
				d := Digest{Algorithm: alg, Method: method, URI: "sip:example.com", Nonce: c.Nonce, CNonce: "0a4f113b", NC: "00000001", QOP: qop, Body: body}
				cred := sip.Credentials{Username: tc.user, Realm: c.Realm, Nonce: c.Nonce, URI: "sip:example.com",
					QOP: qop, NC: "00000001", CNonce: "0a4f113b", Response: d.Response(HA1(alg, tc.user, c.Realm, tc.pw))}
				hdr = string(sip.AppendCredentials(nil, &cred))
			}
			if tc.mutate != nil {
				hdr = tc.mutate(hdr)
			}
			name := "Authorization: "
			if tc.kind == Proxy {
				name = "Proxy-Authorization: "
			}
			msg := register(name + hdr)
			if body != "" {
				msg = strings.Replace(msg, "Content-Length: 0\r\n\r\n", "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\n"+body, 1)
			}
			clock.advance(tc.advance)
			ctx, rec := newCtx(t, msg)
			if got := Authorize(ctx, "example.com", tc.kind, users); got != tc.want {
				t.Fatalf("Authorize = %d, want %d", got, tc.want)
			}
			if len(rec.Replies) != 0 {
				t.Errorf("Authorize sent a reply: %q", rec.Replies[0])
			}
			if tc.want == StaleNonce && !stateOf(ctx).stale {
				t.Error("stale not recorded for the next challenge")
			}
		})
	}
}

// TestAuthorizeKindsDoNotMix: WWW credentials do not answer a proxy
// challenge, nor the reverse (RFC 3261 §22.3).
func TestAuthorizeKindsDoNotMix(t *testing.T) {
	useTestKeeper(t)
	_, cs := challengeFor(t, WWW, "auth", "", register())
	ctx, _ := newCtx(t, register("Authorization: "+answer(cs[0], "alice", "secret", "REGISTER", "sip:example.com", 1, "auth")))
	if got := Authorize(ctx, "example.com", Proxy, users); got != NoCredentials {
		t.Errorf("proxy authorize with WWW credentials = %d", got)
	}
}

// TestAuthorizeMalformed: credentials missing a required parameter get
// a 400 and code 0, as OpenSIPS's pre_auth does.
func TestAuthorizeMalformed(t *testing.T) {
	useTestKeeper(t)
	ctx, rec := newCtx(t, register(`Authorization: Digest username="alice", realm="example.com", nonce="x", uri="sip:example.com"`))
	if got := Authorize(ctx, "", WWW, users); got != Replied {
		t.Fatalf("Authorize = %d", got)
	}
	if len(rec.Replies) != 1 || !strings.HasPrefix(rec.Replies[0], "SIP/2.0 400 ") {
		t.Errorf("replies %q", rec.Replies)
	}
}

// TestAuthorizeNCReplay: the same nonce with an increasing nc is fine,
// the same nc again or a lower one is refused (RFC 7616 §3.4, nonce-count).
func TestAuthorizeNCReplay(t *testing.T) {
	useTestKeeper(t)
	_, cs := challengeFor(t, WWW, "auth", "", register())
	steps := []struct {
		name string
		nc   uint32
		want int
	}{
		{"nc 1", 1, Authorized},
		{"nc 1 replayed", 1, StaleNonce},
		{"nc 2", 2, Authorized},
		{"nc 1 after 2 (backwards)", 1, StaleNonce},
	}
	for _, s := range steps {
		ctx, _ := newCtx(t, register("Authorization: "+answer(cs[0], "alice", "secret", "REGISTER", "sip:example.com", s.nc, "auth")))
		if got := Authorize(ctx, "", WWW, users); got != s.want {
			t.Errorf("%s: %d, want %d", s.name, got, s.want)
		}
	}
}

// TestWrongGuessDoesNotBurnNonce: a wrong response does not use the
// nonce up, so an attacker cannot lock a client out by guessing first.
func TestWrongGuessDoesNotBurnNonce(t *testing.T) {
	useTestKeeper(t)
	_, cs := challengeFor(t, WWW, "auth", "", register())
	bad, _ := newCtx(t, register("Authorization: "+answer(cs[0], "alice", "guess", "REGISTER", "sip:example.com", 1, "auth")))
	if got := Authorize(bad, "", WWW, users); got != InvalidPassword {
		t.Fatalf("guess: %d", got)
	}
	good, _ := newCtx(t, register("Authorization: "+answer(cs[0], "alice", "secret", "REGISTER", "sip:example.com", 1, "auth")))
	if got := Authorize(good, "", WWW, users); got != Authorized {
		t.Errorf("the owner after a guess: %d", got)
	}
}

// TestChallengeHeaders: one header per algorithm, strongest first (RFC
// 8760 §2.4), qop forced to auth for RFC 8760 algorithms, no algorithm
// parameter when the script names none, stale=true after a stale nonce.
func TestChallengeHeaders(t *testing.T) {
	useTestKeeper(t)
	reply, cs := challengeFor(t, WWW, "", "MD5,SHA-512-256,SHA-256", register())
	if reply.StatusCode() != 401 {
		t.Errorf("status %d", reply.StatusCode())
	}
	var got []string
	for _, c := range cs {
		got = append(got, c.Algorithm+"/"+c.QOP)
		if c.Realm != "example.com" || c.Stale {
			t.Errorf("challenge %+v", c)
		}
	}
	if strings.Join(got, " ") != "SHA-512-256/auth SHA-256/auth MD5/auth" {
		t.Errorf("challenges %v", got)
	}
	_, cs = challengeFor(t, Proxy, "auth-int,auth", "", register())
	if len(cs) != 1 || cs[0].Algorithm != "" || cs[0].QOP != "auth-int,auth" {
		t.Errorf("default challenge %+v", cs)
	}

	// After a stale nonce the next challenge says stale=true (RFC 2617
	// §3.2.1), so the UA retries without asking the user again.
	ctx, rec := newCtx(t, register(`Authorization: Digest username="alice", realm="example.com", nonce="old", uri="sip:example.com", response="00000000000000000000000000000000"`))
	if got := Authorize(ctx, "", WWW, users); got != StaleNonce {
		t.Fatalf("Authorize = %d", got)
	}
	Challenge(ctx, "", WWW, "auth", "")
	r, _ := sip.ParseString(rec.Replies[0])
	c, _ := r.Challenges(sip.HdrWWWAuthenticate)
	if len(c) != 1 || !c[0].Stale {
		t.Errorf("challenge after a stale nonce: %+v", c)
	}
}

// TestChallengeArgs: bad qop or algorithm names are refused (checked at
// load when constant, see TestScriptErrors).
func TestChallengeArgs(t *testing.T) {
	for _, tc := range []struct{ qop, algs string }{{"auth-conf", ""}, {"", "SHA1"}} {
		ctx, rec := newCtx(t, register())
		if got := Challenge(ctx, "", WWW, tc.qop, tc.algs); got != -1 || len(rec.Replies) != 0 {
			t.Errorf("qop %q algs %q: %d", tc.qop, tc.algs, got)
		}
	}
}

// TestACKAndCANCELPass: they cannot be challenged (OpenSIPS pre_auth).
func TestACKAndCANCELPass(t *testing.T) {
	for _, meth := range []string{"ACK", "CANCEL"} {
		msg := strings.NewReplacer("REGISTER sip", meth+" sip", "1826 REGISTER", "1826 "+meth).Replace(register())
		ctx, _ := newCtx(t, msg)
		if got := Authorize(ctx, "", WWW, users); got != Authorized {
			t.Errorf("%s: %d", meth, got)
		}
	}
}
