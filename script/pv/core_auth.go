package pv

import (
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// authPVs read the digest credentials of a request ($au, $ar, ...) and
// the challenge of a 401/407 reply ($challenge.*).
func authPVs() []engine.PVClass {
	var classes []engine.PVClass
	for _, pv := range []struct {
		names []string
		field func(*sip.Credentials) string
	}{
		{[]string{"aU"}, func(c *sip.Credentials) string { return c.Username }},
		{[]string{"au"}, func(c *sip.Credentials) string { u, _, _ := strings.Cut(c.Username, "@"); return u }},
		{[]string{"ad"}, func(c *sip.Credentials) string { _, d, _ := strings.Cut(c.Username, "@"); return d }},
		{[]string{"ar"}, func(c *sip.Credentials) string { return c.Realm }},
		{[]string{"adu"}, func(c *sip.Credentials) string { return c.URI }},
		{[]string{"an", "auth.nonce"}, func(c *sip.Credentials) string { return c.Nonce }},
		{[]string{"auth.resp"}, func(c *sip.Credentials) string { return c.Response }},
		{[]string{"auth.cnonce"}, func(c *sip.Credentials) string { return c.CNonce }},
		{[]string{"auth.opaque"}, func(c *sip.Credentials) string { return c.Opaque }},
		{[]string{"auth.alg"}, func(c *sip.Credentials) string { return c.Algorithm }},
		{[]string{"auth.qop"}, func(c *sip.Credentials) string { return c.QOP }},
		{[]string{"auth.nc"}, func(c *sip.Credentials) string { return c.NC }},
	} {
		field := pv.field
		for _, name := range pv.names {
			classes = append(classes, msgPV(name, func(m *sip.Msg) engine.Value {
				c, ok := credentials(m)
				if !ok {
					return engine.Null
				}
				return strOrNull(field(&c))
			}))
		}
	}
	for _, pv := range []struct {
		name  string
		field func(*sip.Challenge) string
	}{
		{"challenge.algorithm", func(c *sip.Challenge) string { return c.Algorithm }},
		{"challenge.realm", func(c *sip.Challenge) string { return c.Realm }},
		{"challenge.nonce", func(c *sip.Challenge) string { return c.Nonce }},
		{"challenge.opaque", func(c *sip.Challenge) string { return c.Opaque }},
		{"challenge.qop", func(c *sip.Challenge) string { return c.QOP }},
		{"challenge.ik", func(c *sip.Challenge) string { return authParam(c.Params, "ik") }},
		{"challenge.ck", func(c *sip.Challenge) string { return authParam(c.Params, "ck") }},
	} {
		field := pv.field
		classes = append(classes, msgPV(pv.name, func(m *sip.Msg) engine.Value {
			c, ok := challenge(m)
			if !ok {
				return engine.Null
			}
			// OpenSIPS gives an absent field as an empty string here.
			return engine.Str(field(&c))
		}))
	}
	return classes
}

// credentials returns the first Proxy-Authorization, or else the first
// Authorization, header: OpenSIPS prefers the proxy one. ACK and CANCEL
// carry no credentials worth reading.
func credentials(m *sip.Msg) (sip.Credentials, bool) {
	if !m.IsRequest() || m.Method() == sip.MethodAck || m.Method() == sip.MethodCancel {
		return sip.Credentials{}, false
	}
	h, ok := m.Header(sip.HdrProxyAuthorization)
	if !ok {
		if h, ok = m.Header(sip.HdrAuthorization); !ok {
			return sip.Credentials{}, false
		}
	}
	c, err := sip.ParseCredentials(h.Value)
	return c, err == nil
}

// challenge returns the WWW-Authenticate of a 401 or the
// Proxy-Authenticate of a 407.
func challenge(m *sip.Msg) (sip.Challenge, bool) {
	var t sip.HeaderType
	switch m.StatusCode() {
	case 401:
		t = sip.HdrWWWAuthenticate
	case 407:
		t = sip.HdrProxyAuthenticate
	default:
		return sip.Challenge{}, false
	}
	h, ok := m.Header(t)
	if !ok {
		return sip.Challenge{}, false
	}
	c, err := sip.ParseChallenge(h.Value)
	return c, err == nil
}

// authParam finds name=value in an auth-param list ParseChallenge did not
// type (ik and ck of AKA, RFC 3310).
func authParam(params, name string) string {
	for _, p := range splitAuthParams(params) {
		k, v, ok := strings.Cut(p, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return sip.Unquote(strings.TrimSpace(v))
		}
	}
	return ""
}

// splitAuthParams splits at commas outside quoted strings.
func splitAuthParams(s string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}
