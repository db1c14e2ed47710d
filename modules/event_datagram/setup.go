package event_datagram

import (
	"errors"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/events"
)

func init() {
	core.Register(&engine.Module{
		Name:     "event_datagram",
		Init:     start,
		Shutdown: stop,
	})
}

// start makes the udp: and unix: schemes available to subscribers.
func start() error {
	stop() // a previous server of this process that did not stop
	return errors.Join(events.Default.RegisterBackend(UDP), events.Default.RegisterBackend(Unix))
}

// stop removes the schemes and their subscribers.
func stop() {
	events.Default.UnregisterBackend(UDP.Scheme())
	events.Default.UnregisterBackend(Unix.Scheme())
}
