package auth_db

import (
	"switchboard/core"
	"switchboard/db"
	"switchboard/engine"
	"switchboard/modules/auth"
	"switchboard/sip"
)

func init() {
	core.Register(&engine.Module{
		Name: "auth_db",
		// The database driver is chosen by db_url's scheme; Init reports
		// a driver that is not compiled in.
		Deps: []string{"auth"},
		Params: []engine.Param{
			{Name: "db_url", Kind: engine.ParamStr, Set: func(v engine.Value) error {
				module.dbURL = v.String()
				return nil
			}},
			columnParam("user_column", func(s string) { module.userColumn = s }),
			columnParam("domain_column", func(s string) { module.domainColumn = s }),
			columnParam("password_column", func(s string) { module.passwordColumn = s }),
			columnParam("hash_column_sha256", func(s string) { module.sha256Column = s }),
			columnParam("hash_column_sha512t256", func(s string) { module.sha512t256Column = s }),
			columnParam("uri_user_column", func(s string) { module.uriUserColumn = s }),
			columnParam("uri_domain_column", func(s string) { module.uriDomainColumn = s }),
			columnParam("uri_uriuser_column", func(s string) { module.uriURIUserColumn = s }),
			engine.BoolParam("calculate_ha1", func(b bool) { module.calculateHA1 = b }),
			engine.BoolParam("use_domain", func(b bool) { module.useDomain = b }),
			engine.BoolParam("skip_version_check", func(b bool) { module.skipVersionCheck = b }),
			{Name: "load_credentials", Kind: engine.ParamStr, Set: func(v engine.Value) error {
				creds, err := parseCredentials(v.String())
				if err != nil {
					return err
				}
				module.credentials, module.credentialsSet = creds, true
				return nil
			}},
		},
		Functions: []engine.Function{
			authorizeFunction("www_authorize", auth.WWW),
			authorizeFunction("proxy_authorize", auth.Proxy),
			{Name: "db_does_uri_exist", Routes: lookupRoutes,
				Args: []engine.ArgSpec{{Kind: engine.ArgStr}, tableArg(false)},
				Run: func(ctx *engine.Context, a []engine.Arg) int {
					return module.doesURIExist(ctx, a[0].Str, a[1].Str)
				}},
			{Name: "db_is_to_authorized", Routes: engine.RequestRoute,
				Args: []engine.ArgSpec{tableArg(true)},
				Run: func(ctx *engine.Context, a []engine.Arg) int {
					return module.isAuthorizedFor(ctx, a[0].Str, (*sip.Msg).To)
				}},
			{Name: "db_is_from_authorized", Routes: engine.RequestRoute,
				Args: []engine.ArgSpec{tableArg(true)},
				Run: func(ctx *engine.Context, a []engine.Arg) int {
					return module.isAuthorizedFor(ctx, a[0].Str, (*sip.Msg).From)
				}},
			{Name: "db_get_auth_id", Routes: lookupRoutes,
				Args: []engine.ArgSpec{tableArg(true), {Kind: engine.ArgStr}, {Kind: engine.ArgVar}, {Kind: engine.ArgVar}},
				Run: func(ctx *engine.Context, a []engine.Arg) int {
					return module.getAuthID(ctx, a[0].Str, a[1].Str, a[2].Var, a[3].Var)
				}},
		},
		Init: func() error { return module.init() },
	})
}

// lookupRoutes are where OpenSIPS 3.6 exports db_does_uri_exist and
// db_get_auth_id (its module's command table; the docs say request
// route for the former).
const lookupRoutes = engine.RequestRoute | engine.FailureRoute | engine.LocalRoute

// tableArg is a table name; a constant one is checked at load and its
// columns and version at Init (uri: a uri-like table, else
// subscriber-like).
func tableArg(uri bool) engine.ArgSpec {
	return engine.ArgSpec{Kind: engine.ArgStr, Fixup: fixupTable(uri)}
}

// authorizeFunction is www_authorize / proxy_authorize(realm, table).
func authorizeFunction(name string, kind auth.Kind) engine.Function {
	return engine.Function{
		Name:   name,
		Routes: engine.RequestRoute,
		Args:   []engine.ArgSpec{{Kind: engine.ArgStr}, tableArg(false)},
		Run: func(ctx *engine.Context, a []engine.Arg) int {
			return module.authorize(ctx, a[0].Str, a[1].Str, kind)
		},
	}
}

// columnParam is a *_column parameter: a name that goes into SQL, so it
// is checked at the modparam.
func columnParam(name string, set func(string)) engine.Param {
	return engine.Param{Name: name, Kind: engine.ParamStr, Set: func(v engine.Value) error {
		if err := db.CheckIdent(v.String()); err != nil {
			return err
		}
		set(v.String())
		return nil
	}}
}
