package core

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"switchboard/blacklist"
	"switchboard/engine"
	"switchboard/mi"
	"switchboard/resolver"
	"switchboard/script"
	"switchboard/sip"
	"switchboard/transport"
)

// compileSnippet compiles a script made of src and a route.
func compileSnippet(t *testing.T, src string) (*Loaded, error) {
	t.Helper()
	s, err := script.Parse("test.cfg", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return Compile(s, LoadOptions{})
}

func TestBlacklistConfig(t *testing.T) {
	cases := []struct {
		name  string
		src   string
		lists string // name:flags of the lists built, in order
		err   string
	}{
		{"static and dynamic", "dst_blacklist = gw:{(udp, 127.0.0.2, 5060, \"\")}\ndst_blacklist = dyn/expire,default: {}\nroute{ use_blacklist(\"gw\"); unuse_blacklist(\"all\"); add_blacklist_rule(\"dyn\", \"127.0.0.3\"); }",
			"gw:1 dyn:6", ""},
		{"dns list when enabled", "disable_dns_blacklist = no\nroute{ check_blacklist_rule(\"dns\", \"127.0.0.1\"); }", "dns:6", ""},
		{"no dns list by default", "route{ exit; }", "", ""},
		{"unknown name", "route{ use_blacklist(\"nope\"); }", "", `test.cfg:1:8: use_blacklist("nope"): blacklist not configured`},
		{"all not a list for add", "route{ add_blacklist_rule(\"all\", \"10.0.0.1\"); }", "", "blacklist not configured"},
		{"dns disabled", "route{ del_blacklist_rule(\"dns\", \"10.0.0.1\"); }", "", "blacklist not configured"},
		{"variable name is checked at run time", "route{ use_blacklist(\"$var(x)\"); }", "", ""},
		{"bad rule", "dst_blacklist = x: { (udp, 10.0.0.3, 99999) }\n", "", `test.cfg:1:1: dst_blacklist: blacklist: bad port "99999"`},
		{"defined twice", "dst_blacklist = x\ndst_blacklist = x\n", "", `blacklist "x" defined twice`},
		{"name of the dns list", "disable_dns_blacklist = 0\ndst_blacklist = dns\n", "", "dns blacklist"},
		{"bad ip constant", "dst_blacklist = x/default: {}\nroute{ add_blacklist_rule(\"x\", \"10.0.0.1/40\"); }", "", "bad netmask length"},
		{"bad proto constant", "dst_blacklist = x/default: {}\nroute{ del_blacklist_rule(\"x\", \"10.0.0.1\", 5060, \"carrier-pigeon\"); }", "", "unknown protocol"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := compileSnippet(t, c.src)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			set, err := newBlacklists(&l.Config)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, bl := range set.Lists() {
				got = append(got, bl.Name+":"+strconv.Itoa(int(bl.Flags)))
			}
			if strings.Join(got, " ") != c.lists {
				t.Errorf("lists = %q, want %q", strings.Join(got, " "), c.lists)
			}
		})
	}
}

const blacklistMsg = "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKbl1\r\n" +
	"From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: bl-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"

// The send path: a target matched by a list the message uses is not sent
// to, by forward() nor by tm; one that failed goes into the DNS
// blacklist when it is enabled.
func TestSendBlacklisted(t *testing.T) {
	m := transport.NewManager(transport.Config{}, func(*transport.Packet) {})
	defer m.Close()
	if err := m.Listen([]transport.SocketSpec{{Proto: transport.UDP, Host: "127.0.0.1", Port: freePort(t, "udp")},
		{Proto: transport.TCP, Host: "127.0.0.1", Port: freePort(t, "tcp")}}); err != nil {
		t.Fatal(err)
	}
	peer, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	peerPort := peer.LocalAddr().(*net.UDPAddr).Port
	res, err := resolver.New(resolver.Config{Servers: []string{"127.0.0.1:9"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.DisableDNSBlacklist = false
	cfg.Blacklists = []blacklist.Definition{{Name: "peer", Flags: blacklist.ReadOnly,
		Rules: []blacklist.Rule{mustRule(t, "udp,127.0.0.1,"+strconv.Itoa(peerPort)+",OPTIONS *")}}}
	set, err := newBlacklists(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{transport: m, resolver: res, blacklists: set, log: &Loggers{Core: slog.New(slog.DiscardHandler)}}
	s.buffers.New = func() any { b := make([]byte, 0, 4096); return &b }
	dst := "sip:127.0.0.1:" + strconv.Itoa(peerPort)

	received := func() bool {
		buf := make([]byte, 4096)
		peer.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		n, _, err := peer.ReadFrom(buf)
		return err == nil && strings.HasPrefix(string(buf[:n]), "OPTIONS ")
	}
	newCtx := func(use bool) *engine.Context {
		msg, err := sip.ParseString(blacklistMsg)
		if err != nil {
			t.Fatal(err)
		}
		ctx := &engine.Context{Msg: msg, Vars: engine.NewVars(), AVPs: engine.NewAVPs(), RURIQ: -1}
		if use {
			ctx.Send.Blacklists = set.Use(0, set.Get("peer"), true)
		}
		return ctx
	}
	cases := []struct {
		name     string
		use      bool
		stateful bool
		blocked  bool
	}{
		{"forward, list not used", false, false, false},
		{"forward, list used", true, false, true},
		{"tm branch, list not used", false, true, false},
		{"tm branch, list used", true, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(c.use)
			if c.stateful {
				_, err = s.SendBranch(ctx, dst, "z9hG4bKtest")
			} else {
				err = s.ForwardRequest(ctx, dst)
			}
			if got := errors.Is(err, ErrBlacklisted); got != c.blocked {
				t.Fatalf("err = %v, blocked %v, want %v", err, got, c.blocked)
			}
			if got := received(); got == c.blocked {
				t.Errorf("peer received: %v, want %v", got, !c.blocked)
			}
		})
	}
	dns := set.Get(dnsBlacklist)
	if n := len(dns.Rules()); n != 0 {
		t.Fatalf("a blocked send went into the DNS blacklist: %d rules", n)
	}
	// A TCP destination that refuses the connection goes into the DNS
	// blacklist; the next request there is refused without a try.
	closed := freePort(t, "tcp")
	tcpDst := "sip:127.0.0.1:" + strconv.Itoa(closed) + ";transport=tcp"
	if err := s.ForwardRequest(newCtx(false), tcpDst); err == nil || errors.Is(err, ErrBlacklisted) {
		t.Fatalf("forward to a closed TCP port: %v", err)
	}
	if err := s.ForwardRequest(newCtx(false), tcpDst); !errors.Is(err, ErrBlacklisted) {
		t.Fatalf("second forward to the failed destination: %v, want blacklisted by dns", err)
	}
	if err := s.SendRaw(newCtx(false), "sip:127.0.0.1:"+strconv.Itoa(freePort(t, "tcp"))+";transport=tcp", []byte("x")); err == nil {
		t.Fatal("send() to a closed TCP port succeeded")
	}
	if n := len(dns.Rules()); n != 1 {
		t.Fatalf("DNS blacklist has %d rules, want the forward's only", n)
	}
	if err := dns.Delete(dns.Rules()[0]); err != nil {
		t.Fatal(err)
	}
	target := resolver.Target{Proto: "udp", Addr: netip.MustParseAddrPort("127.0.0.7:5070")}
	s.markFailed(target, errors.New("connection refused"))
	if l := set.Check(0, target.Addr.Addr(), "udp", 5070, nil); l != dns {
		t.Fatalf("failed target not blocked by the DNS blacklist: %v", l)
	}
	if rules := dns.Rules(); len(rules) != 1 || time.Until(rules[0].Expires) > dnsBlacklistExpire {
		t.Errorf("DNS blacklist rules %+v", rules)
	}
	if l := set.Check(0, target.Addr.Addr(), "udp", 5071, nil); l != nil {
		t.Errorf("another port blocked by %s", l.Name)
	}
}

func mustRule(t *testing.T, s string) blacklist.Rule {
	t.Helper()
	r, err := blacklist.ParseMIRule(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBlacklistMICommands(t *testing.T) {
	l, err := compileSnippet(t, `dst_blacklist = gw:{(udp, 10.0.0.0/8, 5060, "INVITE*"), !(tcp, ::1, 0)}
dst_blacklist = dyn/expire,default: {(127.0.0.2)}
dst_blacklist = plain/default
`)
	if err != nil {
		t.Fatal(err)
	}
	set, err := newBlacklists(&l.Config)
	if err != nil {
		t.Fatal(err)
	}
	reg := newMIRegistry(&Server{blacklists: set}, nil)
	req := func(method, params string) string {
		r := `{"jsonrpc":"2.0","id":1,"method":"` + method + `"`
		if params != "" {
			r += `,"params":` + params
		}
		return r + "}"
	}
	cases := []struct{ name, method, params, want string }{
		{"list all", "list_blacklists", "", `"result":{"Lists":[{"name":"gw","owner":"script","flags":["read-only"],"Rules":[` +
			`{"IP":"10.0.0.0","Mask":"255.0.0.0","Match":"INVITE*","Port":5060,"Proto":"udp","flags":0},` +
			`{"IP":"::1","Mask":"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff","Port":0,"Proto":"tcp","flags":1}]},` +
			`{"name":"dyn","owner":"script","flags":["expire","default"],"Rules":[{"IP":"127.0.0.2","Mask":"255.255.255.255","Port":0,"Proto":"any","flags":0}]},` +
			`{"name":"plain","owner":"script","flags":["default"],"Rules":[]}]}`},
		{"list one", "list_blacklists", `{"name":"plain"}`, `"result":{"name":"plain","owner":"script","flags":["default"],"Rules":[]}`},
		{"list unknown", "list_blacklists", `["nope"]`, `"error":{"code":404,"message":"Unknown name"}`},
		{"check all by ip", "check_blacklists", `["127.0.0.2"]`, `"result":["gw","dyn"]`},
		{"check all with proto port pattern", "check_blacklists", `["udp","10.1.2.3",5060,"INVITE sip:x"]`, `"result":["gw"]`},
		{"check all nothing", "check_blacklists", `{"proto":"tcp","ip":"::1"}`, `"result":[]`},
		{"check all bad ip", "check_blacklists", `["10.0.0"]`, `"error":{"code":400,"message":"Missing or bad IP"}`},
		{"check all bad proto", "check_blacklists", `["pigeon","10.0.0.1"]`, `"error":{"code":404,"message":"Bad params"}`},
		{"check all bad port", "check_blacklists", `["udp","10.0.0.1","x"]`, `"error":{"code":404,"message":"Bad params"}`},
		{"check one hit", "check_blacklist", `["gw","udp","10.9.9.9","5060","INVITE sip:a"]`, `"result":{"IP":"10.0.0.0","Mask":"255.0.0.0","Match":"INVITE*","Port":5060,"Proto":"udp","flags":0}`},
		{"check one negated hit", "check_blacklist", `{"name":"gw","ip":"192.0.2.1"}`, `"Proto":"tcp","flags":1}`},
		{"check one miss", "check_blacklist", `["dyn","127.0.0.9"]`, `"error":{"code":404,"message":"Not Matched"}`},
		{"check unknown list", "check_blacklist", `["nope","127.0.0.9"]`, `"error":{"code":400,"message":"Missing or bad blacklist name"}`},
		{"add to read-only", "add_blacklist_rule", `["gw","10.0.0.1"]`, `"error":{"code":403,"message":"Cannot modify read-only blacklist"}`},
		{"add bad rule", "add_blacklist_rule", `["dyn","udp,10.0.0.1,port"]`, `"error":{"code":404,"message":"Bad rule","data":"bad port \"port\""}`},
		{"add expiring to plain", "add_blacklist_rule", `["plain","10.0.0.1",60]`, `"error":{"code":404,"message":"Blacklist without expire support"}`},
		{"add bad expire", "add_blacklist_rule", `["dyn","10.0.0.1",0]`, `"error":{"code":404,"message":"Bad expire value"}`},
		{"add expiring", "add_blacklist_rule", `{"name":"dyn","rule":"!udp,10.0.0.0/24,5062,*BYE*","expire":"60"}`, `"result":"OK"`},
		{"add again is OK", "add_blacklist_rule", `["dyn","!udp,10.0.0.0/24,5062,*BYE*","60"]`, `"result":"OK"`},
		{"listed with expire", "list_blacklists", `["dyn"]`, `{"Expire":60,"IP":"10.0.0.0","Mask":"255.255.255.0","Match":"*BYE*","Port":5062,"Proto":"udp","flags":1}]}`},
		{"add permanent", "add_blacklist_rule", `["plain","tls,fd00::/8"]`, `"result":"OK"`},
		{"check the added", "check_blacklist", `["plain","tls","fd00::5"]`, `"result":{"IP":"fd00::","Mask":"ff00::","Port":0,"Proto":"tls","flags":0}`},
		{"delete", "del_blacklist_rule", `["plain","tls,fd00::/8"]`, `"result":"OK"`},
		{"delete again", "del_blacklist_rule", `["plain","tls,fd00::/8"]`, `"error":{"code":404,"message":"Rule not found"}`},
		{"delete from read-only", "del_blacklist_rule", `["gw","10.0.0.0/8"]`, `"error":{"code":403`},
		{"missing params", "del_blacklist_rule", `["plain"]`, `"error":{"code":-32602`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(mi.Dispatch(context.Background(), reg, []byte(req(c.method, c.params))))
			if !strings.Contains(got, c.want) {
				t.Errorf("reply %s\nwant it to contain %s", got, c.want)
			}
		})
	}
	// Without a server there are no lists.
	got := string(mi.Dispatch(context.Background(), newMIRegistry(nil, nil), []byte(req("list_blacklists", ""))))
	if !strings.Contains(got, `"result":{"Lists":[]}`) {
		t.Errorf("no server: %s", got)
	}
}

// The lists are global parameters: a reload that keeps them is accepted,
// one that changes them is refused.
func TestBlacklistReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.cfg")
	write := func(cfg string) {
		if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lists := "dst_blacklist = gw: { (udp, 10.0.0.0/8, 5060, \"INVITE*\"), !(fd00::/8) }\ndst_blacklist = dyn/expire\n"
	write(lists + "route { use_blacklist(\"gw\"); }\n")
	s, err := NewScript(path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	write(lists + "route { use_blacklist(\"dyn\"); }\n")
	if err := s.Reload(); err != nil {
		t.Fatalf("same lists, new route: %v", err)
	}
	write(strings.Replace(lists, "5060", "5061", 1) + "route { use_blacklist(\"dyn\"); }\n")
	if err := s.Reload(); err == nil || !strings.Contains(err.Error(), "global parameters changed") {
		t.Fatalf("changed list: %v", err)
	}
}
