package core

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"switchboard/blacklist"
	"switchboard/engine"
)

// blacklistMICommands are OpenSIPS's blacklist MI commands
// (blacklists.c), with its parameter sets, replies and error codes. s is
// nil when no server runs: there are no lists then.
func blacklistMICommands(s *Server) []engine.MICommand {
	set := func() *blacklist.Set {
		if s == nil {
			return nil
		}
		return s.blacklists
	}
	return []engine.MICommand{
		{Name: "list_blacklists", Help: "lists all the defined (static or learned) blacklists",
			Params: [][]string{nil, {"name"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return listBlacklists(set(), p) }},
		{Name: "check_blacklists", Help: "returns all the blacklists where proto:IP:port pattern pair matches",
			Params: [][]string{{"ip"}, {"proto", "ip"}, {"proto", "ip", "port"}, {"proto", "ip", "port", "pattern"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return checkBlacklists(set(), p) }},
		{Name: "check_blacklist", Help: "checks whether an proto:IP:port pattern matches a blacklist",
			Params: [][]string{{"name", "ip"}, {"name", "proto", "ip"}, {"name", "proto", "ip", "port"}, {"name", "proto", "ip", "port", "pattern"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return checkBlacklist(set(), p) }},
		{Name: "add_blacklist_rule", Help: "adds a new rule to a blacklist",
			Params: [][]string{{"name", "rule"}, {"name", "rule", "expire"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return addBlacklistRule(set(), p) }},
		{Name: "del_blacklist_rule", Help: "removes a rule from a blacklist",
			Params: [][]string{{"name", "rule"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return delBlacklistRule(set(), p) }},
	}
}

// blacklistJSON is a list as list_blacklists prints it.
type blacklistJSON struct {
	Name  string           `json:"name"`
	Owner string           `json:"owner"`
	Flags []string         `json:"flags"`
	Rules []map[string]any `json:"Rules"`
}

func listJSON(l *blacklist.List) blacklistJSON {
	out := blacklistJSON{Name: l.Name, Owner: l.Owner, Flags: []string{}, Rules: []map[string]any{}}
	for _, f := range []struct {
		flag blacklist.Flags
		name string
	}{{blacklist.ReadOnly, "read-only"}, {blacklist.Expire, "expire"}, {blacklist.ByDefault, "default"}} {
		if l.Flags&f.flag != 0 {
			out.Flags = append(out.Flags, f.name)
		}
	}
	now := time.Now()
	for _, r := range l.Rules() {
		out.Rules = append(out.Rules, ruleJSON(l, r, now))
	}
	return out
}

// ruleJSON is a rule as OpenSIPS prints it; Expire, the seconds left, only
// for the rules of an expiring list that expire.
func ruleJSON(l *blacklist.List, r blacklist.Rule, now time.Time) map[string]any {
	flags, proto := 0, r.Proto
	if r.Negate {
		flags = 1
	}
	if proto == "" {
		proto = "any"
	}
	m := map[string]any{"flags": flags, "IP": r.IP.String(), "Mask": r.Mask.String(), "Proto": proto, "Port": r.Port}
	if r.Pattern != "" {
		m["Match"] = r.Pattern
	}
	if l.Flags&blacklist.Expire != 0 && !r.Expires.IsZero() {
		m["Expire"] = int64((r.Expires.Sub(now) + time.Second - 1) / time.Second)
	}
	return m
}

func listBlacklists(set *blacklist.Set, p engine.MIParams) (any, error) {
	if p.Has("name") {
		name, err := p.Get("name")
		if err != nil {
			return nil, err
		}
		l := set.Get(name)
		if l == nil {
			return nil, &engine.MIError{Code: 404, Message: "Unknown name"}
		}
		return listJSON(l), nil
	}
	lists := []blacklistJSON{}
	for _, l := range set.Lists() {
		lists = append(lists, listJSON(l))
	}
	return struct {
		Lists []blacklistJSON `json:"Lists"`
	}{lists}, nil
}

var (
	miBadIP     = &engine.MIError{Code: 400, Message: "Missing or bad IP"}
	miBadParams = &engine.MIError{Code: 404, Message: "Bad params"}
	miBadName   = &engine.MIError{Code: 400, Message: "Missing or bad blacklist name"}
	miBadRule   = &engine.MIError{Code: 404, Message: "Bad rule"}
	miReadOnly  = &engine.MIError{Code: 403, Message: "Cannot modify read-only blacklist"}
)

// blacklistQuery reads ip and the optional proto, port and pattern.
func blacklistQuery(p engine.MIParams) (ip netip.Addr, proto string, port uint16, pattern string, err error) {
	text, gerr := p.Get("ip")
	if gerr != nil {
		return ip, "", 0, "", miBadIP
	}
	if ip, gerr = netip.ParseAddr(text); gerr != nil || ip.Zone() != "" {
		return ip, "", 0, "", miBadIP
	}
	ip = ip.Unmap()
	if p.Has("proto") {
		text, gerr := p.Get("proto")
		if gerr != nil {
			return ip, "", 0, "", miBadParams
		}
		if proto, gerr = blacklist.ParseProto(text); gerr != nil {
			return ip, "", 0, "", miBadParams
		}
	}
	if p.Has("port") {
		n, gerr := p.GetInt("port")
		if gerr != nil || n < 0 || n > 65535 {
			return ip, "", 0, "", miBadParams
		}
		port = uint16(n)
	}
	if p.Has("pattern") {
		if pattern, gerr = p.Get("pattern"); gerr != nil {
			return ip, "", 0, "", miBadParams
		}
	}
	return ip, proto, port, pattern, nil
}

// checkBlacklists answers the names of the lists that match.
func checkBlacklists(set *blacklist.Set, p engine.MIParams) (any, error) {
	ip, proto, port, pattern, err := blacklistQuery(p)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, l := range set.Matching(ip, proto, port, []byte(pattern)) {
		names = append(names, l.Name)
	}
	return names, nil
}

// checkBlacklist answers the first rule of one list that matches.
func checkBlacklist(set *blacklist.Set, p engine.MIParams) (any, error) {
	ip, proto, port, pattern, err := blacklistQuery(p)
	if errors.Is(err, miBadIP) {
		return nil, err
	}
	l, nerr := miList(set, p)
	if nerr != nil {
		return nil, nerr
	}
	if err != nil {
		return nil, err
	}
	r, hit := l.Match(ip, proto, port, []byte(pattern))
	if !hit {
		return nil, &engine.MIError{Code: 404, Message: "Not Matched"}
	}
	return ruleJSON(l, r, time.Now()), nil
}

func miList(set *blacklist.Set, p engine.MIParams) (*blacklist.List, error) {
	name, err := p.Get("name")
	if err != nil {
		return nil, miBadName
	}
	l := set.Get(name)
	if l == nil {
		return nil, miBadName
	}
	return l, nil
}

// miRule reads the list and rule of add/del_blacklist_rule.
func miRule(set *blacklist.Set, p engine.MIParams) (*blacklist.List, blacklist.Rule, error) {
	l, err := miList(set, p)
	if err != nil {
		return nil, blacklist.Rule{}, err
	}
	if l.Flags&blacklist.ReadOnly != 0 {
		return nil, blacklist.Rule{}, miReadOnly
	}
	text, err := p.Get("rule")
	if err != nil {
		return nil, blacklist.Rule{}, miBadRule
	}
	r, err := blacklist.ParseMIRule(text)
	if err != nil {
		return nil, r, &engine.MIError{Code: 404, Message: "Bad rule", Data: err.Error()}
	}
	return l, r, nil
}

func addBlacklistRule(set *blacklist.Set, p engine.MIParams) (any, error) {
	l, r, err := miRule(set, p)
	if err != nil {
		return nil, err
	}
	var expire time.Duration
	if p.Has("expire") {
		n, err := p.GetInt("expire")
		if err != nil || n <= 0 {
			return nil, &engine.MIError{Code: 404, Message: "Bad expire value"}
		}
		if l.Flags&blacklist.Expire == 0 {
			return nil, &engine.MIError{Code: 404, Message: "Blacklist without expire support"}
		}
		expire = time.Duration(n) * time.Second
	}
	if _, err := l.Add(r, expire); err != nil {
		return nil, &engine.MIError{Code: 500, Message: "Cannot add rule", Data: err.Error()}
	}
	return ok, nil
}

func delBlacklistRule(set *blacklist.Set, p engine.MIParams) (any, error) {
	l, r, err := miRule(set, p)
	if err != nil {
		return nil, err
	}
	if err := l.Delete(r); err != nil {
		return nil, &engine.MIError{Code: 404, Message: "Rule not found"}
	}
	return ok, nil
}
