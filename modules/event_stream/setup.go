package event_stream

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
		Name: "event_stream",
		Params: []engine.Param{
			engine.BoolParam("reliable_mode", func(on bool) { pending.ReliableMode = on }),
			engine.IntParam("timeout", func(ms int) error {
				if ms <= 0 {
					return fmt.Errorf("timeout must be positive (milliseconds), not %d", ms)
				}
				pending.Timeout = time.Duration(ms) * time.Millisecond
				return nil
			}),
			engine.StrParam("event_param", func(s string) error {
				if s == "" {
					return fmt.Errorf("event_param must not be empty")
				}
				pending.EventParam = s
				return nil
			}),
		},
		Init:     start,
		Shutdown: stop,
	})
}

var (
	// pending collects the modparams of the script being loaded; start
	// consumes and resets it.
	pending = DefaultConfig()

	mu      sync.Mutex
	running *Backend
)

// start makes the tcp: scheme available with the script's parameters.
func start() error {
	mu.Lock()
	defer mu.Unlock()
	cfg := pending
	pending = DefaultConfig()
	if running != nil {
		events.Default.UnregisterBackend(running.Scheme())
	}
	running = NewBackend(cfg)
	return events.Default.RegisterBackend(running)
}

// stop removes the scheme and its subscribers.
func stop() {
	mu.Lock()
	defer mu.Unlock()
	if running != nil {
		events.Default.UnregisterBackend(running.Scheme())
		running = nil
	}
}
