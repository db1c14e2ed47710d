package auth

import (
	"switchboard/core"
	"switchboard/engine"
)

func init() {
	core.Register(&engine.Module{
		Name: "auth",
		Deps: []string{"sl"},
		Params: []engine.Param{
			engine.StrParam("secret", func(s string) error { module.secret = s; return nil }),
			{Name: "nonce_expire", Kind: engine.ParamInt, Set: func(v engine.Value) error {
				module.nonceExpire = v.Int
				return nil
			}},
			engine.StrParam("rpid_prefix", func(s string) error { module.rpidPrefix = s; return nil }),
			engine.StrParam("rpid_suffix", func(s string) error { module.rpidSuffix = s; return nil }),
			engine.StrParam("realm_prefix", func(s string) error { module.realmPrefix = s; return nil }),
			{Name: "rpid_avp", Kind: engine.ParamStr, Set: setSpec("rpid_avp", &module.rpidAVP, &module.rpid)},
			{Name: "username_spec", Kind: engine.ParamStr, Set: setSpec("username_spec", &module.usernameSpec, &module.username)},
			{Name: "password_spec", Kind: engine.ParamStr, Set: setSpec("password_spec", &module.passwordSpec, &module.password)},
			engine.BoolParam("calculate_ha1", func(b bool) { module.calculateHA1 = b }),
			engine.BoolParam("disable_nonce_check", func(b bool) { module.disableNonceCheck = b }),
		},
		Functions: []engine.Function{
			challengeFunction("www_challenge", WWW),
			challengeFunction("proxy_challenge", Proxy),
			authorizeFunction("pv_www_authorize", WWW),
			authorizeFunction("pv_proxy_authorize", Proxy),
			{Name: "consume_credentials", Routes: engine.RequestRoute, Run: consumeCredentials},
			{Name: "is_rpid_user_e164", Routes: engine.RequestRoute, Run: func(ctx *engine.Context, a []engine.Arg) int {
				return module.isRPIDUserE164(ctx, a)
			}},
			{Name: "append_rpid_hf", Routes: engine.RequestRoute | engine.BranchRoute | engine.FailureRoute,
				Args: []engine.ArgSpec{{Kind: engine.ArgStr, Optional: true}, {Kind: engine.ArgStr, Optional: true}},
				Run:  func(ctx *engine.Context, a []engine.Arg) int { return module.appendRPIDHF(ctx, a) }},
		},
		Init: func() error { return module.init() },
	})
}

// challengeFunction is www_challenge / proxy_challenge(realm, [qop],
// [algorithms]). Constant qop and algorithms are checked when the script
// loads; values from variables are parsed per call.
func challengeFunction(name string, kind Kind) engine.Function {
	return engine.Function{
		Name:   name,
		Routes: engine.RequestRoute,
		Args: []engine.ArgSpec{
			{Kind: engine.ArgStr},
			{Kind: engine.ArgStr, Optional: true, Fixup: func(s string) (any, error) { return parseQOP(s) }},
			{Kind: engine.ArgStr, Optional: true, Fixup: func(s string) (any, error) { return parseAlgorithms(s) }},
		},
		Run: func(ctx *engine.Context, a []engine.Arg) int {
			q, ok := a[1].Fixed.(qopOption)
			if !ok {
				var err error
				if q, err = parseQOP(a[1].Str); err != nil {
					return -1
				}
			}
			algs, ok := a[2].Fixed.(algorithmSet)
			if !ok {
				var err error
				if algs, err = parseAlgorithms(a[2].Str); err != nil {
					return -1
				}
			}
			return module.challenge(ctx, a[0].Str, kind, q, algs)
		},
	}
}

// authorizeFunction is pv_www_authorize / pv_proxy_authorize(realm).
func authorizeFunction(name string, kind Kind) engine.Function {
	return engine.Function{
		Name:   name,
		Routes: engine.RequestRoute,
		Args:   []engine.ArgSpec{{Kind: engine.ArgStr}},
		Run: func(ctx *engine.Context, a []engine.Arg) int {
			return module.authorize(ctx, a[0].Str, kind, module.pvLookup)
		},
	}
}
