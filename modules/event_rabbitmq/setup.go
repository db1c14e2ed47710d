package event_rabbitmq

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/events"
)

func init() {
	core.Register(&engine.Module{
		Name: "event_rabbitmq",
		Params: []engine.Param{
			engine.IntParam("heartbeat", func(n int) error {
				if n < 0 {
					return fmt.Errorf("heartbeat must be seconds (0 for the broker's), not %d", n)
				}
				pending.opts.Heartbeat = time.Duration(n) * time.Second
				return nil
			}),
			engine.IntParam("connect_timeout", func(n int) error {
				if n <= 0 {
					return fmt.Errorf("connect_timeout must be positive (milliseconds), not %d", n)
				}
				pending.opts.ConnectTimeout = time.Duration(n) * time.Millisecond
				return nil
			}),
			engine.IntParam("timeout", func(n int) error {
				if n < 0 {
					return fmt.Errorf("timeout must be milliseconds (0 for the default), not %d", n)
				}
				pending.opts.Timeout = time.Duration(n) * time.Millisecond
				return nil
			}),
			// The surface inventory lists no modparams of this module, so
			// the script checker cannot say "not supported" by itself:
			// use_tls=0 is the default and accepted, anything else is
			// refused here.
			engine.IntParam("use_tls", func(n int) error {
				if n != 0 {
					return errNoTLS
				}
				return nil
			}),
			engine.StrParam("server_id", func(s string) error {
				srv, err := ParseServer(s)
				if err != nil {
					return err
				}
				for _, have := range pending.servers {
					if have.ID == srv.ID {
						return fmt.Errorf("server_id [%s] defined twice", srv.ID)
					}
				}
				pending.servers = append(pending.servers, srv)
				return nil
			}),
		},
		Functions: []engine.Function{{
			Name: "rabbitmq_publish",
			Args: []engine.ArgSpec{
				{Kind: engine.ArgStr, Fixup: checkServerID},
				{Kind: engine.ArgStr},
				{Kind: engine.ArgStr},
				{Kind: engine.ArgStr, Optional: true},
				{Kind: engine.ArgVar, Optional: true},
				{Kind: engine.ArgVar, Optional: true},
			},
			Routes: engine.AnyRoute,
			Run:    rabbitmqPublish,
		}},
		Init:     start,
		Shutdown: stop,
	})
}

// config is what the modparams of the script being loaded set.
type config struct {
	opts    Options
	servers []Server
}

var (
	// pending collects the modparams of the script being loaded; start
	// consumes and resets it.
	pending = config{opts: DefaultOptions()}

	mu      sync.Mutex
	backend *Backend
	running *servers
)

// drain bounds how long shutdown waits for queued messages.
const drain = 2 * time.Second

func start() error {
	mu.Lock()
	defer mu.Unlock()
	cfg := pending
	pending = config{opts: DefaultOptions()}
	log := slog.Default().With("module", "event_rabbitmq")
	stopLocked()
	b := NewBackend(cfg.opts, log)
	if err := events.Default.RegisterBackend(b); err != nil {
		return err
	}
	backend = b
	running = startServers(cfg.servers, cfg.opts, log)
	return nil
}

func stop() {
	mu.Lock()
	defer mu.Unlock()
	stopLocked()
}

func stopLocked() {
	if backend != nil {
		events.Default.UnregisterBackend(Scheme)
		backend.Close(drain)
		backend = nil
	}
	if running != nil {
		running.close(drain)
		running = nil
	}
}

// checkServerID refuses, at load time, a constant server id no server_id
// modparam defines (OpenSIPS fixup_rmq_server).
func checkServerID(id string) (any, error) {
	mu.Lock()
	defer mu.Unlock()
	for _, srv := range pending.servers {
		if srv.ID == id {
			return id, nil
		}
	}
	if running != nil && running.byID[id] != nil {
		return id, nil
	}
	return nil, fmt.Errorf("unknown server_id %q: define it with modparam(\"event_rabbitmq\", \"server_id\", \"[%s] uri=amqp://...\")", id, id)
}

// lister is what the script's variables offer for reading every value of
// an AVP ($avp(x)[*]).
type lister interface {
	All(ctx *engine.Context) []engine.Value
}

// rabbitmqPublish is rabbitmq_publish(server_id, routing_key, message
// [, content_type [, headers, headers_vals]]). It queues the message on
// the server's connection and returns at once: true when queued, false
// when the arguments are wrong or the queue is full.
func rabbitmqPublish(ctx *engine.Context, args []engine.Arg) int {
	var headers amqp.Table
	if args[4].Set != args[5].Set {
		ctx.Log.Error("rabbitmq_publish: headers and headers_vals go together")
		return -1
	}
	if args[4].Set {
		names, ok1 := args[4].Var.(lister)
		values, ok2 := args[5].Var.(lister)
		if !ok1 || !ok2 {
			ctx.Log.Error("rabbitmq_publish: headers and headers_vals must be AVPs")
			return -1
		}
		n, v := names.All(ctx), values.All(ctx)
		if len(n) != len(v) {
			ctx.Log.Error("rabbitmq_publish: names and values number mismatch", "names", len(n), "values", len(v))
			return -1
		}
		headers = amqp.Table{}
		// AVPs list the newest value first; OpenSIPS walks them the
		// same way and pairs the i-th name with the i-th value.
		for i := range n {
			if v[i].IsInt() && !v[i].IsStr() {
				headers[n[i].String()] = int32(v[i].Int)
			} else {
				headers[n[i].String()] = v[i].String()
			}
		}
	}
	contentType := ""
	if args[3].Set {
		contentType = args[3].Str
	}
	mu.Lock()
	srv := running
	mu.Unlock()
	if err := srv.publish(args[0].Str, args[1].Str, args[2].Str, contentType, headers); err != nil {
		ctx.Log.Error("rabbitmq_publish: " + err.Error())
		return -1
	}
	return 1
}
