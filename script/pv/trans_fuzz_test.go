package pv

import (
	"strings"
	"testing"

	"switchboard/engine"
)

// FuzzTransformations compiles a random transformation body and applies
// it to a random value: neither step may panic, and a failure must leave
// a null value.
func FuzzTransformations(f *testing.F) {
	for _, seed := range []string{
		"s.substr,-2,$var(n)", "s.select,1,,", "s.index,one,-3", "s.rindex,e", "s.fill.left,ab,7",
		"s.width,5", "s.xor,k", "s.decode.hexa", "s.b64decode", "s.sha256_hmac,$var(n)",
		"uri.param,transport", "uri.port", "via.params", "via.param,branch", "param.valueat,-1",
		"nameaddr.1.uri", "nameaddr.$var(n).param,tag", "csv.value,-1", "ip.matches,10.0.0.0/8",
		"ip.ntop", "re.subst,/(a)(b)?/\\2\\1$var(n)/gi", "re.subst,$var(s)", "s.date2unix",
	} {
		f.Add(seed, "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1 (c)", false, 3)
		f.Add(seed, `"a" <sip:u@h;x=1>;tag=t, <sip:v@w>`, true, -1)
	}
	p := newTransParser()
	f.Fuzz(func(t *testing.T, body, input string, intInput bool, n int) {
		if strings.Contains(strings.ToLower(body), "resolve") {
			return // {ip.resolve} of a host name would query DNS: no network in tests
		}
		tr, err := p.parseTransformation(body)
		if err != nil {
			return
		}
		ctx := newTransContext()
		ctx.Vars.Set("n", engine.Int(n%100))
		ctx.Vars.Set("s", engine.Str(input))
		in := engine.Str(input)
		if intInput {
			in = engine.Int(n)
		}
		if out, err := tr(ctx, in); err != nil && !out.IsNull() {
			t.Fatalf("{%s} on %#v failed with a non-null value %#v", body, in, out)
		}
	})
}
