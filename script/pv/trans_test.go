package pv

import (
	"strings"
	"testing"

	"switchboard/engine"
)

// transCase applies one transformation body to an input. Cases that
// reproduce an example of the OpenSIPS manual ("Script-Tran") say so in
// their name with "doc".
type transCase struct {
	name    string
	body    string
	in      engine.Value
	want    engine.Value
	wantErr bool // the transformation fails when it runs
}

func newTransParser() *Parser {
	r := engine.NewRegistry()
	r.Register(&engine.Module{Name: "core", PVs: CorePVs()})
	return &Parser{Registry: r}
}

func newTransContext() *engine.Context {
	return &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
}

func runTransCases(t *testing.T, cases []transCase) {
	t.Helper()
	p := newTransParser()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := p.parseTransformation(tc.body)
			if err != nil {
				t.Fatalf("parseTransformation(%q): %v", tc.body, err)
			}
			ctx := newTransContext()
			ctx.Vars.Set("n", engine.Int(2))
			ctx.Vars.Set("key", engine.Str("key"))
			got, err := tr(ctx, tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("{%s} on %#v = %#v, want an error", tc.body, tc.in, got)
				}
				if !got.IsNull() {
					t.Errorf("{%s} failed with a non-null value %#v", tc.body, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("{%s} on %#v: %v", tc.body, tc.in, err)
			}
			if got != tc.want {
				t.Errorf("{%s} on %#v = %#v, want %#v", tc.body, tc.in, got, tc.want)
			}
		})
	}
}

var (
	str  = engine.Str
	num  = engine.Int
	both = func(n int, s string) engine.Value { return engine.StrInt(s, n) }
	null = engine.Null
)

func TestParseTransformationErrors(t *testing.T) {
	p := newTransParser()
	for _, tc := range []struct{ body, want string }{
		{"s.lenn", "did you mean {s.len}"},
		{"uri.usr", "did you mean {uri.user}"},
		{"nosuch.thing.at.all", "unknown transformation {nosuch.thing.at.all}"},
		{"slen", "expected {class.name"},
		{"s.", "expected {class.name"},
		{"s.len,1", "takes no arguments"},
		{"s.substr,1", "takes 2 argument(s), got 1"},
		{"s.substr,a,1", "offset must be an integer"},
		{"s.select,1,ab", "exactly one character"},
		{"s.width,0", "at least 1"},
		{"s.fill.left,,3", "empty pad"},
		{"s.fill.left,0,x", "length must be"},
		{"s.fill.left,$var(p),3", "constants"},
		{"s.fill.left,0,70000", "from 0 to 65536"},
		{"s.index", "takes 1 to 2 arguments"},
		{"s.eval", "not supported: {s.eval}"},
		{"uri.param", "takes 1 argument(s), got 0"},
		{"ip.matches,10.0.0.0", "ip/bits"},
		{"ip.matches,10.0.0.0/33", "invalid network"},
		{"re.subst,/a/b", "missing delimiter"},
		{"re.subst,/a(/b/", "re.subst"},
		{"re.subst,/a/b/x", "unknown flag x"},
		{"re.subst,aba", "invalid delimiter"},
		{"s.substr,$nosuchpv,1", "argument 1"},
		{"nameaddr.x.uri", "unknown transformation"},
	} {
		_, err := p.parseTransformation(tc.body)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseTransformation(%q) = %v, want an error with %q", tc.body, err, tc.want)
		}
	}
}

func TestTransformationNamesCaseInsensitive(t *testing.T) {
	runTransCases(t, []transCase{
		{"upper class and name", "S.LEN", str("abc"), both(3, "3"), false},
		{"spaces around name", " s.len ", str("abc"), both(3, "3"), false},
	})
}

func TestTransformationNullInput(t *testing.T) {
	p := newTransParser()
	for name := range transformations {
		body := name
		switch {
		case strings.Contains(name, "#"), name == "s.eval":
			continue
		case name == "s.substr", name == "s.fill.left", name == "s.fill.right":
			body += ",1,1"
		case name == "s.select":
			body += ",1,,"
		case name == "re.subst":
			body += ",/a/b/"
		case strings.HasPrefix(name, "sdp."):
			body += ",a"
		case name == "ip.matches":
			body += ",10.0.0.0/8"
		case name == "s.width", name == "csv.value", strings.HasPrefix(name, "param.valueat"),
			name == "param.name":
			body += ",1"
		case strings.HasSuffix(name, "_hmac"), name == "s.xor", name == "s.index", name == "s.rindex",
			name == "uri.param", name == "via.param", name == "nameaddr.param", name == "param.value", strings.HasPrefix(name, "param.exist"):
			body += ",x"
		}
		tr, err := p.parseTransformation(body)
		if err != nil {
			t.Errorf("parseTransformation(%q): %v", body, err)
			continue
		}
		if got, err := tr(newTransContext(), null); err != nil || !got.IsNull() {
			t.Errorf("{%s} on null = %#v, %v; want null, nil", body, got, err)
		}
	}
}

// TestTransformationChains runs transformations the way a script writes
// them, through the PV parser: $(var(x){uri.user}{s.len}).
func TestTransformationChains(t *testing.T) {
	p := newTransParser()
	ctx := newTransContext()
	ctx.Vars.Set("x", str("sip:alice@example.com;transport=tcp"))
	ctx.Vars.Set("off", num(1))
	ctx.Vars.Set("name", str("transport"))
	for _, tc := range []struct {
		pv   string
		want engine.Value
	}{
		{"$(var(x){uri.user}{s.len})", both(5, "5")},
		{"$(var(x){uri.user}{s.toupper}{s.reverse})", str("ECILA")},
		{"$(var(x){uri.param,$var(name)})", str("tcp")},
		{"$(var(x){uri.user}{s.substr,$var(off),2})", str("li")},
		{"$(var(x){s.select,1,;}{param.value,transport})", str("tcp")},
		{"$(var(x){re.subst,/^sip:([a-z]+)@.*$/\\1 at $var(off)/})", str("alice at 1")},
		{"$(var(x){uri.host}{s.encode.hexa}{s.decode.hexa})", str("example.com")},
	} {
		spec, n, err := p.ParsePV(tc.pv)
		if err != nil || n != len(tc.pv) {
			t.Errorf("ParsePV(%q) = %d, %v", tc.pv, n, err)
			continue
		}
		if got := spec.Get(ctx); got != tc.want {
			t.Errorf("%s = %#v, want %#v", tc.pv, got, tc.want)
		}
	}
}

func TestTransformArgumentSplitting(t *testing.T) {
	p := newTransParser()
	for _, tc := range []struct {
		body string
		want []string
	}{
		{"s.index, one ,1", []string{"one", "1"}},
		{`s.index,a\,b`, []string{"a,b"}},
		{"s.select,0,,", []string{"0", ","}},
		{"s.select,0, ", []string{"0", " "}},
		{"re.subst,/a,b/c,d/g", []string{"/a,b/c,d/g"}},
		{"s.substr,$var(a),$var(b)", []string{"$var(a)", "$var(b)"}},
	} {
		_, rest, _ := strings.Cut(tc.body, ",")
		args, err := p.splitTransformArgs(rest, rawLastArg[strings.SplitN(tc.body, ",", 2)[0]])
		if err != nil {
			t.Errorf("split %q: %v", tc.body, err)
			continue
		}
		var got []string
		for _, a := range args {
			got = append(got, a.Text)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("split %q = %q, want %q", tc.body, got, tc.want)
		}
	}
}
