package mi_fifo

import (
	"fmt"
	"log/slog"
	"os/user"
	"strconv"
	"sync"

	"switchboard/core"
	"switchboard/engine"
)

func init() {
	core.Register(&engine.Module{
		Name: "mi_fifo",
		Params: []engine.Param{
			engine.StrParam("fifo_name", func(s string) error { pending.Path = s; return nil }),
			{Name: "fifo_mode", Kind: engine.ParamInt, Set: func(v engine.Value) error {
				n, ok := v.AsInt()
				if !ok || n < 0 || n > 0o777 {
					return fmt.Errorf("fifo_mode must be a permission mode such as 0660")
				}
				pending.Mode = uint32(n)
				return nil
			}},
			engine.StrParam("fifo_user", func(s string) error { return lookupID(s, &pending.UID, userID) }),
			engine.StrParam("fifo_group", func(s string) error { return lookupID(s, &pending.GID, groupID) }),
			engine.StrParam("reply_dir", func(s string) error { pending.ReplyDir = s; return nil }),
			{Name: "pretty_printing", Kind: engine.ParamInt, Set: func(v engine.Value) error {
				n, _ := v.AsInt()
				pending.Pretty = n != 0
				return nil
			}},
		},
		Init:     start,
		Shutdown: stop,
	})
}

// lookupID takes a numeric id or a user/group name, as OpenSIPS's
// fifo_user and fifo_group do.
func lookupID(s string, dst *int, byName func(string) (string, error)) error {
	if n, err := strconv.Atoi(s); err == nil {
		*dst = n
		return nil
	}
	id, err := byName(s)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(id)
	if err != nil {
		return fmt.Errorf("%s: not a numeric id: %s", s, id)
	}
	*dst = n
	return nil
}

func userID(name string) (string, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return "", err
	}
	return u.Uid, nil
}

func groupID(name string) (string, error) {
	g, err := user.LookupGroup(name)
	if err != nil {
		return "", err
	}
	return g.Gid, nil
}

var (
	// pending collects the modparams of the script being loaded; start
	// consumes it and resets it, so one test's parameters never leak
	// into the next.
	pending = DefaultConfig()

	mu      sync.Mutex
	running *Server
)

// start opens the FIFO and serves it with the running server's commands.
func start() error {
	mu.Lock()
	defer mu.Unlock()
	cfg := pending
	pending = DefaultConfig()
	if running != nil {
		running.Close()
	}
	srv, err := Listen(cfg, core.MIRegistry, slog.Default().With("module", "mi_fifo"))
	if err != nil {
		return err
	}
	running = srv
	return nil
}

func stop() {
	mu.Lock()
	defer mu.Unlock()
	if running != nil {
		running.Close()
		running = nil
	}
}
