package mi_datagram

import (
	"errors"
	"fmt"
	"log/slog"
	"os/user"
	"strconv"
	"sync"
	"time"

	"switchboard/core"
	"switchboard/engine"
)

func init() {
	core.Register(&engine.Module{
		Name: "mi_datagram",
		Params: []engine.Param{
			engine.StrParam("socket_name", func(s string) error {
				if _, _, err := parseSocket(s); err != nil {
					return err
				}
				pending.Socket = s
				return nil
			}),
			engine.IntParam("children_count", func(n int) error {
				if n < 1 || n > 64 {
					return fmt.Errorf("children_count must be 1..64, not %d", n)
				}
				pending.Workers = n
				return nil
			}),
			engine.IntParam("unix_socket_mode", func(n int) error {
				if n < 0 || n > 0o777 {
					return fmt.Errorf("unix_socket_mode must be a permission mode such as 0660")
				}
				pending.UnixMode = uint32(n)
				return nil
			}),
			engine.StrParam("unix_socket_user", func(s string) error { return lookupID(s, &pending.UnixUID, false) }),
			engine.StrParam("unix_socket_group", func(s string) error { return lookupID(s, &pending.UnixGID, true) }),
			engine.IntParam("socket_timeout", func(n int) error {
				if n <= 0 {
					return fmt.Errorf("socket_timeout must be positive (milliseconds), not %d", n)
				}
				pending.Timeout = time.Duration(n) * time.Millisecond
				return nil
			}),
		},
		Init:     start,
		Shutdown: stop,
	})
}

// lookupID takes a numeric id or a user (group) name.
func lookupID(s string, dst *int, group bool) error {
	if n, err := strconv.Atoi(s); err == nil {
		*dst = n
		return nil
	}
	var id string
	if group {
		g, err := user.LookupGroup(s)
		if err != nil {
			return err
		}
		id = g.Gid
	} else {
		u, err := user.Lookup(s)
		if err != nil {
			return err
		}
		id = u.Uid
	}
	n, err := strconv.Atoi(id)
	if err != nil {
		return fmt.Errorf("%s: not a numeric id: %s", s, id)
	}
	*dst = n
	return nil
}

var (
	// pending collects the modparams of the script being loaded; start
	// consumes and resets it.
	pending = DefaultConfig()

	mu      sync.Mutex
	running *Server
)

func start() error {
	mu.Lock()
	defer mu.Unlock()
	cfg := pending
	pending = DefaultConfig()
	if cfg.Socket == "" {
		return errors.New("socket_name is not set: modparam(\"mi_datagram\", \"socket_name\", \"udp:127.0.0.1:8080\")")
	}
	if running != nil {
		running.Close()
	}
	srv, err := Listen(cfg, core.MIRegistry, slog.Default().With("module", "mi_datagram"))
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
