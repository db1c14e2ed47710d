package pv

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// URI parts a $rU-like variable reads or writes.
type uriPart uint8

const (
	partUser uriPart = iota
	partHost
	partPort
	partProto
)

// uriPVs are the Request-URI (new and original) and destination URI
// families.
func uriPVs() []engine.PVClass {
	var classes []engine.PVClass
	ruri := func(ctx *engine.Context) (string, bool) {
		if ctx.Msg == nil || !ctx.Msg.IsRequest() {
			return "", false
		}
		return ctx.Msg.NewRequestURI(), true
	}
	ouri := func(ctx *engine.Context) (string, bool) {
		if ctx.Msg == nil || !ctx.Msg.IsRequest() {
			return "", false
		}
		return ctx.Msg.RequestURIString(), true
	}
	duri := func(ctx *engine.Context) (string, bool) { return ctx.DstURI, ctx.DstURI != "" }

	for _, name := range []string{"ru", "ruri"} {
		classes = append(classes, engine.PVClass{Name: name, Get: wholeURI(ruri), Set: setRURI})
	}
	for _, name := range []string{"ou", "ouri"} {
		classes = append(classes, engine.PVClass{Name: name, Get: wholeURI(ouri)})
	}
	for _, name := range []string{"du", "duri"} {
		classes = append(classes, engine.PVClass{Name: name, Get: wholeURI(duri), Set: setDstURI})
	}
	for _, pv := range []struct {
		name string
		uri  func(*engine.Context) (string, bool)
		part uriPart
		set  bool
	}{
		{"rU", ruri, partUser, true}, {"ruri.user", ruri, partUser, true},
		{"rd", ruri, partHost, true}, {"ruri.domain", ruri, partHost, true},
		{"rp", ruri, partPort, true}, {"rP", ruri, partProto, false},
		{"oU", ouri, partUser, false}, {"od", ouri, partHost, false},
		{"op", ouri, partPort, false}, {"oP", ouri, partProto, false},
		{"dd", duri, partHost, true}, {"dp", duri, partPort, true},
		{"dP", duri, partProto, false},
	} {
		c := engine.PVClass{Name: pv.name, Get: uriPartGetter(pv.uri, pv.part)}
		if pv.set {
			if pv.name == "dd" || pv.name == "dp" {
				c.Set = dstPartSetter(pv.part)
			} else {
				c.Set = rURIPartSetter(pv.part)
			}
		}
		classes = append(classes, c)
	}
	return classes
}

func wholeURI(uri func(*engine.Context) (string, bool)) func(*engine.Context, *engine.PVKey) engine.Value {
	return func(ctx *engine.Context, _ *engine.PVKey) engine.Value {
		s, ok := uri(ctx)
		if !ok {
			return engine.Null
		}
		return engine.Str(s)
	}
}

// uriPartGetter reads one part of a URI. An absent user or host is null;
// an absent port is the default of the scheme and transport (5060, or
// 5061 for sips and TLS) and an absent transport the scheme's (udp, or
// tls for sips), as OpenSIPS's get_uri_port gives them.
func uriPartGetter(uri func(*engine.Context) (string, bool), part uriPart) func(*engine.Context, *engine.PVKey) engine.Value {
	return func(ctx *engine.Context, _ *engine.PVKey) engine.Value {
		s, ok := uri(ctx)
		if !ok {
			return engine.Null
		}
		u, err := sip.ParseURI(s)
		if err != nil {
			return engine.Null
		}
		switch part {
		case partUser:
			return strOrNull(u.User)
		case partHost:
			return strOrNull(u.Host)
		case partPort:
			if u.Port == 0 {
				return engine.Int(defaultPort(&u))
			}
			_, span := uriSpans(&u)
			return engine.StrInt(s[span.portStart:span.portEnd], u.Port)
		}
		if t, ok := u.Params.Get("transport"); ok && t != "" {
			return engine.Str(t)
		}
		if sip.EqualFold(u.Scheme, "sips") {
			return engine.Str("tls")
		}
		return engine.Str("udp")
	}
}

func defaultPort(u *sip.URI) int {
	t, _ := u.Params.Get("transport")
	if sip.EqualFold(u.Scheme, "sips") || sip.EqualFold(t, "tls") {
		return 5061
	}
	return 5060
}

// spans are the offsets of the parts of a URI's text.
type spans struct {
	userStart, userinfoEnd int // userinfoEnd is after the '@', = userStart without userinfo
	hostStart, hostEnd     int
	portStart, portEnd     int // the digits; both hostEnd when there is no port
}

// uriSpans locates the parts of a sip/sips/tel URI in u.Raw. The parser
// gives substrings; their offsets follow from the grammar: the userinfo
// ends at the first '@', the host follows it, the port follows the host.
func uriSpans(u *sip.URI) (sip.URI, spans) {
	raw := u.Raw
	var sp spans
	sp.userStart = len(u.Scheme) + 1
	sp.userinfoEnd = sp.userStart
	if u.User != "" || u.Password != "" {
		sp.userinfoEnd = sp.userStart + strings.IndexByte(raw[sp.userStart:], '@') + 1
	}
	sp.hostStart = sp.userinfoEnd
	sp.hostEnd = sp.hostStart + len(u.Host)
	sp.portStart, sp.portEnd = sp.hostEnd, sp.hostEnd
	if sp.hostEnd < len(raw) && raw[sp.hostEnd] == ':' {
		sp.portStart = sp.hostEnd + 1
		sp.portEnd = sp.portStart
		for sp.portEnd < len(raw) && raw[sp.portEnd] >= '0' && raw[sp.portEnd] <= '9' {
			sp.portEnd++
		}
	}
	return *u, sp
}

// replacePart rebuilds uri with one part changed; a null or empty value
// removes the user (and password) or the port. The host cannot be
// removed.
func replacePart(uri string, part uriPart, v engine.Value) (string, error) {
	u, err := sip.ParseURI(uri)
	if err != nil {
		return "", fmt.Errorf("cannot change %q: %w", uri, err)
	}
	if !u.IsSIP() {
		return "", fmt.Errorf("cannot change a part of a non-SIP URI %q", uri)
	}
	_, sp := uriSpans(&u)
	val := v.String()
	var out string
	switch part {
	case partUser:
		if val == "" {
			out = uri[:sp.userStart] + uri[sp.userinfoEnd:]
		} else {
			// Keep a password: replace only the user.
			out = uri[:sp.userStart] + val + uri[sp.userStart+len(u.User):]
			if u.User == "" && u.Password == "" {
				out = uri[:sp.userStart] + val + "@" + uri[sp.userStart:]
			}
		}
	case partHost:
		if val == "" {
			return "", errors.New("the host of a URI cannot be empty")
		}
		out = uri[:sp.hostStart] + val + uri[sp.hostEnd:]
	case partPort:
		switch {
		case val == "" || v.IsInt() && v.Int == 0 || val == "0":
			out = uri[:sp.hostEnd] + uri[sp.portEnd:]
		default:
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 65535 {
				return "", fmt.Errorf("invalid port %q", val)
			}
			out = uri[:sp.hostEnd] + ":" + strconv.Itoa(n) + uri[sp.portEnd:]
		}
	default:
		return "", errReadOnly
	}
	if _, err := sip.ParseURI(out); err != nil {
		return "", fmt.Errorf("new URI %q is invalid: %w", out, err)
	}
	return out, nil
}

// setRURI sets the new Request-URI; it must be a valid URI. NULL is
// refused, as OpenSIPS does.
func setRURI(ctx *engine.Context, _ *engine.PVKey, v engine.Value, _ bool) error {
	if ctx.Msg == nil || !ctx.Msg.IsRequest() {
		return errors.New("$ru: no request to change")
	}
	s := v.String()
	if v.IsNull() || s == "" {
		return errors.New("$ru: cannot set an empty Request-URI")
	}
	if _, err := sip.ParseURI(s); err != nil {
		return fmt.Errorf("$ru: invalid URI %q: %w", s, err)
	}
	ctx.Msg.SetRequestURI(s)
	return nil
}

func rURIPartSetter(part uriPart) func(*engine.Context, *engine.PVKey, engine.Value, bool) error {
	return func(ctx *engine.Context, _ *engine.PVKey, v engine.Value, _ bool) error {
		if ctx.Msg == nil || !ctx.Msg.IsRequest() {
			return errors.New("no request to change")
		}
		out, err := replacePart(ctx.Msg.NewRequestURI(), part, v)
		if err != nil {
			return err
		}
		ctx.Msg.SetRequestURI(out)
		return nil
	}
}

// setDstURI sets $du; NULL or "" resets it (resetdsturi()).
func setDstURI(ctx *engine.Context, _ *engine.PVKey, v engine.Value, _ bool) error {
	s := v.String()
	if s == "" {
		ctx.DstURI = ""
		return nil
	}
	if _, err := sip.ParseURI(s); err != nil {
		return fmt.Errorf("$du: invalid URI %q: %w", s, err)
	}
	ctx.DstURI = s
	return nil
}

// dstPartSetter changes the host or port of $du; without a $du it starts
// from the Request-URI, as OpenSIPS does when it builds one.
func dstPartSetter(part uriPart) func(*engine.Context, *engine.PVKey, engine.Value, bool) error {
	return func(ctx *engine.Context, _ *engine.PVKey, v engine.Value, _ bool) error {
		base := ctx.DstURI
		if base == "" {
			if ctx.Msg == nil || !ctx.Msg.IsRequest() {
				return errors.New("no destination URI to change")
			}
			base = ctx.Msg.NewRequestURI()
		}
		out, err := replacePart(base, part, v)
		if err != nil {
			return err
		}
		ctx.DstURI = out
		return nil
	}
}
