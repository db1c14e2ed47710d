package builtin

import (
	"testing"
	"time"

	"switchboard/blacklist"
	"switchboard/engine"
)

// blSender is a Sender with blacklists.
type blSender struct {
	engine.Sender
	set *blacklist.Set
}

func (s blSender) Blacklists() *blacklist.Set { return s.set }

func newBlacklistSet(t *testing.T) *blacklist.Set {
	t.Helper()
	set := blacklist.NewSet(nil)
	for _, d := range []blacklist.Definition{
		{Name: "ro", Flags: blacklist.ReadOnly, Rules: []blacklist.Rule{mustNet(t, "10.0.0.0/8")}},
		{Name: "def", Flags: blacklist.ByDefault | blacklist.Expire},
	} {
		if _, err := set.Define("script", d); err != nil {
			t.Fatal(err)
		}
	}
	return set
}

func mustNet(t *testing.T, s string) blacklist.Rule {
	t.Helper()
	r, err := blacklist.ParseMIRule(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBlacklistFunctions(t *testing.T) {
	type step struct {
		fn   string
		args []engine.Arg
		want int
	}
	N := engine.Arg{} // an optional argument left out
	cases := []struct {
		name  string
		steps []step
	}{
		{"static list only when used", []step{
			{"check_blacklist_rule", []engine.Arg{S("all"), S("10.1.1.1")}, -1},
			{"check_blacklist_rule", []engine.Arg{S("ro"), S("10.1.1.1")}, 1},
			{"use_blacklist", []engine.Arg{S("ro")}, 1},
			{"check_blacklist_rule", []engine.Arg{S("all"), S("10.1.1.1")}, 1},
			{"unuse_blacklist", []engine.Arg{S("ro")}, 1},
			{"check_blacklist_rule", []engine.Arg{S("all"), S("10.1.1.1")}, -1},
		}},
		{"use all, unuse all", []step{
			{"use_blacklist", []engine.Arg{S("ALL")}, 1},
			{"check_blacklist_rule", []engine.Arg{S("all"), S("10.2.2.2")}, 1},
			{"unuse_blacklist", []engine.Arg{S("all")}, 1},
			{"check_blacklist_rule", []engine.Arg{S("all"), S("10.2.2.2")}, -1},
		}},
		{"add, check with port proto pattern, delete", []step{
			{"add_blacklist_rule", []engine.Arg{S("def"), S("127.0.0.0/24"), I(5060), S("udp"), S("*INVITE*")}, 1},
			{"check_blacklist_rule", []engine.Arg{S("def"), S("127.0.0.9"), I(5060), S("udp"), S("an INVITE")}, 1},
			{"check_blacklist_rule", []engine.Arg{S("all"), S("127.0.0.9"), I(5060), S("udp"), S("an INVITE")}, 1},
			{"check_blacklist_rule", []engine.Arg{S("def"), S("127.0.0.9"), I(5060), S("tcp"), S("an INVITE")}, -1},
			{"check_blacklist_rule", []engine.Arg{S("def"), S("127.0.0.9"), I(5061), S("udp"), S("an INVITE")}, -1},
			{"check_blacklist_rule", []engine.Arg{S("def"), S("127.0.0.9"), I(5060), S("udp"), S("a BYE")}, -1},
			{"del_blacklist_rule", []engine.Arg{S("def"), S("127.0.0.0/24"), I(5060), S("udp"), S("*INVITE*")}, 1},
			{"del_blacklist_rule", []engine.Arg{S("def"), S("127.0.0.0/24"), I(5060), S("udp"), S("*INVITE*")}, -1},
			{"check_blacklist_rule", []engine.Arg{S("def"), S("127.0.0.9"), I(5060), S("udp"), S("an INVITE")}, -1},
		}},
		{"negated rule with expiry", []step{
			{"add_blacklist_rule", []engine.Arg{S("def"), S("!127.0.0.1"), N, N, N, I(60)}, 1},
			{"check_blacklist_rule", []engine.Arg{S("def"), S("127.0.0.2")}, 1},
			{"check_blacklist_rule", []engine.Arg{S("def"), S("127.0.0.1")}, -1},
			{"del_blacklist_rule", []engine.Arg{S("def"), S("!127.0.0.1")}, 1},
		}},
		{"refusals", []step{
			{"use_blacklist", []engine.Arg{S("nope")}, -1},
			{"add_blacklist_rule", []engine.Arg{S("ro"), S("1.2.3.4")}, -1},
			{"add_blacklist_rule", []engine.Arg{S("all"), S("1.2.3.4")}, -1},
			{"del_blacklist_rule", []engine.Arg{S("ro"), S("10.0.0.0/8")}, -1},
			{"add_blacklist_rule", []engine.Arg{S("def"), S("1.2.3.4"), I(70000)}, -1},
			{"add_blacklist_rule", []engine.Arg{S("def"), S("1.2.3.4"), N, N, N, I(-5)}, -1},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			ctx.Sender = blSender{set: newBlacklistSet(t)}
			for i, s := range c.steps {
				if got := call(t, ctx, s.fn, s.args...); got != s.want {
					t.Errorf("step %d %s = %d, want %d", i, s.fn, got, s.want)
				}
			}
		})
	}
}

// Arguments from variables are read at run time; bad ones fail the call.
func TestBlacklistFunctionsRuntimeArgs(t *testing.T) {
	ctx := newCtx(t)
	set := newBlacklistSet(t)
	ctx.Sender = blSender{set: set}
	f := fn(t, "add_blacklist_rule")
	run := func(args ...engine.Arg) int {
		full := make([]engine.Arg, len(f.Args))
		copy(full, args)
		return f.Run(ctx, full)
	}
	if got := run(S("def"), S("10.0.0.300")); got != -1 {
		t.Errorf("bad ip = %d", got)
	}
	if got := run(S("def"), S("10.0.0.3"), I(1), S("pigeon")); got != -1 {
		t.Errorf("bad proto = %d", got)
	}
	if got := run(S("def"), S("10.0.0.3"), I(1), S("TCP"), engine.Arg{}, I(2)); got != 1 {
		t.Errorf("good rule = %d", got)
	}
	rules := set.Get("def").Rules()
	if len(rules) != 1 || rules[0].Proto != "tcp" || time.Until(rules[0].Expires) > 2*time.Second {
		t.Errorf("rules %+v", rules)
	}
	// No blacklists at all (a sender without them): every call fails.
	ctx.Sender = nil
	if got := call(t, ctx, "use_blacklist", S("all")); got != -1 {
		t.Errorf("use_blacklist without lists = %d", got)
	}
}

func TestBlacklistFixups(t *testing.T) {
	cases := []struct {
		fn   string
		arg  int
		text string
		ok   bool
	}{
		{"use_blacklist", 0, "x", true},
		{"use_blacklist", 0, "", false},
		{"check_blacklist_rule", 1, "::1", true},
		{"check_blacklist_rule", 1, "10.0.0.0/8", false},
		{"add_blacklist_rule", 1, "!10.0.0.0/8", true},
		{"add_blacklist_rule", 1, "10.0.0.0/99", false},
		{"add_blacklist_rule", 3, "any", true},
		{"del_blacklist_rule", 3, "smtp", false},
	}
	for _, c := range cases {
		_, err := fn(t, c.fn).Args[c.arg].Fixup(c.text)
		if (err == nil) != c.ok {
			t.Errorf("%s arg %d fixup(%q) err = %v", c.fn, c.arg, c.text, err)
		}
	}
}
