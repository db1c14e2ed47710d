package mi

import (
	"context"
	"errors"
	"strings"
	"testing"

	"switchboard/engine"
)

func testRegistry() *Registry {
	reg := NewRegistry()
	echo := func(_ context.Context, p engine.MIParams) (any, error) {
		out := map[string]any{}
		for _, n := range p.Names() {
			out[n], _ = p.Raw(n)
		}
		return out, nil
	}
	reg.Register("test",
		engine.MICommand{Name: "echo", Params: [][]string{nil, {"a"}, {"a", "b"}}, Run: echo},
		engine.MICommand{Name: "twins", Params: [][]string{{"x"}, {"y"}}, Run: echo},
		engine.MICommand{Name: "named", NamedOnly: true, Params: [][]string{{"k"}}, Run: echo},
		engine.MICommand{Name: "int", Params: [][]string{{"n"}}, Run: func(_ context.Context, p engine.MIParams) (any, error) {
			return p.GetInt("n")
		}},
		engine.MICommand{Name: "fail", Run: func(context.Context, engine.MIParams) (any, error) {
			return nil, errors.New("disk on fire")
		}},
		engine.MICommand{Name: "notfound", Run: func(context.Context, engine.MIParams) (any, error) {
			return nil, &engine.MIError{Code: 404, Message: "AOR not found"}
		}},
		engine.MICommand{Name: "panic", Run: func(context.Context, engine.MIParams) (any, error) { panic("bug") }},
		engine.MICommand{Name: "html", Run: func(context.Context, engine.MIParams) (any, error) { return "<sip:a@b>", nil }},
	)
	return reg
}

func TestDispatch(t *testing.T) {
	reg := testRegistry()
	cases := []struct{ name, req, want string }{
		{"no params", `{"jsonrpc":"2.0","method":"echo","id":1}`,
			`{"jsonrpc":"2.0","result":{},"id":1}`},
		{"empty array is no params", `{"jsonrpc":"2.0","method":"echo","params":[],"id":"x"}`,
			`{"jsonrpc":"2.0","result":{},"id":"x"}`},
		{"positional", `{"jsonrpc":"2.0","method":"echo","params":["1",2],"id":1}`,
			`{"jsonrpc":"2.0","result":{"a":"1","b":2},"id":1}`},
		{"named", `{"jsonrpc":"2.0","method":"echo","params":{"b":true,"a":null},"id":1}`,
			`{"jsonrpc":"2.0","result":{"a":null,"b":true},"id":1}`},
		{"null id", `{"jsonrpc":"2.0","method":"echo","id":null}`,
			`{"jsonrpc":"2.0","result":{},"id":null}`},
		{"notification gets no reply", `{"jsonrpc":"2.0","method":"echo"}`, ``},
		{"notification of unknown method gets no reply", `{"jsonrpc":"2.0","method":"nope"}`, ``},
		{"malformed JSON", `{"jsonrpc":"2.0","method":`,
			`{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}`},
		{"trailing garbage", `{"jsonrpc":"2.0","method":"echo","id":1} x`,
			`{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}`},
		{"empty", ``, `{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}`},
		{"wrong version", `{"jsonrpc":"1.0","method":"echo","id":7}`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"jsonrpc must be \"2.0\""},"id":7}`},
		{"missing version", `{"method":"echo","id":7}`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"jsonrpc must be \"2.0\""},"id":7}`},
		{"method not a string", `{"jsonrpc":"2.0","method":5,"id":7}`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"method must be a string"},"id":7}`},
		{"params a string", `{"jsonrpc":"2.0","method":"echo","params":"a","id":7}`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"params must be an array or an object"},"id":7}`},
		{"params null", `{"jsonrpc":"2.0","method":"echo","params":null,"id":7}`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"params must be an array or an object"},"id":7}`},
		{"id an object", `{"jsonrpc":"2.0","method":"echo","id":{}}`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"id must be a string, a number or null"},"id":null}`},
		{"not an object", `"echo"`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"The request must be an object"},"id":null}`},
		{"batch refused", `[{"jsonrpc":"2.0","method":"echo","id":1}]`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"Batch requests are not supported"},"id":null}`},
		{"unknown method", `{"jsonrpc":"2.0","method":"nope","id":"5"}`,
			`{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"5"}`},
		{"too many params", `{"jsonrpc":"2.0","method":"echo","params":[1,2,3],"id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"Too few or too many parameters"},"id":1}`},
		{"named mismatch", `{"jsonrpc":"2.0","method":"echo","params":{"z":1},"id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"Named parameters do not match"},"id":1}`},
		{"ambiguous positional", `{"jsonrpc":"2.0","method":"twins","params":[1],"id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"Ambiguous call, use named parameters instead"},"id":1}`},
		{"ambiguous resolved by name", `{"jsonrpc":"2.0","method":"twins","params":{"y":1},"id":1}`,
			`{"jsonrpc":"2.0","result":{"y":1},"id":1}`},
		{"named only", `{"jsonrpc":"2.0","method":"named","params":["v"],"id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"Command only supports named parameters"},"id":1}`},
		{"int from string", `{"jsonrpc":"2.0","method":"int","params":["42"],"id":1}`,
			`{"jsonrpc":"2.0","result":42,"id":1}`},
		{"int not an int", `{"jsonrpc":"2.0","method":"int","params":[4.5],"id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"Failed to handle parameter n"},"id":1}`},
		{"command error", `{"jsonrpc":"2.0","method":"fail","id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32000,"message":"Server error","data":"disk on fire"},"id":1}`},
		{"command code", `{"jsonrpc":"2.0","method":"notfound","id":1}`,
			`{"jsonrpc":"2.0","error":{"code":404,"message":"AOR not found"},"id":1}`},
		{"panic is an internal error", `{"jsonrpc":"2.0","method":"panic","id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}`},
		{"no HTML escaping", `{"jsonrpc":"2.0","method":"html","id":1}`,
			`{"jsonrpc":"2.0","result":"<sip:a@b>","id":1}`},
		{"oversized", `{"jsonrpc":"2.0","method":"echo","params":["` + strings.Repeat("a", MaxRequestSize) + `"],"id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"Request larger than 65536 bytes"},"id":null}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(Dispatch(context.Background(), reg, []byte(c.req)))
			if got != c.want {
				t.Errorf("Dispatch(%.80s)\n got %s\nwant %s", c.req, got, c.want)
			}
		})
	}
}

func TestRegisterPanics(t *testing.T) {
	run := func(context.Context, engine.MIParams) (any, error) { return nil, nil }
	cases := []struct {
		name string
		cmds []engine.MICommand
	}{
		{"duplicate", []engine.MICommand{{Name: "x", Run: run}, {Name: "x", Run: run}}},
		{"no name", []engine.MICommand{{Run: run}}},
		{"no run", []engine.MICommand{{Name: "y"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("Register did not panic")
				}
			}()
			NewRegistry().Register("m", c.cmds...)
		})
	}
}
