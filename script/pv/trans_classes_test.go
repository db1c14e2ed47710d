package pv

import (
	"testing"

	"switchboard/engine"
)

const testURI = "sip:alice:secret@example.com:5070;transport=TCP;lr;user=phone;ttl=5;maddr=10.0.0.1;method=INVITE;r2=on;x?subject=hi"

func TestURITransformations(t *testing.T) {
	runTransCases(t, []transCase{
		{"user", "uri.user", str(testURI), str("alice"), false},
		{"host", "uri.host", str(testURI), str("example.com"), false},
		{"domain alias", "uri.domain", str(testURI), str("example.com"), false},
		{"host IPv6 keeps brackets", "uri.host", str("sip:[2001:db8::1]:5060"), str("[2001:db8::1]"), false},
		{"passwd", "uri.passwd", str(testURI), str("secret"), false},
		{"port is an integer", "uri.port", str(testURI), both(5070, "5070"), false},
		{"port absent is null", "uri.port", str("sip:example.com"), null, false},
		{"params without leading semicolon", "uri.params", str("sip:a@b;lr;transport=udp"), str("lr;transport=udp"), false},
		{"params absent is null", "uri.params", str("sip:a@b"), null, false},
		{"param", "uri.param,transport", str(testURI), str("TCP"), false},
		{"param without value is empty", "uri.param,x", str(testURI), str(""), false},
		{"param absent is null", "uri.param,nope", str(testURI), null, false},
		{"param name without case", "uri.param,TRANSPORT", str(testURI), str("TCP"), false},
		{"headers", "uri.headers", str(testURI), str("subject=hi"), false},
		{"transport", "uri.transport", str(testURI), str("TCP"), false},
		{"ttl", "uri.ttl", str(testURI), str("5"), false},
		{"uparam", "uri.uparam", str(testURI), str("phone"), false},
		{"maddr", "uri.maddr", str(testURI), str("10.0.0.1"), false},
		{"method", "uri.method", str(testURI), str("INVITE"), false},
		{"lr without value is null", "uri.lr", str(testURI), null, false},
		{"r2", "uri.r2", str(testURI), str("on"), false},
		{"schema", "uri.schema", str("sips:bob@example.com"), str("sips"), false},
		{"user absent is null", "uri.user", str("sip:example.com"), null, false},
		{"tel user", "uri.user", str("tel:+1-201-555-0123"), str("+1-201-555-0123"), false},
		{"not a URI", "uri.user", str("alice"), null, true},
		{"integer input", "uri.user", num(5), null, true},
	})
}

const testVia = "SIP / 2.0 / UDP 10.0.0.1 : 5060;branch=z9hG4bK776;rport;received=192.0.2.4;x=\"a b\" (softphone), SIP/2.0/TCP other"

func TestViaTransformations(t *testing.T) {
	runTransCases(t, []transCase{
		{"name", "via.name", str(testVia), str("SIP"), false},
		{"version", "via.version", str(testVia), str("2.0"), false},
		{"transport doc", "via.transport", str(testVia), str("UDP"), false},
		{"host", "via.host", str(testVia), str("10.0.0.1"), false},
		{"host IPv6", "via.host", str("SIP/2.0/TLS [2001:db8::9]:5061;branch=z9hG4bKx"), str("[2001:db8::9]"), false},
		{"port is an integer", "via.port", str(testVia), both(5060, "5060"), false},
		{"port absent is null", "via.port", str("SIP/2.0/UDP h;branch=z9hG4bK1"), null, false},
		{"comment", "via.comment", str(testVia), str("softphone"), false},
		{"params", "via.params", str(testVia), str("branch=z9hG4bK776;rport;received=192.0.2.4;x=\"a b\""), false},
		{"params absent is null", "via.params", str("SIP/2.0/UDP h"), null, false},
		{"param doc received", "via.param,received", str(testVia), str("192.0.2.4"), false},
		{"param quoted", "via.param,x", str(testVia), str("a b"), false},
		{"param without value is empty", "via.param,rport", str(testVia), str(""), false},
		{"param absent is null", "via.param,maddr", str(testVia), null, false},
		{"branch", "via.branch", str(testVia), str("z9hG4bK776"), false},
		{"received", "via.received", str(testVia), str("192.0.2.4"), false},
		{"rport without value is null", "via.rport", str(testVia), null, false},
		{"rport value", "via.rport", str("SIP/2.0/UDP h;rport=5062"), str("5062"), false},
		{"not a via", "via.host", str("hello"), null, true},
		{"no sent-by", "via.host", str("SIP/2.0/UDP"), null, true},
		{"bad port", "via.port", str("SIP/2.0/UDP h:99999"), null, true},
	})
}

func TestParamTransformations(t *testing.T) {
	runTransCases(t, []transCase{
		{"value doc", "param.value,c", str("a=1;b=2;c=3"), str("3"), false},
		{"value without case", "param.value,B", str("a=1;b=2;c=3"), str("2"), false},
		{"value leading semicolon", "param.value,a", str(";a=1;b=2"), str("1"), false},
		{"value quoted", "param.value,q", str(`a=1;q="x;y"`), str("x;y"), false},
		{"value without value", "param.value,lr", str("a=1;lr"), str(""), false},
		{"value absent is null", "param.value,z", str("a=1"), null, false},
		{"value var name", "param.value,$var(key)", str("key=v"), str("v"), false},
		{"exist", "param.exist,b", str("a=1;b=2"), both(1, "1"), false},
		{"exist not", "param.exist,z", str("a=1;b=2"), both(0, "0"), false},
		{"exists alias", "param.exists,a", str("a=1"), both(1, "1"), false},
		{"valueat doc", "param.valueat,1", str("a=1;b=2;c=3"), str("2"), false},
		{"valueat negative", "param.valueat,-1", str("a=1;b=2;c=3"), str("3"), false},
		{"valueat out of range is null", "param.valueat,3", str("a=1;b=2;c=3"), null, false},
		{"name doc", "param.name,1", str("a=1;b=2;c=3"), str("b"), false},
		{"name var index", "param.name,$var(n)", str("a=1;b=2;c=3"), str("c"), false},
		{"count doc", "param.count", str("a=1;b=2;c=3"), both(3, "3"), false},
		{"bad list", "param.count", str("=1"), null, true},
		{"empty input", "param.count", str(""), null, true},
	})
}

const testNameAddr = `"test" <sip:test@opensips.org>;tag=dat43h;q="0.5"`

func TestNameaddrTransformations(t *testing.T) {
	two := str(testNameAddr + ` , Bob <sip:bob@b.example>;expires=60`)
	runTransCases(t, []transCase{
		{"name doc", "nameaddr.name", str(testNameAddr), str(`"test"`), false},
		{"uri doc", "nameaddr.uri", str(testNameAddr), str("sip:test@opensips.org"), false},
		{"len doc", "nameaddr.len", str(testNameAddr), both(49, "49"), false},
		{"param doc tag", "nameaddr.param,tag", str(testNameAddr), str("dat43h"), false},
		{"param quoted keeps quotes", "nameaddr.param,q", str(testNameAddr), str(`"0.5"`), false},
		{"param absent is null", "nameaddr.param,x", str(testNameAddr), null, false},
		{"params", "nameaddr.params", str(testNameAddr), str(`tag=dat43h;q="0.5"`), false},
		{"params absent is null", "nameaddr.params", str("<sip:a@b>"), null, false},
		{"name absent is null", "nameaddr.name", str("sip:a@b;tag=1"), null, false},
		{"bare uri stops at params", "nameaddr.uri", str("sip:a@b;tag=1"), str("sip:a@b"), false},
		{"token display", "nameaddr.name", str("Bob Smith <sip:b@c>"), str("Bob Smith"), false},
		{"first of a list", "nameaddr.uri", two, str("sip:test@opensips.org"), false},
		{"index 1", "nameaddr.1.uri", two, str("sip:bob@b.example"), false},
		{"index -1 param", "nameaddr.-1.param,expires", two, str("60"), false},
		{"index var", "nameaddr.$var(n).uri", two, null, false},
		{"index out of range is null", "nameaddr.2.name", two, null, false},
		{"unterminated", "nameaddr.uri", str(`"x <sip:a@b>`), null, true},
		{"no closing bracket", "nameaddr.uri", str(`<sip:a@b`), null, true},
	})
}

func TestCSVTransformations(t *testing.T) {
	runTransCases(t, []transCase{
		{"count doc", "csv.count", str("a,b,c"), both(3, "3"), false},
		{"count trailing empty field", "csv.count", str("a,b,"), both(3, "3"), false},
		{"value doc", "csv.value,2", str("a,b,c"), str("c"), false},
		{"value negative", "csv.value,-3", str("a,b,c"), str("a"), false},
		{"value quoted", "csv.value,1", str(`a,"b,""x""",c`), str(`b,"x"`), false},
		{"value out of range", "csv.value,3", str("a,b,c"), null, true},
		{"value var index", "csv.value,$var(n)", str("a,b,c"), str("c"), false},
		{"bad quote", "csv.count", str(`"a`), null, true},
	})
}

func TestIPTransformations(t *testing.T) {
	runTransCases(t, []transCase{
		{"pton v4", "ip.pton", str("10.0.0.1"), str("\x0a\x00\x00\x01"), false},
		{"pton bad", "ip.pton", str("10.0.0"), null, true},
		{"ntop v4", "ip.ntop", str("\x0a\x00\x00\x01"), str("10.0.0.1"), false},
		{"ntop v6", "ip.ntop", str("\x20\x01\x0d\xb8" + "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"), str("2001:db8::1"), false},
		{"ntop bad length", "ip.ntop", str("abc"), null, true},
		{"family INET", "ip.family", str("\x0a\x00\x00\x01"), str("INET"), false},
		{"family INET6", "ip.family", str("0123456789abcdef"), str("INET6"), false},
		{"family bad", "ip.family", str("1.2.3.4"), null, true},
		{"isip", "ip.isip", str("::1"), both(1, "1"), false},
		{"isip brackets", "ip.isip", str("[::1]"), both(1, "1"), false},
		{"isip host name", "ip.isip", str("example.com"), both(0, "0"), false},
		{"isip4", "ip.isip4", str("192.0.2.1"), both(1, "1"), false},
		{"isip4 of v6", "ip.isip4", str("::1"), both(0, "0"), false},
		{"isip6", "ip.isip6", str("2001:db8::1"), both(1, "1"), false},
		{"isprivate 10/8", "ip.isprivate", str("10.1.2.3"), both(1, "1"), false},
		{"isprivate 172.16/12", "ip.isprivate", str("172.31.0.1"), both(1, "1"), false},
		{"isprivate public", "ip.isprivate", str("8.8.8.8"), both(0, "0"), false},
		{"isprivate v6", "ip.isprivate", str("fd00::1"), both(0, "0"), false},
		{"matches", "ip.matches,10.0.0.0/8", str("10.9.8.7"), both(1, "1"), false},
		{"matches unmasked network", "ip.matches,10.1.2.3/8", str("10.9.8.7"), both(1, "1"), false},
		{"no match", "ip.matches,10.0.0.0/8", str("11.0.0.1"), both(0, "0"), false},
		{"matches v6", "ip.matches,2001:db8::/32", str("2001:db8:1::5"), both(1, "1"), false},
		{"matches family mismatch", "ip.matches,10.0.0.0/8", str("::1"), null, true},
		{"matches bad input", "ip.matches,10.0.0.0/8", str("nope"), null, true},
		{"resolve literal", "ip.resolve", str("192.0.2.7"), str("192.0.2.7"), false},
		{"resolve literal v6", "ip.resolve", str("[2001:db8::7]"), str("2001:db8::7"), false},
		{"resolve4 of v6 literal", "ip.resolve4", str("::1"), null, false},
		{"integer input", "ip.isip", num(1), null, true},
	})
}

func TestReSubstTransformation(t *testing.T) {
	runTransCases(t, []transCase{
		{"doc global", "re.subst,/a/A/g", str("abcabc"), str("AbcAbc"), false},
		{"first only", "re.subst,/a/A/", str("abcabc"), str("Abcabc"), false},
		{"groups", `re.subst,/(b)(c)/\2\1/`, str("abcabc"), str("acbabc"), false},
		{"whole match", `re.subst,/b+/[\0]/g`, str("abbcb"), str("a[bb]c[b]"), false},
		{"ignore case", "re.subst,/A/x/gi", str("aA"), str("xx"), false},
		{"no match keeps value", "re.subst,/z/x/", str("abc"), str("abc"), false},
		{"other delimiter with slash", "re.subst,#/#-#g", str("a/b/c"), str("a-b-c"), false},
		{"escaped delimiter", `re.subst,/\//-/g`, str("a/b"), str("a-b"), false},
		{"commas in expression", "re.subst,/,/;/g", str("a,b,c"), str("a;b;c"), false},
		{"escaped braces", `re.subst,/a\{2\}/x/`, str("aaa"), str("xa"), false},
		{"variable in replacement", "re.subst,/b/$var(key)/", str("abc"), str("akeyc"), false},
		{"escapes in replacement", `re.subst,/b/\t\$/`, str("abc"), str("a\t$c"), false},
		{"line anchors by default", "re.subst,/^b/x/g", str("a\nb"), str("a\nx"), false},
		{"integer input", "re.subst,/1/2/", num(1), null, true},
	})
}

func TestReSubstFromVariable(t *testing.T) {
	p := newTransParser()
	tr, err := p.parseTransformation("re.subst,$var(re)")
	if err != nil {
		t.Fatal(err)
	}
	ctx := newTransContext()
	for _, tc := range []struct{ re, in, want string }{
		{"/a/b/g", "aa", "bb"},
		{"/a/c/", "aa", "ca"},
		{"/a/c/", "xa", "xc"},
	} {
		ctx.Vars.Set("re", engine.Str(tc.re))
		got, err := tr(ctx, engine.Str(tc.in))
		if err != nil || got != engine.Str(tc.want) {
			t.Errorf("re.subst %s on %q = %#v, %v; want %q", tc.re, tc.in, got, err, tc.want)
		}
	}
	ctx.Vars.Set("re", engine.Str("/(/x/"))
	if _, err := tr(ctx, engine.Str("a")); err == nil {
		t.Error("re.subst with a bad expression in a variable: no error")
	}
}
