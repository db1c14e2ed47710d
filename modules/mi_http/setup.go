package mi_http

import (
	"fmt"
	"strings"
	"sync"

	"switchboard/core"
	"switchboard/engine"
)

func init() {
	core.Register(&engine.Module{
		Name: "mi_http",
		Deps: []string{"httpd"},
		Params: []engine.Param{
			{Name: "root", Kind: engine.ParamStr, Set: func(v engine.Value) error {
				root := strings.Trim(v.String(), "/")
				if root == "" || strings.Contains(root, "/") {
					return fmt.Errorf("root must be one path segment such as \"mi\", not %q", v.String())
				}
				mu.Lock()
				pendingRoot = root
				mu.Unlock()
				return nil
			}},
		},
		Init:     start,
		Shutdown: stop,
	})
}

var (
	mu sync.Mutex
	// pendingRoot is the root of the script being loaded; mounted is
	// the one being served.
	pendingRoot = "mi"
	mounted     string
)

func start() error {
	mu.Lock()
	defer mu.Unlock()
	if mounted != "" {
		core.HTTPUnhandle(mounted)
	}
	mounted, pendingRoot = pendingRoot, "mi"
	core.HTTPHandle(mounted, Handler(core.MIRegistry))
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
