package event_virtual

import (
	"fmt"
	"sync"
	"time"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/events"
)

func init() {
	core.Register(&engine.Module{
		Name: "event_virtual",
		Params: []engine.Param{
			engine.IntParam("failover_timeout", func(n int) error {
				if n < 0 {
					return fmt.Errorf("failover_timeout must be seconds, not %d", n)
				}
				pendingTimeout = time.Duration(n) * time.Second
				return nil
			}),
		},
		Init:     start,
		Shutdown: stop,
	})
}

// defaultFailoverTimeout is OpenSIPS's failover_timeout.
const defaultFailoverTimeout = 30 * time.Second

var (
	// pendingTimeout is the failover_timeout of the script being loaded;
	// start consumes and resets it.
	pendingTimeout = defaultFailoverTimeout

	mu      sync.Mutex
	running bool
)

func start() error {
	mu.Lock()
	defer mu.Unlock()
	timeout := pendingTimeout
	pendingTimeout = defaultFailoverTimeout
	if running {
		events.Default.UnregisterBackend(Scheme)
	}
	if err := events.Default.RegisterBackend(NewBackend(events.Default, timeout)); err != nil {
		return err
	}
	running = true
	return nil
}

func stop() {
	mu.Lock()
	defer mu.Unlock()
	if running {
		events.Default.UnregisterBackend(Scheme)
		running = false
	}
}
