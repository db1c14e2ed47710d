package core

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"switchboard/engine"
	"switchboard/transport"
)

// logMICommands are OpenSIPS's MI commands for logging, processes and
// memory (mi/mi_core.c), answered in its JSON shapes. switchboard is one
// process: "pid" must be its own.
func logMICommands(s *Server) []engine.MICommand {
	return []engine.MICommand{
		{Name: "log_level", Help: "gets/sets the per process or global log level in OpenSIPS",
			Params: [][]string{nil, {"level"}, {"level", "pid"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return logLevel(s, p) }},
		{Name: "xlog_level", Help: "gets/sets the per process or global xlog level in OpenSIPS",
			Params: [][]string{nil, {"level"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return xlogLevel(s, p) }},
		{Name: "log_level_filter", Help: "gets/sets the per consumer log level filter",
			Params: [][]string{{"consumer"}, {"consumer", "level_filter"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return logLevelFilter(s, p) }},
		{Name: "log_mute_state", Help: "mute/unmute a log consumer",
			Params: [][]string{{"consumer"}, {"consumer", "mute_state"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return logMuteState(s, p) }},
		{Name: "kill", Help: "terminates OpenSIPS",
			Run: func(context.Context, engine.MIParams) (any, error) { return kill(s) }},
		{Name: "list_tcp_conns", Help: "list all ongoing TCP based connections",
			Params: [][]string{nil, {"proto"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return listTCPConns(s, p) }},
		{Name: "shm_check", Help: "complete scan of the shared memory pool (if any error is found, OpenSIPS will abort!)",
			Run: func(context.Context, engine.MIParams) (any, error) { return shmCheck(), nil }},
		{Name: "mem_pkg_dump", Help: "debug print the pkg memory status of a certain process",
			Params: [][]string{{"pid"}, {"pid", "log_level"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return memDump(s, p, true) }},
		{Name: "mem_shm_dump", Help: "debug print the shm memory status",
			Params: [][]string{nil, {"log_level"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return memDump(s, p, false) }},
		{Name: "mem_rpm_dump", Help: "debug print the rpm memory status",
			Params: [][]string{nil, {"log_level"}},
			Run:    func(_ context.Context, p engine.MIParams) (any, error) { return memDump(s, p, false) }},
	}
}

var noServer = &engine.MIError{Code: 500, Message: "no server is running"}

// levelArg reads an OpenSIPS log level (-3 alert .. 4 debug) from name.
func levelArg(p engine.MIParams, name string) (int, error) {
	level, err := p.GetInt(name)
	if err != nil {
		return 0, err
	}
	if level < -3 || level > 4 {
		return 0, invalidParams(fmt.Sprintf("%s %d is not a log level from -3 to 4", name, level))
	}
	return level, nil
}

type processLevel struct {
	PID   int    `json:"PID"`
	Level int    `json:"Log level"`
	Type  string `json:"Type"`
}

// logLevel lists the level of the (one) process, or sets log_level.
func logLevel(s *Server, p engine.MIParams) (any, error) {
	if !p.Has("level") {
		level := DefaultConfig().LogLevel
		if s != nil {
			level = s.log.LogLevel()
		}
		return struct {
			Processes []processLevel `json:"Processes"`
		}{[]processLevel{{PID: os.Getpid(), Level: level, Type: "attendant"}}}, nil
	}
	level, err := levelArg(p, "level")
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, noServer
	}
	if p.Has("pid") {
		pid, err := p.GetInt("pid")
		if err != nil {
			return nil, err
		}
		if pid != os.Getpid() {
			return nil, invalidParams("Bad PID")
		}
	}
	if err := s.log.SetLogLevel(level); err != nil {
		return nil, &engine.MIError{Code: 500, Message: err.Error()}
	}
	if p.Has("pid") {
		return map[string]int{"Log level": level}, nil
	}
	return map[string]int{"New global log level": level}, nil
}

// xlogLevel answers or sets xlog_level.
func xlogLevel(s *Server, p engine.MIParams) (any, error) {
	if s == nil {
		return nil, noServer
	}
	if !p.Has("level") {
		return map[string]int{"xLog Level": s.log.XLogLevel()}, nil
	}
	level, err := levelArg(p, "level")
	if err != nil {
		return nil, err
	}
	if err := s.log.SetXLogLevel(level); err != nil {
		return nil, &engine.MIError{Code: 500, Message: err.Error()}
	}
	return map[string]int{"New xLog level": level}, nil
}

var unknownConsumer = &engine.MIError{Code: 404, Message: "Unknown log consumer"}

func logConsumerArg(s *Server, p engine.MIParams) (*logConsumer, error) {
	if s == nil {
		return nil, noServer
	}
	name, err := p.Get("consumer")
	if err != nil {
		return nil, err
	}
	c, err := s.log.consumer(name)
	if err != nil {
		return nil, unknownConsumer
	}
	return c, nil
}

// logLevelFilter answers or sets the level filter of a consumer
// ("stderror", "syslog", "event"): 0 passes every level.
func logLevelFilter(s *Server, p engine.MIParams) (any, error) {
	c, err := logConsumerArg(s, p)
	if err != nil {
		return nil, err
	}
	if !p.Has("level_filter") {
		return map[string]int{"Log level filter": int(c.filter.Load())}, nil
	}
	level, err := levelArg(p, "level_filter")
	if err != nil {
		return nil, err
	}
	c.filter.Store(int32(level))
	return ok, nil
}

// logMuteState answers or sets whether a consumer is muted (1) or not (0).
func logMuteState(s *Server, p engine.MIParams) (any, error) {
	c, err := logConsumerArg(s, p)
	if err != nil {
		return nil, err
	}
	if !p.Has("mute_state") {
		muted := 0
		if c.muted.Load() {
			muted = 1
		}
		return map[string]int{"mute state": muted}, nil
	}
	state, err := p.GetInt("mute_state")
	if err != nil {
		return nil, err
	}
	if state == 0 && c.name == "syslog" && s.log.close == nil {
		// No connection to the syslog daemon was made at start.
		return nil, &engine.MIError{Code: 500, Message: "syslog is not open",
			Data: "set syslog_enabled=yes in the script to log to syslog"}
	}
	c.muted.Store(state != 0)
	return ok, nil
}

// kill stops the server gracefully, as SIGTERM does; the reply goes out
// first.
func kill(s *Server) (any, error) {
	if s == nil || s.onKill == nil {
		return nil, &engine.MIError{Code: 500, Message: "kill is not available", Data: "this server was not started by the switchboard command"}
	}
	time.AfterFunc(100*time.Millisecond, s.onKill)
	return ok, nil
}

type tcpConn struct {
	ID       uint64 `json:"ID"`
	Type     string `json:"Type"`
	State    int    `json:"State"`
	Remote   string `json:"Remote"`
	Local    string `json:"Local"`
	Lifetime string `json:"Lifetime"`
}

// listTCPConns lists the stream connections, optionally of one protocol
// ("any" for all).
func listTCPConns(s *Server, p engine.MIParams) (any, error) {
	if s == nil {
		return nil, noServer
	}
	filter := transport.ProtoAny
	if p.Has("proto") {
		name, err := p.Get("proto")
		if err != nil {
			return nil, err
		}
		if name != "any" && name != "ANY" {
			proto, err := transport.ParseProto(name)
			if err != nil {
				return nil, &engine.MIError{Code: 400, Message: "Bad protocol"}
			}
			filter = proto
		}
	}
	conns := []tcpConn{}
	for _, c := range s.transport.Conns() {
		if filter != transport.ProtoAny && c.Socket.Proto() != filter {
			continue
		}
		// State 0 is S_CONN_OK in OpenSIPS: connections the table holds
		// are established.
		conns = append(conns, tcpConn{ID: c.ID, Type: c.Socket.Proto().String(), Remote: c.Remote.String(),
			Local: c.Socket.Local.String(), Lifetime: c.Expires().Format(ctimeLayout)})
	}
	return struct {
		Connections []tcpConn `json:"Connections"`
	}{conns}, nil
}

// shmCheck has no pool to scan: Go's heap is checked by the runtime. It
// answers the heap's state instead of a fragment count.
func shmCheck() any {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return map[string]any{"status": "no shared memory pool: Go's heap is checked by its runtime",
		"heap_objects": m.HeapObjects, "heap_in_use": m.HeapInuse}
}

// memDump logs the memory state at log_level (default L_NOTICE), from
// Go's runtime: one heap serves what OpenSIPS keeps in pkg, shm and rpm
// pools.
func memDump(s *Server, p engine.MIParams, pkg bool) (any, error) {
	if s == nil {
		return nil, noServer
	}
	if pkg {
		pid, err := p.GetInt("pid")
		if err != nil {
			return nil, err
		}
		if pid != os.Getpid() {
			return nil, invalidParams("Bad PID")
		}
	}
	level := 2
	if p.Has("log_level") {
		l, err := levelArg(p, "log_level")
		if err != nil {
			return nil, err
		}
		level = l
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s.log.Core.Log(context.Background(), SlogLevel(level), "memory dump", "heap_alloc", m.HeapAlloc,
		"heap_in_use", m.HeapInuse, "heap_objects", m.HeapObjects, "stack_in_use", m.StackInuse,
		"sys", m.Sys, "gc_cycles", m.NumGC, "memory_limit", debug.SetMemoryLimit(-1), "goroutines", runtime.NumGoroutine())
	return ok, nil
}
