package auth

import (
	"strings"
	_ "switchboard/modules/sl"
	"testing"

	"switchboard/core/coretest"
	"switchboard/sip"
)

const flowCfg = `loadmodule "sl.so"
loadmodule "auth.so"
modparam("auth", "username_spec", "$var(user)")
modparam("auth", "password_spec", "$var(pass)")
modparam("auth", "calculate_ha1", 1)
route {
	$var(user) = "alice";
	$var(pass) = "secret";
	$var(rc) = 0;
	if (!pv_www_authorize("")) {
		$var(rc) = $rc;
		www_challenge("", "auth");
	}
	$var(rc) = 1;
	consume_credentials();
}
`

// TestScriptFlow is the whole exchange of RFC 3261 §22.2 through the
// script, as the OpenSIPS pv_www_authorize example writes it: a REGISTER
// without credentials is challenged with a 401, the same REGISTER with
// credentials computed from that challenge passes (and
// consume_credentials strips them), and replaying it fails.
func TestScriptFlow(t *testing.T) {
	r := coretest.RunScript(t, flowCfg, register())
	if len(r.Sent.Replies) != 1 || r.Code != 0 {
		t.Fatalf("first REGISTER: code %d, %d replies", r.Code, len(r.Sent.Replies))
	}
	if rc := r.Ctx.Vars.Get("rc"); rc.Int != NoCredentials {
		t.Errorf("pv_www_authorize without credentials: %v", rc)
	}
	reply, err := sip.ParseString(r.Sent.Replies[0])
	if err != nil {
		t.Fatal(err)
	}
	if reply.StatusCode() != 401 || reply.Check() != nil {
		t.Fatalf("reply %q", r.Sent.Replies[0])
	}
	h, ok := reply.Header(sip.HdrWWWAuthenticate)
	if !ok {
		t.Fatal("no WWW-Authenticate")
	}
	c, err := sip.ParseChallenge(h.Value)
	if err != nil || c.Realm != "example.com" || c.QOP != "auth" || c.Nonce == "" {
		t.Fatalf("challenge %+v, %v", c, err)
	}

	signed := register("Authorization: " + answer(c, "alice", "secret", "REGISTER", "sip:example.com", 1, "auth"))
	r = coretest.RunScript(t, flowCfg, signed)
	if len(r.Sent.Replies) != 0 || r.Ctx.Vars.Get("rc").Int != 1 {
		t.Fatalf("signed REGISTER: replies %q, rc %v, log %s", r.Sent.Replies, r.Ctx.Vars.Get("rc"), r.Log)
	}
	if strings.Contains(r.Out(), "Authorization:") {
		t.Error("consume_credentials left the credentials in")
	}

	r = coretest.RunScript(t, flowCfg, signed)
	if r.Ctx.Vars.Get("rc").Int != StaleNonce || len(r.Sent.Replies) != 1 {
		t.Fatalf("replay: rc %v, %d replies", r.Ctx.Vars.Get("rc"), len(r.Sent.Replies))
	}
	reply, _ = sip.ParseString(r.Sent.Replies[0])
	cs, _ := reply.Challenges(sip.HdrWWWAuthenticate)
	if len(cs) != 1 || !cs[0].Stale {
		t.Errorf("challenge after the replay: %+v", cs)
	}
}

// TestScriptProxyChallenge: proxy_challenge answers 407 with
// Proxy-Authenticate, realm from the From domain (OpenSIPS docs), one
// header per algorithm.
func TestScriptProxyChallenge(t *testing.T) {
	r := coretest.RunScript(t, `loadmodule "sl.so"
loadmodule "auth.so"
route { proxy_challenge("", "auth", "sha-256,md5"); }
`, coretest.Invite)
	if len(r.Sent.Replies) != 1 {
		t.Fatal("no reply")
	}
	reply, _ := sip.ParseString(r.Sent.Replies[0])
	cs, err := reply.Challenges(sip.HdrProxyAuthenticate)
	if reply.StatusCode() != 407 || err != nil || len(cs) != 2 || cs[0].Realm != "atlanta.example.com" || cs[0].Algorithm != "SHA-256" {
		t.Errorf("reply %q", r.Sent.Replies[0])
	}
}

// TestScriptErrors: constant arguments are checked when the script loads.
func TestScriptErrors(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"bad qop", `www_challenge("", "auth-conf");`, "qop"},
		{"bad algorithm", `www_challenge("", "auth", "SHA-1");`, "algorithm"},
	} {
		got := coretest.CompileErrors(t, "loadmodule \"sl.so\"\nloadmodule \"auth.so\"\nroute {\n"+tc.body+"\n}\n")
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: %s", tc.name, got)
		}
	}
}

// TestScriptRPID: is_rpid_user_e164 and append_rpid_hf read rpid_avp
// (OpenSIPS auth docs, default $avp(rpid)).
func TestScriptRPID(t *testing.T) {
	r := coretest.RunScript(t, "loadmodule \"sl.so\"\nloadmodule \"auth.so\"\nroute {\n"+`
		$avp(rpid) = "<sip:+4315551234@example.com>";
		if (is_rpid_user_e164()) { $var(e164) = 1; }
		append_rpid_hf("", ";screen=yes");`+"\n}\n", coretest.Invite)
	if r.Ctx.Vars.Get("e164").Int != 1 {
		t.Error("E.164 RPID not recognised")
	}
	if !strings.Contains(r.Out(), "Remote-Party-ID: <sip:+4315551234@example.com>;screen=yes\r\n") {
		t.Errorf("no Remote-Party-ID in %q", r.Out())
	}
	r = coretest.RunScript(t, "loadmodule \"sl.so\"\nloadmodule \"auth.so\"\nroute {\n"+`$avp(rpid) = "sip:alice@example.com"; if (!is_rpid_user_e164()) { $var(no) = 1; }`+"\n}\n", coretest.Invite)
	if r.Ctx.Vars.Get("no").Int != 1 {
		t.Error("non-E.164 RPID accepted")
	}
}
