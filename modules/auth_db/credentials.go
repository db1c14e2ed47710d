package auth_db

import (
	"fmt"
	"strings"

	"switchboard/core"
	"switchboard/db"
	"switchboard/engine"
	"switchboard/script/pv"
)

// credential is one entry of load_credentials: a column of the
// subscriber row copied into an AVP when the authorization succeeds.
type credential struct {
	column string
	avp    engine.Var
}

// defaultCredentials is load_credentials' default, "rpid": the rpid
// column into $avp(rpid), where the auth module's RPID functions look.
func defaultCredentials() []credential {
	c, err := parseCredentials("rpid")
	if err != nil {
		panic("auth_db: default load_credentials: " + err.Error())
	}
	return c
}

// parseCredentials reads load_credentials: entries separated by ';',
// each "column" (into $avp(column)) or "$avp(name)=column". Names are
// checked now so that a typo is reported at the modparam.
func parseCredentials(text string) ([]credential, error) {
	var out []credential
	for _, entry := range strings.Split(text, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		avp, column, named := strings.Cut(entry, "=")
		column = strings.TrimSpace(column)
		if !named {
			avp, column = "$avp("+entry+")", entry
		}
		if err := db.CheckIdent(column); err != nil {
			return nil, fmt.Errorf("column of %q: %w", entry, err)
		}
		spec, err := parseAVP(strings.TrimSpace(avp))
		if err != nil {
			return nil, fmt.Errorf("%q: %w", entry, err)
		}
		out = append(out, credential{column: column, avp: spec})
	}
	return out, nil
}

// parseAVP resolves "$avp(name)"; the docs allow no other variable.
func parseAVP(text string) (engine.Var, error) {
	p := pv.Parser{Registry: core.Modules}
	spec, n, err := p.ParsePV(text)
	if err != nil {
		return nil, err
	}
	if n != len(text) || spec.Class.Name != "avp" || !spec.Writable() {
		return nil, fmt.Errorf("%q is not an $avp(name)", text)
	}
	return spec, nil
}

// loadCredentials copies the credential columns of row into their AVPs,
// skipping NULL and empty values as OpenSIPS does.
func (m *authDB) loadCredentials(ctx *engine.Context, row db.Row) {
	for _, c := range m.credentials {
		v, ok := scriptValue(row[c.column])
		if !ok {
			continue
		}
		if err := c.avp.Set(ctx, v, false); err != nil {
			logger(ctx).Error("auth_db: load_credentials", "module", "auth_db", "column", c.column, "err", err)
		}
	}
}

// scriptValue converts a column value for the script: text stays text,
// numbers become integers; NULL, "" and other types give nothing.
func scriptValue(v db.Value) (engine.Value, bool) {
	switch x := v.(type) {
	case string:
		return engine.Str(x), x != ""
	case []byte:
		return engine.Str(string(x)), len(x) > 0
	case int64:
		return engine.Int(int(x)), true
	}
	return engine.Null, false
}
