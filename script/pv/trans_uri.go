package pv

import (
	"errors"
	"strconv"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// The {uri.*} class reads parts of a SIP, SIPS or tel URI. As in OpenSIPS,
// a missing or empty part is null, and an input that is not a URI is an
// error. Values keep their %-escapes.

func init() {
	parts := map[string]func(u *sip.URI) engine.Value{
		"user":      func(u *sip.URI) engine.Value { return trStrOrNull(u.User) },
		"host":      func(u *sip.URI) engine.Value { return trStrOrNull(u.Host) },
		"passwd":    func(u *sip.URI) engine.Value { return trStrOrNull(u.Password) },
		"port":      uriPort,
		"params":    func(u *sip.URI) engine.Value { return trStrOrNull(strings.TrimPrefix(string(u.Params), ";")) },
		"headers":   func(u *sip.URI) engine.Value { return trStrOrNull(u.Headers) },
		"transport": uriParamPart("transport"),
		"ttl":       uriParamPart("ttl"),
		"uparam":    uriParamPart("user"),
		"maddr":     uriParamPart("maddr"),
		"method":    uriParamPart("method"),
		"lr":        uriParamPart("lr"),
		"r2":        uriParamPart("r2"),
		"schema":    func(u *sip.URI) engine.Value { return engine.Str(u.Scheme) },
	}
	parts["domain"] = parts["host"]
	for name, part := range parts {
		trRegister("uri."+name, trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
			u, err := parseTrURI(in)
			if err != nil {
				return engine.Null, err
			}
			return part(&u), nil
		}))
	}
	trRegister("uri.param", makeURIParam)
}

func parseTrURI(in engine.Value) (sip.URI, error) {
	s, err := trText(in, "uri")
	if err != nil {
		return sip.URI{}, err
	}
	u, err := sip.ParseURI(s)
	if err != nil {
		return sip.URI{}, errors.New("uri: invalid URI: " + err.Error())
	}
	return u, nil
}

// uriPort is an integer with the port as written; null when absent.
func uriPort(u *sip.URI) engine.Value {
	if u.Port == 0 {
		return engine.Null
	}
	return engine.StrInt(strconv.Itoa(u.Port), u.Port)
}

// uriParamPart returns the value of a well-known parameter; like OpenSIPS,
// a parameter without a value (";lr") reads as null.
func uriParamPart(name string) func(u *sip.URI) engine.Value {
	return func(u *sip.URI) engine.Value {
		v, _ := u.Params.Get(name)
		return trStrOrNull(v)
	}
}

// makeURIParam builds {uri.param,name}: null when the parameter is absent,
// "" when it has no value.
var makeURIParam = withParamName(func(in engine.Value, name string) (engine.Value, error) {
	u, err := parseTrURI(in)
	if err != nil {
		return engine.Null, err
	}
	v, ok := u.Params.Get(name)
	if !ok {
		return engine.Null, nil
	}
	return engine.Str(v), nil
})
