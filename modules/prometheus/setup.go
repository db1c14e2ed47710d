package prometheus

import (
	"fmt"
	"strings"
	"sync"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/stats"
)

func init() {
	core.Register(&engine.Module{
		Name: "prometheus",
		Deps: []string{"httpd"},
		Params: []engine.Param{
			strParam("root", func(s string) error {
				root := strings.Trim(s, "/")
				if root == "" || strings.Contains(root, "/") {
					return fmt.Errorf("root must be one path segment such as \"metrics\", not %q", s)
				}
				pending.Root = root
				return nil
			}),
			strParam("prefix", func(s string) error { pending.Prefix = s; return nil }),
			strParam("group_prefix", func(s string) error { pending.GroupPrefix = s; return nil }),
			strParam("delimiter", func(s string) error { pending.Delimiter = s; return nil }),
			strParam("group_label", func(s string) error {
				if sanitize(s) != s || s == "" {
					return fmt.Errorf("group_label must be a label name such as \"group\", not %q", s)
				}
				pending.GroupLabel = s
				return nil
			}),
			{Name: "group_mode", Kind: engine.ParamInt, Set: func(v engine.Value) error {
				n, ok := v.AsInt()
				if !ok || n < GroupNone || n > GroupLabel {
					return fmt.Errorf("group_mode must be 0, 1 or 2")
				}
				mu.Lock()
				defer mu.Unlock()
				pending.GroupMode = n
				return nil
			}},
			// statistics may be given several times; each adds to the list.
			strParam("statistics", func(s string) error {
				pending.Statistics = append(pending.Statistics, strings.Fields(s)...)
				return nil
			}),
			strParam("labels", func(s string) error {
				rule, err := ParseLabelRule(s)
				if err != nil {
					return err
				}
				pending.Labels = append(pending.Labels, rule)
				return nil
			}),
		},
		Init:     start,
		Shutdown: stop,
	})
}

func strParam(name string, set func(string) error) engine.Param {
	return engine.StrParam(name, func(s string) error {
		mu.Lock()
		defer mu.Unlock()
		return set(s)
	})
}

var (
	mu sync.Mutex
	// pending collects the modparams of the script being loaded; start
	// mounts it and starts the next load from the defaults.
	pending = DefaultConfig()
	mounted string
)

func start() error {
	mu.Lock()
	defer mu.Unlock()
	cfg := pending
	pending = DefaultConfig()
	if mounted != "" {
		core.HTTPUnhandle(mounted)
	}
	mounted = cfg.Root
	core.HTTPHandle(cfg.Root, Handler(cfg, stats.Default))
	return nil
}

func stop() {
	mu.Lock()
	defer mu.Unlock()
	if mounted != "" {
		core.HTTPUnhandle(mounted)
		mounted = ""
	}
}
