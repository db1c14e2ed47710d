package engine

import "testing"

func TestParamHelpers(t *testing.T) {
	var s string
	var n int
	var b bool
	str := StrParam("s", func(v string) error { s = v; return nil })
	num := IntParam("n", func(v int) error { n = v; return nil })
	flag := BoolParam("b", func(v bool) { b = v })
	if str.Kind != ParamStr || num.Kind != ParamInt || flag.Kind != ParamInt {
		t.Fatalf("kinds = %v %v %v", str.Kind, num.Kind, flag.Kind)
	}
	cases := []struct {
		p     Param
		v     Value
		check func() bool
	}{
		{str, Str("udp:127.0.0.1:8080"), func() bool { return s == "udp:127.0.0.1:8080" }},
		{num, Int(42), func() bool { return n == 42 }},
		{flag, Int(2), func() bool { return b }},
		{flag, Int(0), func() bool { return !b }},
	}
	for i, c := range cases {
		if err := c.p.Set(c.v); err != nil || !c.check() {
			t.Errorf("case %d: Set(%v) = %v; s=%q n=%d b=%v", i, c.v, err, s, n, b)
		}
	}
}
