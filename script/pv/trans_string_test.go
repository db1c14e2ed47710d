package pv

import (
	"testing"

	"switchboard/engine"
)

func TestStringTransformations(t *testing.T) {
	runTransCases(t, []transCase{
		{"len doc abc", "s.len", str("abc"), both(3, "3"), false},
		{"len of integer", "s.len", num(-12), both(3, "3"), false},
		{"int doc 1234", "s.int", str("1234"), both(1234, "1234"), false},
		{"int prefix", "s.int", str("-12ab"), both(-12, "-12"), false},
		{"int not a number is 0", "s.int", str("ab"), both(0, "0"), false},
		{"md5", "s.md5", str(""), str("d41d8cd98f00b204e9800998ecf8427e"), false},
		{"crc32 check value", "s.crc32", str("123456789"), str("3421780262"), false},
		{"reverse doc", "s.reverse", str("abcd"), str("dcba"), false},
		{"substr doc 1,0", "s.substr,1,0", str("abcd"), str("bcd"), false},
		{"substr length", "s.substr,1,2", str("abcd"), str("bc"), false},
		{"substr negative offset", "s.substr,-2,1", str("abcd"), str("c"), false},
		{"substr negative length", "s.substr,0,-1", str("abcd"), str("abc"), false},
		{"substr length past end", "s.substr,2,10", str("abcd"), str("cd"), false},
		{"substr offset past end", "s.substr,4,1", str("abcd"), null, true},
		{"substr negative offset too far", "s.substr,-5,1", str("abcd"), null, true},
		{"substr var offset", "s.substr,$var(n),0", str("abcd"), str("cd"), false},
		{"substr of integer", "s.substr,1,1", num(123), str("2"), false},
		{"select doc 1", "s.select,1,,", str("12,34,56"), str("34"), false},
		{"select doc -2", "s.select,-2,,", str("12,34,56"), str("34"), false},
		{"select first", "s.select,0,;", str("a;b"), str("a"), false},
		{"select missing is null", "s.select,5,,", str("a,b"), null, false},
		{"select var index", "s.select,$var(n),.", str("a.b.c"), str("c"), false},
		{"encode.hexa", "s.encode.hexa", str("a\xff"), str("61ff"), false},
		{"decode.hexa", "s.decode.hexa", str("61FF"), str("a\xff"), false},
		{"decode.hexa bad", "s.decode.hexa", str("zz"), null, true},
		{"escape.common", "s.escape.common", str(`a'b"c\` + "\x00"), str(`a\'b\"c\\\0`), false},
		{"unescape.common", "s.unescape.common", str(`a\'b\"c\\\0`), str(`a'b"c\` + "\x00"), false},
		{"escape.user", "s.escape.user", str("a b@c"), str("a%20b%40c"), false},
		{"unescape.user", "s.unescape.user", str("a%20b%40c"), str("a b@c"), false},
		{"unescape.user bad", "s.unescape.user", str("a%2"), null, true},
		{"escape.param", "s.escape.param", str("a;b=c"), str("a%3Bb%3Dc"), false},
		{"unescape.param", "s.unescape.param", str("a%3Bb"), str("a;b"), false},
		{"tolower", "s.tolower", str("AbC-1"), str("abc-1"), false},
		{"toupper", "s.toupper", str("AbC-1"), str("ABC-1"), false},
		{"toupper integer keeps int", "s.toupper", num(7), both(7, "7"), false},
		{"index doc one", "s.index,one", str("onetwothreeone"), both(0, "0"), false},
		{"index doc one,1", "s.index,one,1", str("onetwothreeone"), both(11, "11"), false},
		{"index doc one,-3", "s.index,one,-3", str("onetwothreeone"), both(11, "11"), false},
		{"index not found is null", "s.index,four", str("onetwothreeone"), null, false},
		{"index var start", "s.index,e,$var(n)", str("onetwothree"), both(2, "2"), false},
		{"rindex doc one", "s.rindex,one", str("onetwothreeone"), both(11, "11"), false},
		{"rindex doc one,-4", "s.rindex,one,-4", str("onetwothreeone"), both(0, "0"), false},
		{"rindex needle too long", "s.rindex,abc", str("ab"), null, false},
		{"fill.left doc", "s.fill.left,0,4", num(17), str("0017"), false},
		{"fill.right doc", "s.fill.right,0,4", num(17), str("1700"), false},
		{"fill.left string pad", "s.fill.left,ab,5", str("12"), str("bab12"), false},
		{"fill.right string pad", "s.fill.right,ab,5", str("12"), str("12aba"), false},
		{"fill.left quoted space", "s.fill.left,' ',3", str("1"), str("  1"), false},
		{"fill no need", "s.fill.left,0,2", str("123"), str("123"), false},
		{"width cut", "s.width,3", str("abcde"), str("abc"), false},
		{"width pad", "s.width,7", str("abcde"), str("abcde  "), false},
		{"trim", "s.trim", str(" \tab c\r\n"), str("ab c"), false},
		{"trimr", "s.trimr", str(" ab "), str(" ab"), false},
		{"triml", "s.triml", str(" ab "), str("ab "), false},
		{"dec2hex", "s.dec2hex", str("255"), str("ff"), false},
		{"dec2hex integer", "s.dec2hex", num(10), str("a"), false},
		{"dec2hex negative", "s.dec2hex", num(-1), str("ffffffff"), false},
		{"dec2hex bad", "s.dec2hex", str("x"), null, true},
		{"hex2dec", "s.hex2dec", str("ff"), both(255, "255"), false},
		{"hex2dec bad", "s.hex2dec", str("fg"), null, true},
		{"b64encode", "s.b64encode", str("abc"), str("YWJj"), false},
		{"b64decode", "s.b64decode", str("YWJjZA=="), str("abcd"), false},
		{"b64decode unpadded", "s.b64decode", str("YWJjZA"), str("abcd"), false},
		{"b64decode bad", "s.b64decode", str("*"), null, true},
		{"xor with a one-byte secret", "s.xor,k", str("\x0a\x0e"), str("a" + "e"), false},
		{"date2unix RFC 2616 example", "s.date2unix", str("Sun, 06 Nov 1994 08:49:37 GMT"), str("784111777"), false},
		{"date2unix bad", "s.date2unix", str("yesterday"), null, true},
		{"date2unix integer", "s.date2unix", num(1), null, true},
		{"sha1", "s.sha1", str("abc"), str("a9993e364706816aba3e25717850c26c9cd0d89d"), false},
		{"sha224", "s.sha224", str("abc"), str("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"), false},
		{"sha256", "s.sha256", str("abc"), str("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), false},
		{"sha384", "s.sha384", str("abc"), str("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"), false},
		{"sha512", "s.sha512", str("abc"), str("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"), false},
		{"sha256_hmac", "s.sha256_hmac,key", str("The quick brown fox jumps over the lazy dog"),
			str("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"), false},
		{"sha1_hmac var key", "s.sha1_hmac,$var(key)", str("The quick brown fox jumps over the lazy dog"),
			str("de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9"), false},
	})
}

func TestStringTransformationVarArgs(t *testing.T) {
	p := newTransParser()
	tr, err := p.parseTransformation("s.substr,$var(bad),1")
	if err != nil {
		t.Fatal(err)
	}
	ctx := newTransContext()
	ctx.Vars.Set("bad", engine.Str("x"))
	if got, err := tr(ctx, str("abc")); err == nil {
		t.Errorf("substr with a non-numeric variable offset = %#v, want an error", got)
	}
	tr, err = p.parseTransformation("s.xor,$var(empty)")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := tr(ctx, str("abc")); err == nil {
		t.Errorf("xor with an unset variable secret = %#v, want an error", got)
	}
}
