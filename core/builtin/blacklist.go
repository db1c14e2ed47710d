package builtin

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"switchboard/blacklist"
	"switchboard/engine"
)

// Blacklister is what a Sender offers to the blacklist functions: the
// element's destination blacklists (dst_blacklist lines, the DNS
// blacklist).
type Blacklister interface {
	Blacklists() *blacklist.Set
}

// blacklistFunctions are OpenSIPS's core blacklist functions
// (core_cmds.c, blacklists.c): use_blacklist and unuse_blacklist choose
// the lists the message's destinations are checked against when it is
// sent; the others test, add and remove rules.
func blacklistFunctions() []engine.Function {
	name := engine.ArgSpec{Kind: engine.ArgStr, Fixup: fixupBlacklistName}
	optional := func(kind engine.ArgKind, fixup func(string) (any, error)) engine.ArgSpec {
		return engine.ArgSpec{Kind: kind, Optional: true, Fixup: fixup}
	}
	return []engine.Function{
		{Name: "use_blacklist", Args: []engine.ArgSpec{name},
			Run: func(ctx *engine.Context, a []engine.Arg) int { return useBlacklist(ctx, a[0].Str, true) }},
		{Name: "unuse_blacklist", Args: []engine.ArgSpec{name},
			Run: func(ctx *engine.Context, a []engine.Arg) int { return useBlacklist(ctx, a[0].Str, false) }},
		{Name: "check_blacklist_rule", Args: []engine.ArgSpec{name, {Kind: engine.ArgStr, Fixup: fixupBlacklistIP},
			optional(engine.ArgInt, nil), optional(engine.ArgStr, fixupBlacklistProto), optional(engine.ArgStr, nil)},
			Run: checkBlacklistRule},
		{Name: "add_blacklist_rule", Args: []engine.ArgSpec{name, {Kind: engine.ArgStr, Fixup: fixupBlacklistNet},
			optional(engine.ArgInt, nil), optional(engine.ArgStr, fixupBlacklistProto), optional(engine.ArgStr, nil),
			optional(engine.ArgInt, nil)},
			Run: func(ctx *engine.Context, a []engine.Arg) int { return changeBlacklist(ctx, a, true) }},
		{Name: "del_blacklist_rule", Args: []engine.ArgSpec{name, {Kind: engine.ArgStr, Fixup: fixupBlacklistNet},
			optional(engine.ArgInt, nil), optional(engine.ArgStr, fixupBlacklistProto), optional(engine.ArgStr, nil)},
			Run: func(ctx *engine.Context, a []engine.Arg) int { return changeBlacklist(ctx, a, false) }},
	}
}

// BlacklistFunctionArgs names, for the config check, the functions whose
// first argument is a blacklist name and whether "all" is allowed there.
var BlacklistFunctionArgs = map[string]bool{
	"use_blacklist": true, "unuse_blacklist": true, "check_blacklist_rule": true,
	"add_blacklist_rule": false, "del_blacklist_rule": false,
}

func fixupBlacklistName(s string) (any, error) {
	if s == "" {
		return nil, errors.New("empty blacklist name")
	}
	return nil, nil
}

func fixupBlacklistIP(s string) (any, error) {
	ip, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("not an IP address: %q", s)
	}
	return ip.Unmap(), nil
}

// netArg is the [!]ip[/mask] argument of add/del_blacklist_rule.
type netArg struct {
	negate   bool
	ip, mask netip.Addr
}

func fixupBlacklistNet(s string) (any, error) {
	var n netArg
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "!") {
		n.negate = true
		s = s[1:]
	}
	var err error
	n.ip, n.mask, err = blacklist.ParseNet(s)
	return n, err
}

func fixupBlacklistProto(s string) (any, error) {
	return blacklist.ParseProto(s)
}

// blacklists returns the element's lists, or nil.
func blacklists(ctx *engine.Context) *blacklist.Set {
	if b, ok := ctx.Sender.(Blacklister); ok {
		return b.Blacklists()
	}
	return nil
}

// findList returns the list called name; "all" (when allowed) is nil
// with ok.
func findList(ctx *engine.Context, fn, name string, all bool) (*blacklist.Set, *blacklist.List, bool) {
	set := blacklists(ctx)
	if all && strings.EqualFold(name, "all") {
		return set, nil, set != nil
	}
	l := set.Get(name)
	if l == nil {
		logger(ctx).Error(fn+": blacklist not configured", "name", name)
		return set, nil, false
	}
	return set, l, true
}

func useBlacklist(ctx *engine.Context, name string, on bool) int {
	fn := "use_blacklist"
	if !on {
		fn = "unuse_blacklist"
	}
	set, l, ok := findList(ctx, fn, name, true)
	if !ok {
		return -1
	}
	ctx.Send.Blacklists = set.Use(ctx.Send.Blacklists, l, on)
	return 1
}

// ruleArgs reads the optional port, proto and pattern at a[2:5].
func ruleArgs(ctx *engine.Context, fn string, a []engine.Arg) (port uint16, proto, pattern string, ok bool) {
	if a[2].Set {
		if a[2].Int < 0 || a[2].Int > 65535 {
			logger(ctx).Error(fn+": bad port", "port", a[2].Int)
			return 0, "", "", false
		}
		port = uint16(a[2].Int)
	}
	if a[3].Set {
		p, isFixed := a[3].Fixed.(string)
		if !isFixed {
			var err error
			if p, err = blacklist.ParseProto(a[3].Str); err != nil {
				logger(ctx).Error(fn+": bad protocol", "proto", a[3].Str)
				return 0, "", "", false
			}
		}
		proto = p
	}
	if a[4].Set {
		pattern = a[4].Str
	}
	return port, proto, pattern, true
}

// checkBlacklistRule is check_blacklist_rule(name, ip[, port[, proto[,
// pattern]]]): 1 when a rule of the list ("all": of the lists the
// message uses) matches, -1 otherwise.
func checkBlacklistRule(ctx *engine.Context, a []engine.Arg) int {
	const fn = "check_blacklist_rule"
	set, l, ok := findList(ctx, fn, a[0].Str, true)
	if !ok {
		return -1
	}
	ip, isFixed := a[1].Fixed.(netip.Addr)
	if !isFixed {
		v, err := fixupBlacklistIP(a[1].Str)
		if err != nil {
			logger(ctx).Error(fn+": bad IP", "ip", a[1].Str)
			return -1
		}
		ip = v.(netip.Addr)
	}
	port, proto, pattern, ok := ruleArgs(ctx, fn, a)
	if !ok {
		return -1
	}
	if l == nil {
		if set.Check(ctx.Send.Blacklists, ip, proto, port, []byte(pattern)) != nil {
			return 1
		}
		return -1
	}
	if _, hit := l.Match(ip, proto, port, []byte(pattern)); hit {
		return 1
	}
	return -1
}

// changeBlacklist is add_blacklist_rule(name, [!]ip[/mask][, port[,
// proto[, pattern[, expire]]]]) and del_blacklist_rule (no expire).
func changeBlacklist(ctx *engine.Context, a []engine.Arg, add bool) int {
	fn := "del_blacklist_rule"
	if add {
		fn = "add_blacklist_rule"
	}
	_, l, ok := findList(ctx, fn, a[0].Str, false)
	if !ok {
		return -1
	}
	n, isFixed := a[1].Fixed.(netArg)
	if !isFixed {
		v, err := fixupBlacklistNet(a[1].Str)
		if err != nil {
			logger(ctx).Error(fn+": bad network", "ip", a[1].Str, "err", err)
			return -1
		}
		n = v.(netArg)
	}
	port, proto, pattern, ok := ruleArgs(ctx, fn, a)
	if !ok {
		return -1
	}
	r := blacklist.Rule{Negate: n.negate, IP: n.ip, Mask: n.mask, Proto: proto, Port: port, Pattern: pattern}
	if !add {
		if err := l.Delete(r); err != nil {
			logger(ctx).Error(fn+": "+err.Error(), "name", l.Name, "rule", r.String())
			return -1
		}
		return 1
	}
	var expire time.Duration
	if a[5].Set {
		expire = time.Duration(a[5].Int) * time.Second
	}
	if _, err := l.Add(r, expire); err != nil {
		logger(ctx).Error(fn+": "+err.Error(), "name", l.Name, "rule", r.String())
		return -1
	}
	return 1
}
