package builtin

import (
	"time"

	"switchboard/cachedb"
	"switchboard/engine"
)

// The cache_* functions reach a cachedb connection by storage id: "local"
// (always there) or "scheme:group" for one a cachedb_url opened. Return
// codes follow OpenSIPS's cachedb layer: 1 done, -1 error or unknown
// storage id, -2 key not found.

func engineFor(a engine.Arg) (cachedb.Engine, bool) {
	return cachedb.Lookup(a.Str)
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

func cacheFunctions() []engine.Function {
	s := engine.ArgSpec{Kind: engine.ArgStr}
	return []engine.Function{
		{Name: "cache_store", Args: []engine.ArgSpec{s, s, s, {Kind: engine.ArgInt, Optional: true}},
			Run: func(_ *engine.Context, a []engine.Arg) int {
				e, ok := engineFor(a[0])
				if !ok || a[1].Str == "" {
					return -1
				}
				ttl := 0
				if t := opt(a, 3); t.Set {
					ttl = t.Int
				}
				if e.Set(a[1].Str, a[2].Str, seconds(ttl)) != nil {
					return -1
				}
				return 1
			}},
		{Name: "cache_remove", Args: []engine.ArgSpec{s, s},
			Run: func(_ *engine.Context, a []engine.Arg) int {
				e, ok := engineFor(a[0])
				if !ok || a[1].Str == "" || e.Remove(a[1].Str) != nil {
					return -1
				}
				return 1
			}},
		{Name: "cache_fetch", Args: []engine.ArgSpec{s, s, {Kind: engine.ArgVar}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				e, ok := engineFor(a[0])
				if !ok || a[1].Str == "" || a[2].Var == nil {
					return -1
				}
				v, found, err := e.Get(a[1].Str)
				switch {
				case err != nil:
					return -1
				case !found:
					return -2
				}
				if a[2].Var.Set(ctx, engine.Str(v), false) != nil {
					return -1
				}
				return 1
			}},
		{Name: "cache_counter_fetch", Args: []engine.ArgSpec{s, s, {Kind: engine.ArgVar}},
			Run: func(ctx *engine.Context, a []engine.Arg) int {
				e, ok := engineFor(a[0])
				if !ok || a[1].Str == "" || a[2].Var == nil {
					return -1
				}
				n, found, err := e.GetCounter(a[1].Str)
				switch {
				case err != nil:
					return -1
				case !found:
					return -2
				}
				if a[2].Var.Set(ctx, engine.Int(n), false) != nil {
					return -1
				}
				return 1
			}},
		counterFunction("cache_add", cachedb.Engine.Add),
		counterFunction("cache_sub", cachedb.Engine.Sub),
	}
}

// counterFunction is cache_add / cache_sub(storage_id, attr, delta,
// expire, [new_val]).
func counterFunction(name string, op func(cachedb.Engine, string, int, time.Duration) (int, error)) engine.Function {
	s := engine.ArgSpec{Kind: engine.ArgStr}
	n := engine.ArgSpec{Kind: engine.ArgInt}
	return engine.Function{Name: name,
		Args: []engine.ArgSpec{s, s, n, n, {Kind: engine.ArgVar, Optional: true}},
		Run: func(ctx *engine.Context, a []engine.Arg) int {
			e, ok := engineFor(a[0])
			if !ok || a[1].Str == "" {
				return -1
			}
			v, err := op(e, a[1].Str, a[2].Int, seconds(a[3].Int))
			if err != nil {
				return -1
			}
			if out := opt(a, 4); out.Set && out.Var != nil {
				if out.Var.Set(ctx, engine.Int(v), false) != nil {
					return -1
				}
			}
			return 1
		}}
}
