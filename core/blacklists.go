package core

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"switchboard/blacklist"
	"switchboard/core/builtin"
	"switchboard/engine"
	"switchboard/resolver"
	"switchboard/script/ast"
	"switchboard/transport"
)

// dnsBlacklist is the list of destinations that could not be reached
// (OpenSIPS's DNS blacklist, disable_dns_blacklist=no), and how long a
// destination stays in it.
const (
	dnsBlacklist       = "dns"
	dnsBlacklistExpire = 4 * time.Minute
)

// ErrBlacklisted is why a request was not sent to a destination: a rule
// of a blacklist the message uses matched it.
var ErrBlacklisted = errors.New("destination blacklisted")

var _ builtin.Blacklister = (*Server)(nil)

// Blacklists returns the element's destination blacklists.
func (s *Server) Blacklists() *blacklist.Set { return s.blacklists }

// blacklistParam reads a dst_blacklist line.
func blacklistParam(cfg *Config, p *ast.GlobalParam) error {
	words := make([]blacklist.Word, len(p.Value))
	for i, w := range p.Value {
		words[i] = blacklist.Word{Text: w.Text, Quoted: w.Quoted}
	}
	d, err := blacklist.ParseDefinition(words)
	if err != nil {
		return err
	}
	for _, old := range cfg.Blacklists {
		if old.Name == d.Name {
			return fmt.Errorf("blacklist %q defined twice", d.Name)
		}
	}
	cfg.Blacklists = append(cfg.Blacklists, d)
	return nil
}

// newBlacklists builds the lists cfg defines: the script's, then the DNS
// blacklist when it is enabled.
func newBlacklists(cfg *Config) (*blacklist.Set, error) {
	set := blacklist.NewSet(nil)
	for _, d := range cfg.Blacklists {
		if _, err := set.Define("script", d); err != nil {
			return nil, fmt.Errorf("dst_blacklist %s: %w", d.Name, err)
		}
	}
	if !cfg.DisableDNSBlacklist {
		d := blacklist.Definition{Name: dnsBlacklist, Flags: blacklist.Expire | blacklist.ByDefault}
		if _, err := set.Define("dns", d); err != nil {
			return nil, fmt.Errorf("dns blacklist: %w (a dst_blacklist is called %q)", err, dnsBlacklist)
		}
	}
	return set, nil
}

// checkBlacklistNames refuses a constant blacklist name in a call that
// names no list the script defines, as OpenSIPS's fixup does.
func checkBlacklistNames(s *ast.Script, cfg *Config) error {
	set, err := newBlacklists(cfg)
	if err != nil {
		return err
	}
	var errs []error
	ast.Inspect(s, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok || len(c.Args) == 0 {
			return true
		}
		allowAll, isBL := builtin.BlacklistFunctionArgs[c.Name]
		lit, isLit := c.Args[0].(*ast.StringLit)
		if !isBL || !isLit || strings.Contains(lit.Value, "$") {
			return true
		}
		if allowAll && strings.EqualFold(lit.Value, "all") {
			return true
		}
		if set.Get(lit.Value) == nil {
			errs = append(errs, fmt.Errorf("%s: %s(%q): blacklist not configured (dst_blacklist lines)", c.Pos, c.Name, lit.Value))
		}
		return true
	})
	return errors.Join(errs...)
}

// blocked reports the blacklist, among those the message in ctx uses,
// that refuses sending data to dst over proto (nil: none).
func (s *Server) blocked(ctx *engine.Context, proto transport.Proto, dst netip.AddrPort, data []byte) error {
	if l := s.blacklists.Check(ctx.Send.Blacklists, dst.Addr(), proto.String(), dst.Port(), data); l != nil {
		return fmt.Errorf("%w: %s:%s by %q", ErrBlacklisted, proto, dst, l.Name)
	}
	return nil
}

// markFailed remembers a destination a request could not be forwarded
// to (forward(), tm): the resolver tries it last for a while and, when
// enabled, the DNS blacklist refuses it for four minutes. A destination
// refused by a blacklist did not fail. send() only does the former, as
// OpenSIPS's send() does not feed the DNS blacklist.
func (s *Server) markFailed(t resolver.Target, err error) {
	if errors.Is(err, ErrBlacklisted) {
		return
	}
	s.resolver.MarkFailed(t, failedTargetPause)
	l := s.blacklists.Get(dnsBlacklist)
	if l == nil || l.Owner != "dns" {
		return
	}
	proto, perr := blacklist.ParseProto(t.Proto)
	ip, mask, nerr := blacklist.ParseNet(t.Addr.Addr().String())
	if perr != nil || nerr != nil {
		return
	}
	l.Add(blacklist.Rule{IP: ip, Mask: mask, Proto: proto, Port: t.Addr.Port()}, dnsBlacklistExpire)
}
