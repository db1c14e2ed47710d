package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"switchboard/blacklist"
	"switchboard/engine"
	"switchboard/resolver"
	"switchboard/script/ast"
	"switchboard/sip"
	"switchboard/stats"
	"switchboard/status"
	"switchboard/transport"
)

// Server is a running switchboard: the script, the sockets and the
// receive -> route -> send pipeline.
type Server struct {
	script    *Script
	cfg       Config
	log       *Loggers
	transport *transport.Manager
	resolver  *resolver.Resolver
	onKill    func()
	// blacklists are the destination blacklists; they keep their dynamic
	// rules across reloads (dst_blacklist lines cannot change).
	blacklists *blacklist.Set

	msgID    atomic.Uint64
	contexts sync.Pool
	buffers  sync.Pool
	msgs     sync.Pool // *sip.Msg for received messages

	stopTimers chan struct{}
	timers     sync.WaitGroup

	routes       *routeBackend // event_route subscriptions, while started
	stopMemWatch chan struct{}
}

// ServerOptions say how to start a server.
type ServerOptions struct {
	Load LoadOptions
	// Loggers replaces the loggers the script's parameters ask for (tests,
	// -E).
	Loggers *Loggers
	// Resolver replaces the system DNS resolver (tests).
	Resolver *resolver.Resolver
	// OnKill stops the process gracefully, for the MI command kill
	// (the switchboard command sends itself SIGTERM). Nil: kill is
	// refused.
	OnKill func()
}

// NewServer loads and checks the script at path, runs the modules' init
// hooks and opens the sockets; Start begins processing.
func NewServer(path string, opts ServerOptions) (*Server, error) {
	script, err := NewScript(path, opts.Load)
	if err != nil {
		return nil, err
	}
	return newServer(script, opts)
}

func newServer(script *Script, opts ServerOptions) (*Server, error) {
	status.Core.Set(status.CoreInitializing, "initializing", false)
	status.Core.Report("initializing")
	l := script.Current()
	s := &Server{script: script, cfg: l.Config, log: opts.Loggers, resolver: opts.Resolver, onKill: opts.OnKill}
	if s.log == nil {
		logs, err := OpenLoggers(l.Config, nil, nil)
		if err != nil {
			return nil, err
		}
		s.log = logs
	}
	if err := s.checkSockets(l); err != nil {
		return nil, err
	}
	if len(s.log.consumers) == 0 {
		// Loggers the caller built (tests) have no consumers of their
		// own: E_CORE_LOG still follows the script's parameters.
		own := *s.log
		s.log = &own
		s.log.consumers = []*logConsumer{newLogConsumer("event", nil, !s.cfg.LogEventEnabled, s.cfg.LogEventLevelFilter)}
	}
	s.log = s.log.withLogEvents()
	if s.resolver == nil {
		r, err := resolver.New(resolver.Config{TryIPv6: s.cfg.DNSTryIPv6, TryNAPTR: s.cfg.DNSTryNAPTR,
			SlowThreshold: time.Duration(s.cfg.ExecDNSThreshold) * time.Microsecond, SlowQuery: s.dnsThreshold})
		if err != nil {
			return nil, fmt.Errorf("dns: %w", err)
		}
		s.resolver = r
	}
	blacklists, err := newBlacklists(&s.cfg)
	if err != nil {
		return nil, err
	}
	s.blacklists = blacklists
	if err := publishEvents(l.Program.Modules); err != nil {
		return nil, err
	}
	if err := l.InitModules(); err != nil {
		return nil, err
	}
	s.contexts.New = func() any {
		return &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Sender: s, Log: s.log.Script}
	}
	s.buffers.New = func() any { b := make([]byte, 0, 4096); return &b }
	s.msgs.New = func() any { return new(sip.Msg) }
	s.transport = transport.NewManager(transport.Config{
		TCPConnectTimeout:     time.Duration(s.cfg.TCPConnectTimeoutMS) * time.Millisecond,
		TCPConnectionLifetime: time.Duration(s.cfg.TCPConnectionLifetime) * time.Second,
		TCPMaxConnections:     s.cfg.TCPMaxConnections,
		UDPReaders:            s.cfg.UDPWorkers,
		UDPReceiveBuffer:      s.cfg.MaxBuffer,
		AdvertisedHost:        s.cfg.AdvertisedAddress,
		AdvertisedPort:        s.cfg.AdvertisedPort,
		Logger:                s.log.Core,
		OnClose:               tcpClosed,
	}, s.receive)
	return s, nil
}

// checkSockets refuses a script without sockets, or with a socket whose
// protocol module it does not load (OpenSIPS 3 has one module per
// protocol).
func (s *Server) checkSockets(l *Loaded) error {
	if len(s.cfg.Sockets) == 0 {
		return errors.New("no socket= (or listen=) line: nothing to listen on")
	}
	for _, spec := range s.cfg.Sockets {
		mod := "proto_" + spec.Proto.String()
		loaded := false
		for _, m := range l.Program.Modules {
			loaded = loaded || m.Name == mod
		}
		if !loaded {
			return fmt.Errorf("socket %s: protocol %s is not loaded: add loadmodule \"%s.so\"", spec, spec.Proto, mod)
		}
	}
	return nil
}

// Start opens the sockets, runs startup_route and starts processing.
func (s *Server) Start() error {
	if err := s.transport.Listen(s.cfg.Sockets); err != nil {
		return err
	}
	for _, a := range s.cfg.Aliases {
		s.transport.AddAlias(a.Host, a.Port, a.Proto)
	}
	SetMyself(s.isMyself)
	setMIServer(s)
	if err := s.startEvents(); err != nil {
		s.transport.Close()
		clearMIServer(s)
		return err
	}
	stats.SetNetListeners(s.netListeners)
	if r, ok := s.script.Current().Program.Route(ast.StartupRoute, ""); ok {
		ctx := s.context()
		ctx.Reset(nil, engine.StartupRoute)
		r.Run(ctx)
		s.contexts.Put(ctx)
	}
	s.startTimerRoutes()
	for _, sock := range s.transport.Sockets() {
		s.log.Core.Info("listening", "socket", sock.String())
	}
	status.Core.Set(status.CoreRunning, "running", false)
	status.Core.Report("initialization completed, ready now")
	return nil
}

// startTimerRoutes runs each timer_route[name, seconds] every seconds on
// its own goroutine (OpenSIPS's timer processes). Each tick takes the
// route from the program of the moment, so a reload applies.
func (s *Server) startTimerRoutes() {
	s.stopTimers = make(chan struct{})
	for name, r := range s.script.Current().Program.Routes[ast.TimerRoute] {
		if r.Interval <= 0 {
			continue
		}
		s.timers.Add(1)
		go func(name string, every time.Duration) {
			defer s.timers.Done()
			// The goroutine is the timer's worker: its $var persist
			// from one tick to the next, as in OpenSIPS's timer process.
			ctx := s.contexts.New().(*engine.Context)
			tick := time.NewTicker(every)
			defer tick.Stop()
			for {
				select {
				case <-s.stopTimers:
					return
				case <-tick.C:
				}
				r, ok := s.script.Current().Program.Route(ast.TimerRoute, name)
				if !ok {
					continue // removed by a reload
				}
				ctx.Reset(nil, engine.TimerRoute)
				r.Run(ctx)
			}
		}(name, time.Duration(r.Interval)*time.Second)
	}
}

// isMyself checks host:port against the sockets and aliases; port 0 (a
// host given alone, as is_myself("$rd") does) matches any of our ports.
func (s *Server) isMyself(host string, port int) bool {
	if port != 0 {
		return s.transport.IsMyself(host, port, transport.ProtoAny)
	}
	for _, sock := range s.transport.Sockets() {
		if s.transport.IsMyself(host, int(sock.Local.Port()), transport.ProtoAny) {
			return true
		}
		if _, adv := sock.SentBy(); s.transport.IsMyself(host, adv, transport.ProtoAny) {
			return true
		}
	}
	return false
}

// Stop closes the sockets and waits for the readers to finish.
func (s *Server) Stop() error {
	status.Core.Set(status.CoreTerminating, "shutting down", false)
	if s.stopTimers != nil {
		close(s.stopTimers)
	}
	s.stopEvents()
	s.timers.Wait()
	err := s.transport.Close()
	mods := s.script.Current().Program.Modules
	for i := len(mods) - 1; i >= 0; i-- {
		if mods[i].Shutdown != nil {
			mods[i].Shutdown()
		}
	}
	SetMyself(nil)
	clearMIServer(s)
	stats.SetNetListeners(nil)
	return errors.Join(err, s.log.Close())
}

// Reload compiles the script file again and swaps it in; messages in
// flight finish on the program they started with.
func (s *Server) Reload() error {
	if err := s.script.Reload(); err != nil {
		return err
	}
	return s.resubscribeEventRoutes()
}

// Sockets returns the open sockets.
func (s *Server) Sockets() []*transport.Socket { return s.transport.Sockets() }

// Logger returns the core logger.
func (s *Server) Logger() *slog.Logger { return s.log.Core }

func (s *Server) context() *engine.Context { return s.contexts.Get().(*engine.Context) }

// resolveTimeout bounds a DNS lookup made on a worker.
const resolveTimeout = 2 * time.Second

func resolveContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), resolveTimeout)
}

// netListeners lists the open sockets for the net statistics group.
func (s *Server) netListeners() []stats.Listener {
	socks := s.transport.Sockets()
	out := make([]stats.Listener, len(socks))
	for i, sock := range socks {
		out[i] = stats.Listener{Proto: sock.Proto().String(), Addr: sock.Local}
	}
	return out
}

// resolveContextFor is resolveContext for a URI's host: an IP address
// needs no lookup, so it gets no timer (three allocations and a runtime
// timer per forwarded request).
func resolveContextFor(host string) (context.Context, context.CancelFunc) {
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return context.Background(), func() {}
	}
	return resolveContext()
}
