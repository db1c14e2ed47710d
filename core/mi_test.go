package core

import (
	"context"
	"strings"
	"testing"

	"switchboard/engine"
	"switchboard/mi"
)

func TestCoreMICommands(t *testing.T) {
	reg := newMIRegistry(nil, nil)
	cases := []struct{ name, req, want string }{
		{"uptime", `{"jsonrpc":"2.0","id":1,"method":"uptime"}`, `"result":{"Now":"`},
		{"version", `{"jsonrpc":"2.0","id":1,"method":"version"}`, `"result":{"Server":"switchboard `},
		{"pwd", `{"jsonrpc":"2.0","id":1,"method":"pwd"}`, `"result":{"WD":"/`},
		{"arg", `{"jsonrpc":"2.0","id":1,"method":"arg"}`, `"result":["`},
		{"which", `{"jsonrpc":"2.0","id":1,"method":"which"}`, `"result":["uptime","version","pwd","arg","which"`},
		{"which command", `{"jsonrpc":"2.0","id":1,"method":"which","params":["log_level"]}`, `"result":[[],["level"],["level","pid"]]`},
		{"which unknown", `{"jsonrpc":"2.0","id":1,"method":"which","params":{"command":"x"}}`, `"error":{"code":404,"message":"unknown MI command"}`},
		{"ps", `{"jsonrpc":"2.0","id":1,"method":"ps"}`, `"result":{"Processes":[{"ID":0,"PID":`},
		{"log_level", `{"jsonrpc":"2.0","id":1,"method":"log_level"}`, `"Log level":2,"Type":"attendant"`},
		{"log_level set without a server", `{"jsonrpc":"2.0","id":1,"method":"log_level","params":[4]}`, `"code":500,"message":"no server is running"`},
		{"help", `{"jsonrpc":"2.0","id":1,"method":"help"}`, `"result":"Usage: help mi_cmd - returns information about 'mi_cmd'"`},
		{"help command", `{"jsonrpc":"2.0","id":1,"method":"help","params":["pwd"]}`, `"Exported by":"core"`},
		{"reload without a server", `{"jsonrpc":"2.0","id":1,"method":"reload_routes"}`, `"code":500,"message":"reload failed"`},
		{"cache_store", `{"jsonrpc":"2.0","id":1,"method":"cache_store","params":["local","k","v","60"]}`, `"result":"OK"`},
		{"cache_fetch", `{"jsonrpc":"2.0","id":1,"method":"cache_fetch","params":{"system":"local","attr":"k"}}`, `"result":{"key":"k","value":"v"}`},
		{"cache_remove", `{"jsonrpc":"2.0","id":1,"method":"cache_remove","params":["local","k"]}`, `"result":"OK"`},
		{"cache_fetch missing", `{"jsonrpc":"2.0","id":1,"method":"cache_fetch","params":["local","k"]}`, `"error":{"code":400,"message":"Value not found"}`},
		{"cache_store empty value", `{"jsonrpc":"2.0","id":1,"method":"cache_store","params":["local","k",""]}`, `"data":"Empty value"`},
		{"cache_store negative expire", `{"jsonrpc":"2.0","id":1,"method":"cache_store","params":["local","k","v",-1]}`, `"data":"Negative expire value"`},
		{"cache unknown system", `{"jsonrpc":"2.0","id":1,"method":"cache_fetch","params":["redis:nope","k"]}`, `"code":500,"message":"Cache fetch command failed"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(mi.Dispatch(context.Background(), reg, []byte(c.req)))
			if !strings.Contains(got, c.want) {
				t.Errorf("reply %s\nwant it to contain %s", got, c.want)
			}
		})
	}
}

func TestMIRegistryModules(t *testing.T) {
	run := func(context.Context, engine.MIParams) (any, error) { return "OK", nil }
	a := &engine.Module{Name: "a", MI: []engine.MICommand{{Name: "a_list", Run: run}}}
	reg := newMIRegistry(nil, []*engine.Module{a})
	if c, ok := reg.Lookup("a_list"); !ok || c.Module != "a" {
		t.Errorf("a_list: %v %v", c, ok)
	}
	t.Run("duplicate of a core command panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("no panic")
			}
		}()
		newMIRegistry(nil, []*engine.Module{{Name: "b", MI: []engine.MICommand{{Name: "uptime", Run: run}}}})
	})
	t.Run("compiled-in modules do not collide", func(t *testing.T) {
		var mods []*engine.Module
		for _, name := range Modules.ModuleNames() {
			m, _ := Modules.Module(name)
			mods = append(mods, m)
		}
		newMIRegistry(nil, mods)
	})
}
