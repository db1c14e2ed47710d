package auth

import (
	"fmt"
	"strings"
	"time"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/sip"
)

// authModule is the module's configuration, set by modparam and fixed by
// Init, and its nonce keeper.
type authModule struct {
	secret            string
	nonceExpire       int // seconds
	disableNonceCheck bool
	realmPrefix       string
	rpidPrefix        string
	rpidSuffix        string
	rpidAVP           string
	usernameSpec      string
	passwordSpec      string
	calculateHA1      bool

	nonces   *nonceKeeper
	username engine.Var // compiled usernameSpec; nil when unset
	password engine.Var
	rpid     engine.Var // nil when rpid_avp is ""
}

// module is the one instance the script functions and Authorize use.
var module = newModule()

func newModule() *authModule {
	a := &authModule{
		nonceExpire: 30, // OpenSIPS auth docs: default 30 seconds
		rpidSuffix:  ";party=calling;id-type=subscriber;screen=yes",
		rpidAVP:     "$avp(rpid)",
	}
	// A working keeper before Init, so that the Go API is usable from
	// tests and from modules whose Init runs first.
	a.nonces = newNonceKeeper("", 30*time.Second, true, time.Now)
	// The core's PVs ($avp) are registered: core is initialised first.
	a.rpid, _ = core.ParseVarParam("rpid_avp", a.rpidAVP)
	return a
}

// init is the module's Init: the nonce keeper from the final parameters.
func (a *authModule) init() error {
	if a.nonceExpire <= 0 {
		return fmt.Errorf("nonce_expire must be positive, got %d", a.nonceExpire)
	}
	// A reload that leaves the nonce parameters alone keeps the keeper:
	// its secret (random when none is set) and its replay window, so that
	// clients halfway through a challenge are not turned away.
	expire := time.Duration(a.nonceExpire) * time.Second
	if k := a.nonces; k == nil || k.secret != a.secret || k.expire != expire || (k.used == nil) != a.disableNonceCheck {
		a.nonces = newNonceKeeper(a.secret, expire, !a.disableNonceCheck, time.Now)
	}
	return nil
}

// setSpec is the Set of the parameters that name a pseudo-variable:
// compiled at once, so that a wrong name is reported at its modparam.
func setSpec(param string, text *string, compiled *engine.Var) func(engine.Value) error {
	return func(v engine.Value) error {
		spec, err := core.ParseVarParam(param, v.String())
		if err != nil {
			return err
		}
		*text, *compiled = v.String(), spec
		return nil
	}
}

// pvLookup is the backend of pv_www_authorize and pv_proxy_authorize:
// the user named by username_spec, with the password (or, without
// calculate_ha1, the HA1) in password_spec. A username that differs from
// the credentials' (without case, as OpenSIPS compares) is an unknown
// user; unset variables are an error.
func (a *authModule) pvLookup(ctx *engine.Context, user, _ string, _ Algorithm) (string, bool, bool, error) {
	if a.username == nil || a.password == nil {
		return "", false, false, fmt.Errorf("auth: username_spec and password_spec must be set for pv_*_authorize")
	}
	u := a.username.Get(ctx).String()
	if u == "" {
		return "", false, false, fmt.Errorf("auth: %s is empty", a.usernameSpec)
	}
	if !strings.EqualFold(u, user) {
		return "", false, false, nil
	}
	secret := a.password.Get(ctx).String()
	if secret == "" {
		return "", false, false, fmt.Errorf("auth: %s is empty", a.passwordSpec)
	}
	return secret, !a.calculateHA1, true, nil
}

// consumeCredentials removes the credentials header the last authorize
// checked, so that they do not travel downstream.
func consumeCredentials(ctx *engine.Context, _ []engine.Arg) int {
	m := ctx.Msg
	s, ok := ctx.State(stateKey{}).(*messageState)
	if m == nil || !ok || s.checked < 0 || s.checked >= len(m.Headers()) {
		return -1
	}
	m.RemoveHeader(&m.Headers()[s.checked])
	s.checked = -1
	return 1
}

// rpidValue is the Remote-Party-ID a backend left in rpid_avp.
func (a *authModule) rpidValue(ctx *engine.Context) (string, bool) {
	if a.rpid == nil {
		return "", false
	}
	v := a.rpid.Get(ctx)
	return v.Str, v.IsStr() && v.Str != ""
}

// isRPIDUserE164 checks that the user part of the Remote-Party-ID URI is
// an E.164 number: '+' and 1 to 15 digits.
func (a *authModule) isRPIDUserE164(ctx *engine.Context, _ []engine.Arg) int {
	rpid, ok := a.rpidValue(ctx)
	if !ok {
		return -1
	}
	if lt := strings.IndexByte(rpid, '<'); lt >= 0 {
		gt := strings.IndexByte(rpid[lt:], '>')
		if gt < 0 {
			return -1
		}
		rpid = rpid[lt+1 : lt+gt]
	}
	uri, err := sip.ParseURI(rpid)
	if err != nil || !isE164(uri.User) {
		return -1
	}
	return 1
}

func isE164(s string) bool {
	if len(s) < 2 || len(s) > 16 || s[0] != '+' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// appendRPIDHF adds "Remote-Party-ID: prefix rpid suffix" after the last
// header; both or neither of prefix and suffix are given.
func (a *authModule) appendRPIDHF(ctx *engine.Context, args []engine.Arg) int {
	rpid, ok := a.rpidValue(ctx)
	m := ctx.Msg
	if !ok || m == nil {
		return -1
	}
	prefix, suffix := a.rpidPrefix, a.rpidSuffix
	if args[0].Set != args[1].Set {
		return -1
	}
	if args[0].Set {
		prefix, suffix = args[0].Str, args[1].Str
	}
	m.Lumps.InsertAfter(m.HeaderEnd(), "Remote-Party-ID: "+prefix+rpid+suffix+"\r\n")
	return 1
}
