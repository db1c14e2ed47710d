package auth_db

import (
	"context"
	"errors"
	"strings"

	"switchboard/db"
	"switchboard/engine"
	"switchboard/modules/auth"
)

// errNoDB is what the functions meet when Init has not opened db_url
// (a script checked with -c, or a test that skipped Init).
var errNoDB = errors.New("auth_db: no database connection (db_url not opened)")

// authorizedKey is the per-message state www_authorize and
// proxy_authorize leave on success: who was authorized, for
// db_is_to_authorized and db_is_from_authorized.
type authorizedKey struct{}

type authorizedUser struct {
	user  string // the credentials' username, less any "@domain"
	realm string
}

// lookupCall is one authorization's lookup: the table of the call, and
// what the lookup found, which is used only if the response is right.
type lookupCall struct {
	m     *authDB
	table string
	row   db.Row
	user  authorizedUser
}

// authorize is www_authorize / proxy_authorize(realm, table): the auth
// module checks the credentials, with the password or HA1 read from
// table; on success the load_credentials columns become AVPs. The codes
// are the auth module's (1, -1 unknown user, -2 wrong password, -3 stale
// nonce, -4 no credentials, -5 error with no reply, 0 after a 400).
func (m *authDB) authorize(ctx *engine.Context, realm, table string, kind auth.Kind) int {
	call := &lookupCall{m: m, table: table}
	rc := auth.Authorize(ctx, realm, kind, call.lookup)
	if rc == auth.Authorized && call.row != nil {
		m.loadCredentials(ctx, call.row)
		ctx.SetState(authorizedKey{}, &call.user)
	}
	return rc
}

// lookup is the auth.CredentialsLookup: the row of user in table (with
// the domain too when use_domain is set), and the column that holds what
// alg needs. A username "alice@example.com" is looked up as alice in
// example.com, as OpenSIPS splits it; the HA1 still covers the whole
// username, as the client computed it.
func (c *lookupCall) lookup(_ *engine.Context, user, realm string, alg auth.Algorithm) (string, bool, bool, error) {
	m := c.m
	if m.conn == nil {
		return "", false, false, errNoDB
	}
	name, domain := user, realm
	if at := strings.IndexByte(user, '@'); at >= 0 {
		name, domain = user[:at], user[at+1:]
	}
	secretColumn := m.secretColumn(alg)
	cols := make([]string, 0, 1+len(m.credentials))
	cols = append(cols, secretColumn)
	for _, cred := range m.credentials {
		cols = append(cols, cred.column)
	}
	where := []db.Cond{{Col: m.userColumn, Val: name}}
	if m.useDomain {
		where = append(where, db.Cond{Col: m.domainColumn, Val: domain})
	}
	// The connection bounds the query with its timeout (db.Config), so a
	// dead database costs this worker at most that long.
	rows, err := m.conn.Query(context.Background(), c.table, cols, where, "", 1)
	if err != nil {
		return "", false, false, err
	}
	if len(rows) == 0 {
		return "", false, false, nil
	}
	c.row = rows[0]
	c.user = authorizedUser{user: name, realm: realm}
	return db.Text(rows[0][secretColumn]), !m.calculateHA1, true, nil
}

// secretColumn is the column to read for alg: the password column holds
// the plain password with calculate_ha1, else the HA1 of the algorithm's
// hash sits in the password (MD5), hash_column_sha256 or
// hash_column_sha512t256 column; -sess variants use their base's HA1.
func (m *authDB) secretColumn(alg auth.Algorithm) string {
	if m.calculateHA1 {
		return m.passwordColumn
	}
	switch alg.Base() {
	case auth.SHA256:
		return m.sha256Column
	case auth.SHA512256:
		return m.sha512t256Column
	}
	return m.passwordColumn
}
