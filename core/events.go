package core

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"

	"switchboard/core/builtin"
	"switchboard/engine"
	"switchboard/events"
	"switchboard/script/ast"
	"switchboard/transport"
)

// The core's events, published at start-up like OpenSIPS's
// evi_register_core, so they are listed first and exist whatever the
// script loads.
var (
	evThreshold     = events.Default.MustPublish("E_CORE_THRESHOLD", builtin.CoreEvents[0].Params...)
	evSHMThreshold  = events.Default.MustPublish("E_CORE_SHM_THRESHOLD", builtin.CoreEvents[1].Params...)
	evTCPDisconnect = events.Default.MustPublish("E_CORE_TCP_DISCONNECT", builtin.CoreEvents[2].Params...)
	evLog           = events.Default.MustPublish("E_CORE_LOG", builtin.CoreEvents[3].Params...)
	_               = events.Default.MustPublish("E_CORE_SR_STATUS_CHANGED", builtin.CoreEvents[4].Params...) // raised by package status
)

// publishEvents publishes the events the loaded modules declare.
func publishEvents(mods []*engine.Module) error {
	for _, m := range mods {
		for _, spec := range m.Events {
			if _, err := events.Default.Publish(spec.Name, spec.Params...); err != nil {
				return fmt.Errorf("module %s: %w", m.Name, err)
			}
		}
	}
	return nil
}

// startEvents registers the event_route backend ("route:") and
// subscribes every event_route of the script, then starts the memory
// watch of event_shm_threshold.
func (s *Server) startEvents() error {
	s.routes = &routeBackend{s: s}
	if err := events.Default.RegisterBackend(s.routes); err != nil {
		return err
	}
	if err := s.subscribeEventRoutes(); err != nil {
		return err
	}
	if s.cfg.EventSHMThreshold > 0 {
		limit, source := memoryLimit()
		s.log.Core.Info("event_shm_threshold measures memory use against the limit", "limit", limit, "from", source,
			"threshold_percent", s.cfg.EventSHMThreshold)
		s.stopMemWatch = make(chan struct{})
		s.timers.Add(1)
		go s.watchMemory(limit, time.Second)
	}
	return nil
}

// stopEvents drops the event_route subscriptions and the memory watch.
func (s *Server) stopEvents() {
	if s.stopMemWatch != nil {
		close(s.stopMemWatch)
		s.stopMemWatch = nil
	}
	if s.routes != nil {
		events.Default.UnregisterBackend(s.routes.Scheme())
		s.routes = nil
	}
}

// subscribeEventRoutes subscribes each event_route[E_X] of the running
// program as "route:E_X", never expiring, publishing E_X first when it is
// the script's own event (OpenSIPS evi_register_core).
func (s *Server) subscribeEventRoutes() error {
	var errs []error
	for name := range s.script.Current().Program.Routes[ast.EventRoute] {
		if _, err := events.Default.Publish(name); err != nil {
			errs = append(errs, fmt.Errorf("event_route[%s]: %w", name, err))
			continue
		}
		if err := events.Default.Subscribe(name, "route:"+name, 0); err != nil {
			errs = append(errs, fmt.Errorf("event_route[%s]: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// resubscribeEventRoutes follows a reload: the routes of the new program
// replace the old ones, with their new modes.
func (s *Server) resubscribeEventRoutes() error {
	if s.routes == nil {
		return nil
	}
	events.Default.UnregisterBackend(s.routes.Scheme())
	if err := events.Default.RegisterBackend(s.routes); err != nil {
		return err
	}
	return s.subscribeEventRoutes()
}

// routeBackend serves "route:NAME" sockets: the script's event_route
// blocks. event_route[E_X] and event_route[E_X, async] run on their
// subscriber's goroutine, apart from the raiser, as OpenSIPS 3.x
// dispatches them to another process; event_route[E_X, sync] runs in the
// goroutine that raised the event, before the raise returns.
type routeBackend struct{ s *Server }

func (b *routeBackend) Scheme() string { return "route" }

func (b *routeBackend) Parse(addr string) (events.Socket, error) {
	r, ok := b.s.script.Current().Program.Route(ast.EventRoute, addr)
	if !ok {
		return nil, fmt.Errorf("no event_route[%s] in the script", addr)
	}
	// OpenSIPS 3.x runs every event_route apart from the raiser (another
	// process); "sync" (OpenSIPS 2.x syntax) runs it in the raiser's
	// goroutine.
	return &routeSocket{b: b, name: addr, async: r.Mode != "sync"}, nil
}

type routeSocket struct {
	b     *routeBackend
	name  string
	async bool
}

func (r *routeSocket) String() string { return r.name }
func (r *routeSocket) Sync() bool     { return !r.async }
func (r *routeSocket) Close() error   { return nil }

func (r *routeSocket) Match(other events.Socket) bool {
	o, ok := other.(*routeSocket)
	return ok && o.name == r.name
}

// Send runs the event_route of the program of the moment (a reload
// applies to the next event) with the event's parameters as $param.
func (r *routeSocket) Send(_ context.Context, ev *events.Raised) error {
	s := r.b.s
	route, ok := s.script.Current().Program.Route(ast.EventRoute, r.name)
	if !ok {
		return fmt.Errorf("event_route[%s] is no longer in the script", r.name)
	}
	ctx := s.context()
	defer s.contexts.Put(ctx)
	ctx.Reset(nil, engine.EventRoute)
	// What the route logs raises no E_CORE_LOG (OpenSIPS's
	// suppress_proc_log_event around event_routes).
	prevLog := ctx.Log
	defer func() { ctx.Log = prevLog }()
	ctx.Log = s.log.quietScript()
	ctx.MsgID = s.msgID.Add(1)
	ctx.EventDepth = ev.Depth + 1
	ctx.Params = make([]engine.Value, len(ev.Params))
	ctx.ParamNames = make([]string, len(ev.Params))
	for i, p := range ev.Params {
		ctx.ParamNames[i] = p.Name
		switch v := p.Value.(type) {
		case string:
			ctx.Params[i] = engine.Str(v)
		case int:
			ctx.Params[i] = engine.Int(v)
		}
	}
	route.Run(ctx)
	return nil
}

var _ events.SyncSocket = (*routeSocket)(nil)

// msgThreshold raises E_CORE_THRESHOLD when processing a message took
// longer than exec_msg_threshold, and logs it as OpenSIPS does.
func (s *Server) msgThreshold(start time.Time, msg []byte) {
	took := time.Since(start)
	us := int(took / time.Microsecond)
	if us <= s.cfg.ExecMsgThreshold {
		return
	}
	first, _, _ := strings.Cut(string(msg), "\n")
	s.log.Core.Warn(fmt.Sprintf("threshold exceeded : msg processing took too long - %d us. Source : %s",
		us, strings.TrimSpace(first)))
	if evThreshold.Active() {
		evThreshold.Raise(events.Params{{Name: "source", Value: "msg processing"},
			{Name: "time", Value: us}, {Name: "extra", Value: string(msg)}})
	}
}

// dnsThreshold is the resolver's SlowQuery hook for exec_dns_threshold.
func (s *Server) dnsThreshold(name string, took time.Duration) {
	us := int(took / time.Microsecond)
	s.log.Core.Warn(fmt.Sprintf("threshold exceeded : dns took too long - %d us. Source : %s", us, name))
	if evThreshold.Active() {
		evThreshold.Raise(events.Params{{Name: "source", Value: "dns"},
			{Name: "time", Value: us}, {Name: "extra", Value: name}})
	}
}

// tcpClosed is the transport's OnClose hook: E_CORE_TCP_DISCONNECT with
// the peer as source and our socket as destination, as OpenSIPS's
// tcp_disconnect_event_raise fills them.
func tcpClosed(c *transport.Conn) {
	if !evTCPDisconnect.Active() {
		return
	}
	local := c.Socket.Local
	evTCPDisconnect.Raise(events.Params{
		{Name: "src_ip", Value: c.Remote.Addr().Unmap().String()}, {Name: "src_port", Value: int(c.Remote.Port())},
		{Name: "dst_ip", Value: local.Addr().Unmap().String()}, {Name: "dst_port", Value: int(local.Port())},
		{Name: "proto", Value: c.Socket.Proto().String()},
	})
}

// memoryLimit is what event_shm_threshold measures against, as OpenSIPS
// measures shared memory against its -m size: the Go memory limit
// (GOMEMLIMIT) when one is set, else the cgroup's memory.max, else the
// machine's memory (MemTotal).
func memoryLimit() (int64, string) {
	if l := debug.SetMemoryLimit(-1); l > 0 && l != math.MaxInt64 {
		return l, "GOMEMLIMIT"
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 {
			return n, "cgroup memory.max"
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil && kb > 0 {
					return kb * 1024, "MemTotal"
				}
			}
		}
	}
	return 1 << 30, "default 1 GiB"
}

// memoryInUse is the memory the Go runtime holds from the system and has
// not given back: what GOMEMLIMIT counts.
func memoryInUse() int64 {
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(samples)
	return int64(samples[0].Value.Uint64()) - int64(samples[1].Value.Uint64())
}

// shmShouldRaise is OpenSIPS's shm_threshold_check: raise when usage
// reaches the threshold at a percentage not yet reported, and once more
// when it falls back under it.
func shmShouldRaise(perc, last, threshold int64) bool {
	if perc < threshold {
		return last >= threshold
	}
	return perc != last
}

// watchMemory samples memory use every period and raises
// E_CORE_SHM_THRESHOLD per shmShouldRaise.
func (s *Server) watchMemory(limit int64, period time.Duration) {
	defer s.timers.Done()
	stop := s.stopMemWatch
	threshold := int64(s.cfg.EventSHMThreshold)
	last := int64(0)
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		used := memoryInUse()
		perc := used * 100 / limit
		if !shmShouldRaise(perc, last, threshold) {
			continue
		}
		last = perc
		evSHMThreshold.Raise(events.Params{{Name: "usage", Value: int(perc)}, {Name: "threshold", Value: int(threshold)},
			{Name: "used", Value: int(used)}, {Name: "size", Value: int(limit)}})
	}
}
