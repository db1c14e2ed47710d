package auth_db

import (
	"context"

	"switchboard/db"
	"switchboard/engine"
	"switchboard/sip"
)

// Return codes of the check functions. The docs give none; these are the
// values OpenSIPS 3.6's auth_db returns, which scripts see in $rc.
const (
	checkOK          = 1
	checkBadInput    = -1 // an empty or unparsable URI, a To/From that does not parse
	checkNoAuthCreds = -2 // db_is_*_authorized before a successful authorize
	checkNoUser      = -4 // no user part; db_get_auth_id: no mapping; db_does_uri_exist: query failed
	checkNoRows      = -5 // db_does_uri_exist: no such subscriber
	checkQueryFailed = -8 // db_is_*_authorized, db_get_auth_id: query failed
	checkSpoofed     = -9 // the To/From user is not mapped to the authorized user
)

// doesURIExist is db_does_uri_exist(uri, table): is the user (and, with
// use_domain, the host) of uri a row of the subscriber-like table?
func (m *authDB) doesURIExist(ctx *engine.Context, uri, table string) int {
	if uri == "" {
		return checkBadInput
	}
	u, err := sip.ParseURI(uri)
	if err != nil {
		return checkBadInput
	}
	where := []db.Cond{{Col: m.userColumn, Val: u.User}}
	if m.useDomain {
		where = append(where, db.Cond{Col: m.domainColumn, Val: u.Host})
	}
	rows, err := m.query(ctx, "db_does_uri_exist", table, []string{m.userColumn}, where, 1)
	switch {
	case err != nil:
		// OpenSIPS returns -4 here, not the -8 of the other checks.
		return checkNoUser
	case len(rows) == 0:
		return checkNoRows
	}
	return checkOK
}

// isAuthorizedFor is db_is_to_authorized / db_is_from_authorized(table):
// may the user authorized by www_authorize or proxy_authorize use the
// user part of the To (From) URI? The uri-like table maps authentication
// users (username, domain = realm) to the URI users (uri_user) they may
// present.
func (m *authDB) isAuthorizedFor(ctx *engine.Context, table string, header func(*sip.Msg) (*sip.NameAddr, error)) int {
	authorized, ok := ctx.State(authorizedKey{}).(*authorizedUser)
	if !ok {
		logger(ctx).Error("auth_db: no authorized credentials: call www_authorize or proxy_authorize first", "module", "auth_db")
		return checkNoAuthCreds
	}
	if ctx.Msg == nil {
		return checkBadInput
	}
	addr, err := header(ctx.Msg)
	if err != nil {
		return checkBadInput
	}
	if addr.URI.User == "" {
		return checkNoUser
	}
	where := []db.Cond{
		{Col: m.uriUserColumn, Val: authorized.user},
		{Col: m.uriDomainColumn, Val: authorized.realm},
		{Col: m.uriURIUserColumn, Val: addr.URI.User},
	}
	rows, err := m.query(ctx, "db_is_authorized", table, []string{m.uriUserColumn}, where, 1)
	switch {
	case err != nil:
		return checkQueryFailed
	case len(rows) == 0:
		return checkSpoofed
	}
	return checkOK
}

// getAuthID is db_get_auth_id(table, uri, auth, realm): the
// authentication user and realm the uri-like table maps the user (and,
// with use_domain, the host) of uri to, stored into the two variables.
func (m *authDB) getAuthID(ctx *engine.Context, table, uri string, authVar, realmVar engine.Var) int {
	u, err := sip.ParseURI(uri)
	if err != nil || u.User == "" {
		logger(ctx).Error("auth_db: db_get_auth_id needs a URI with a user part", "module", "auth_db", "uri", uri)
		return checkBadInput
	}
	where := []db.Cond{{Col: m.uriURIUserColumn, Val: u.User}}
	if m.useDomain {
		where = append(where, db.Cond{Col: m.uriDomainColumn, Val: u.Host})
	}
	// Two rows are enough to tell a unique mapping from an ambiguous one.
	rows, err := m.query(ctx, "db_get_auth_id", table, []string{m.uriUserColumn, m.uriDomainColumn}, where, 2)
	switch {
	case err != nil:
		return checkQueryFailed
	case len(rows) == 0:
		return checkNoUser
	case len(rows) > 1:
		logger(ctx).Warn("auth_db: several mappings match the URI; using the first (consider use_domain)",
			"module", "auth_db", "uri", uri, "table", table)
	}
	for _, out := range []struct {
		v   engine.Var
		col string
	}{{authVar, m.uriUserColumn}, {realmVar, m.uriDomainColumn}} {
		if err := out.v.Set(ctx, engine.Str(db.Text(rows[0][out.col])), false); err != nil {
			logger(ctx).Error("auth_db: db_get_auth_id: store result", "module", "auth_db", "err", err)
			return checkBadInput
		}
	}
	return checkOK
}

// query runs one bounded query for a check function and logs a failure
// once, here, so the callers only map it to their code.
func (m *authDB) query(ctx *engine.Context, function, table string, cols []string, where []db.Cond, limit int) ([]db.Row, error) {
	if m.conn == nil {
		logger(ctx).Error("auth_db: "+function, "module", "auth_db", "err", errNoDB)
		return nil, errNoDB
	}
	rows, err := m.conn.Query(context.Background(), table, cols, where, "", limit)
	if err != nil {
		logger(ctx).Error("auth_db: "+function, "module", "auth_db", "table", table, "err", err)
	}
	return rows, err
}
