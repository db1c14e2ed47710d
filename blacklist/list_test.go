package blacklist

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func mustRule(t *testing.T, s string) Rule {
	t.Helper()
	r, err := ParseMIRule(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSetUseAndCheck(t *testing.T) {
	set := NewSet(nil)
	static, _ := set.Define("script", Definition{Name: "static", Flags: ReadOnly, Rules: []Rule{mustRule(t, "127.0.0.2")}})
	def, _ := set.Define("script", Definition{Name: "def", Flags: ByDefault, Rules: []Rule{mustRule(t, "127.0.0.3")}})
	dyn, _ := set.Define("script", Definition{Name: "dyn", Flags: Expire})
	if _, err := dyn.Add(mustRule(t, "udp,127.0.0.4,5060"), 0); err != nil {
		t.Fatal(err)
	}
	ip := netip.MustParseAddr
	type step struct {
		use  string // list name, "all", or "" for none
		on   bool
		dst  string
		want string // list that blocks, "" none
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"default list active from the start", []step{{"", false, "127.0.0.3", "def"}, {"", false, "127.0.0.2", ""}}},
		{"use a list", []step{{"static", true, "127.0.0.2", "static"}, {"", false, "127.0.0.4", ""}}},
		{"unuse the default", []step{{"def", false, "127.0.0.3", ""}}},
		{"use then unuse", []step{{"static", true, "127.0.0.2", "static"}, {"static", false, "127.0.0.2", ""}}},
		{"use all", []step{{"all", true, "127.0.0.4", "dyn"}, {"", false, "127.0.0.2", "static"}}},
		{"unuse all", []step{{"all", false, "127.0.0.3", ""}}},
		{"unuse all then use one", []step{{"all", false, "127.0.0.3", ""}, {"dyn", true, "127.0.0.4", "dyn"}, {"", false, "127.0.0.3", ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var toggle uint64
			for i, s := range c.steps {
				switch s.use {
				case "":
				case "all":
					toggle = set.Use(toggle, nil, s.on)
				default:
					toggle = set.Use(toggle, set.Get(s.use), s.on)
				}
				got := ""
				if l := set.Check(toggle, ip(s.dst), "udp", 5060, nil); l != nil {
					got = l.Name
				}
				if got != s.want {
					t.Errorf("step %d: %s blocked by %q, want %q", i, s.dst, got, s.want)
				}
			}
		})
	}
	if !set.Active(0, def) || set.Active(0, static) {
		t.Error("Active(0) must be the default lists only")
	}
	names := func(ls []*List) (out []string) {
		for _, l := range ls {
			out = append(out, l.Name)
		}
		return out
	}
	if got := fmt.Sprint(names(set.Matching(ip("127.0.0.2"), "udp", 5060, nil))); got != "[static]" {
		t.Errorf("Matching = %s", got)
	}
	var nilSet *Set
	if nilSet.Check(^uint64(0), ip("127.0.0.2"), "udp", 5060, nil) != nil || nilSet.Get("x") != nil {
		t.Error("a nil set blocks nothing")
	}
}

func TestListAddDeleteExpire(t *testing.T) {
	clk := &clock{t: time.Unix(1000, 0)}
	set := NewSet(clk.now)
	ro, _ := set.Define("script", Definition{Name: "ro", Flags: ReadOnly, Rules: []Rule{mustRule(t, "10.0.0.1")}})
	plain, _ := set.Define("script", Definition{Name: "plain"})
	exp, _ := set.Define("script", Definition{Name: "exp", Flags: Expire | ByDefault})

	if _, err := ro.Add(mustRule(t, "10.0.0.2"), 0); !errors.Is(err, ErrReadOnly) {
		t.Errorf("add to read-only: %v", err)
	}
	if err := ro.Delete(mustRule(t, "10.0.0.1")); !errors.Is(err, ErrReadOnly) {
		t.Errorf("delete from read-only: %v", err)
	}
	if _, err := plain.Add(mustRule(t, "10.0.0.2"), time.Second); !errors.Is(err, ErrNoExpire) {
		t.Errorf("expiring rule in a list without expire: %v", err)
	}
	if _, err := exp.Add(mustRule(t, "10.0.0.2"), -time.Second); err == nil {
		t.Error("negative expire accepted")
	}
	add := func(l *List, rule string, d time.Duration) bool {
		t.Helper()
		added, err := l.Add(mustRule(t, rule), d)
		if err != nil {
			t.Fatal(err)
		}
		return added
	}
	if !add(plain, "10.0.0.2", 0) || add(plain, "10.0.0.2", 0) {
		t.Error("a duplicate must be refused, the first accepted")
	}
	if err := plain.Delete(mustRule(t, "10.0.0.3")); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete missing: %v", err)
	}
	if err := plain.Delete(mustRule(t, "10.0.0.2")); err != nil || len(plain.Rules()) != 0 {
		t.Errorf("delete: %v, left %v", err, plain.Rules())
	}

	add(exp, "10.0.0.30", 30*time.Second)
	add(exp, "10.0.0.10", 10*time.Second)
	add(exp, "10.0.0.99", 0)
	add(exp, "10.0.0.20", 20*time.Second)
	order := ""
	for _, r := range exp.Rules() {
		order += r.IP.String() + " "
	}
	if order != "10.0.0.99 10.0.0.10 10.0.0.20 10.0.0.30 " {
		t.Errorf("order = %q: never-expiring first, then by expiry", order)
	}
	blocked := func(ip string) bool {
		return set.Check(0, netip.MustParseAddr(ip), "udp", 5060, nil) != nil
	}
	if !blocked("10.0.0.10") || !blocked("10.0.0.30") {
		t.Fatal("fresh rules must block")
	}
	clk.t = clk.t.Add(15 * time.Second)
	if blocked("10.0.0.10") || !blocked("10.0.0.20") || !blocked("10.0.0.99") {
		t.Error("after 15s only the 10s rule has expired")
	}
	clk.t = clk.t.Add(time.Hour)
	if blocked("10.0.0.20") || blocked("10.0.0.30") || !blocked("10.0.0.99") {
		t.Error("after an hour only the permanent rule is left")
	}
	if n := len(exp.Rules()); n != 1 {
		t.Errorf("expired rules not pruned: %d left", n)
	}
	// An expired rule can be added again.
	if !add(exp, "10.0.0.10", time.Second) {
		t.Error("re-adding an expired rule refused")
	}
}

func TestSetLimits(t *testing.T) {
	set := NewSet(nil)
	if _, err := set.Define("script", Definition{Name: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := set.Define("script", Definition{Name: "a"}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := set.Define("script", Definition{Name: "b", Flags: ReadOnly | Expire}); err == nil {
		t.Error("readonly+expire accepted")
	}
	for i := 1; i < MaxLists; i++ {
		if _, err := set.Define("script", Definition{Name: fmt.Sprint("l", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := set.Define("script", Definition{Name: "over"}); !errors.Is(err, ErrTooManyBLs) {
		t.Errorf("list %d: %v", MaxLists+1, err)
	}
	last := set.Get(fmt.Sprint("l", MaxLists-1))
	toggle := set.Use(0, last, true)
	if !set.Active(toggle, last) {
		t.Error("the 64th list cannot be used")
	}
	if toggle = set.Use(toggle, nil, true); !set.Active(toggle, set.Get("a")) {
		t.Error("all does not cover the first list")
	}
}
