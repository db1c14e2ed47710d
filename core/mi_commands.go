package core

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"switchboard/cachedb"
	"switchboard/engine"
	"switchboard/mi"
)

// startedAt is when the process started, for uptime.
var startedAt = time.Now()

// ctimeLayout is C's ctime(3) format, which OpenSIPS's uptime prints.
const ctimeLayout = "Mon Jan _2 15:04:05 2006"

// coreMICommands are the core MI commands (OpenSIPS mi/mi_core.c) that
// switchboard can answer; the logging and process ones are in mi_log.go.
// s is nil when no server runs.
func coreMICommands(s *Server, reg *mi.Registry) []engine.MICommand {
	return append([]engine.MICommand{
		{Name: "uptime", Help: "prints various time information about the server - when it started to run, for how long it runs",
			Run: func(context.Context, engine.MIParams) (any, error) { return uptime(time.Now()), nil }},
		{Name: "version", Help: "prints the version string of the running server",
			Params: [][]string{nil, {"revision"}}, Run: version},
		{Name: "pwd", Help: "prints the working directory of the server", Run: pwd},
		{Name: "arg", Help: "returns the full list of arguments used at startup",
			Run: func(context.Context, engine.MIParams) (any, error) { return os.Args, nil }},
		{Name: "which", Help: "lists all available MI commands",
			Params: [][]string{nil, {"command"}}, Run: func(_ context.Context, p engine.MIParams) (any, error) {
				return which(reg, p)
			}},
		{Name: "ps", Help: "lists all processes used by the server", Run: ps},
		{Name: "cache_store", Help: "stores in a cache system a string value",
			Params: [][]string{{"system", "attr", "value"}, {"system", "attr", "value", "expire"}}, Run: cacheStore},
		{Name: "cache_fetch", Help: "queries for a cache stored value",
			Params: [][]string{{"system", "attr"}}, Run: cacheFetch},
		{Name: "cache_remove", Help: "removes a record from the cache system",
			Params: [][]string{{"system", "attr"}}, Run: cacheRemove},
		{Name: "reload_routes", Help: "triggers the script (routes only) reload",
			Run: func(context.Context, engine.MIParams) (any, error) { return reloadRoutes(s) }},
		{Name: "help", Help: "prints information about MI commands usage",
			Params: [][]string{nil, {"mi_cmd"}}, Run: func(_ context.Context, p engine.MIParams) (any, error) {
				return help(reg, p)
			}},
	}, append(logMICommands(s), statusMICommands()...)...)
}

// ok is the result of a command that only succeeds: OpenSIPS's
// init_mi_result_ok.
const ok = "OK"

type uptimeResult struct {
	Now     string `json:"Now"`
	UpSince string `json:"Up since"`
	UpTime  string `json:"Up time"`
}

func uptime(now time.Time) uptimeResult {
	return uptimeResult{Now: now.Format(ctimeLayout), UpSince: startedAt.Format(ctimeLayout),
		UpTime: fmt.Sprintf("%d [sec]", int64(now.Sub(startedAt)/time.Second))}
}

type versionResult struct {
	Server   string `json:"Server"`
	Revision string `json:"Revision,omitempty"`
}

// version answers the Server header's product string, as OpenSIPS does,
// from the build information the Go toolchain records.
func version(_ context.Context, p engine.MIParams) (any, error) {
	v, rev := "devel", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				rev = s.Value
			}
		}
	}
	r := versionResult{Server: fmt.Sprintf("switchboard %s (%s/%s)", v, runtime.GOARCH, runtime.GOOS)}
	if p.Has("revision") {
		r.Revision = rev
	}
	return r, nil
}

func pwd(context.Context, engine.MIParams) (any, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return struct {
		WD string `json:"WD"`
	}{wd}, nil
}

var unknownCommand = &engine.MIError{Code: 404, Message: "unknown MI command"}

// which lists the command names, or with a command its recipes (what
// opensips-cli uses to complete and check parameters).
func which(reg *mi.Registry, p engine.MIParams) (any, error) {
	if !p.Has("command") {
		names := []string{}
		for _, c := range reg.Commands() {
			names = append(names, c.Name)
		}
		return names, nil
	}
	name, err := p.Get("command")
	if err != nil {
		return nil, err
	}
	cmd, found := reg.Lookup(name)
	if !found {
		return nil, unknownCommand
	}
	if cmd.Params == nil {
		return [][]string{{}}, nil
	}
	recipes := [][]string{}
	for _, r := range cmd.Params {
		recipes = append(recipes, append([]string{}, r...))
	}
	return recipes, nil
}

type process struct {
	ID   int    `json:"ID"`
	PID  int    `json:"PID"`
	Type string `json:"Type"`
}

// ps lists one process: switchboard runs its workers as goroutines of a
// single process, where OpenSIPS forks one process per worker.
func ps(context.Context, engine.MIParams) (any, error) {
	return struct {
		Processes []process `json:"Processes"`
	}{[]process{{ID: 0, PID: os.Getpid(), Type: "attendant"}}}, nil
}

func reloadRoutes(s *Server) (any, error) {
	if s == nil {
		return nil, &engine.MIError{Code: 500, Message: "reload failed", Data: "no script is running"}
	}
	if err := s.Reload(); err != nil {
		return nil, &engine.MIError{Code: 500, Message: "reload failed", Data: err.Error()}
	}
	return ok, nil
}

func help(reg *mi.Registry, p engine.MIParams) (any, error) {
	if !p.Has("mi_cmd") {
		return "Usage: help mi_cmd - returns information about 'mi_cmd'", nil
	}
	name, err := p.Get("mi_cmd")
	if err != nil {
		return nil, err
	}
	cmd, found := reg.Lookup(name)
	if !found {
		return nil, unknownCommand
	}
	text := cmd.Help
	if text == "" {
		text = "not available for this command"
	}
	return struct {
		Help       string `json:"Help"`
		ExportedBy string `json:"Exported by"`
	}{text, cmd.Module}, nil
}

// cacheTarget reads the system and attr parameters and finds the cache
// connection, with OpenSIPS's answers for empty ones.
func cacheTarget(p engine.MIParams) (cachedb.Engine, string, error) {
	system, err := p.Get("system")
	if err != nil {
		return nil, "", err
	}
	if system == "" {
		return nil, "", invalid("Empty memory cache id")
	}
	attr, err := p.Get("attr")
	if err != nil {
		return nil, "", err
	}
	if attr == "" {
		return nil, "", invalid("Empty attribute name")
	}
	e, found := cachedb.Lookup(system)
	if !found {
		return nil, attr, fmt.Errorf("no cachedb connection %q", system)
	}
	return e, attr, nil
}

func invalid(detail string) error {
	return &engine.MIError{Code: mi.CodeInvalidParams, Message: "Invalid params", Data: detail}
}

func cacheStore(_ context.Context, p engine.MIParams) (any, error) {
	expire := 0
	if p.Has("expire") {
		var err error
		if expire, err = p.GetInt("expire"); err != nil {
			return nil, err
		}
		if expire < 0 {
			return nil, invalid("Negative expire value")
		}
	}
	e, attr, err := cacheTarget(p)
	if err != nil {
		return nil, cacheFailure("store", err)
	}
	value, err := p.Get("value")
	if err != nil {
		return nil, err
	}
	if value == "" {
		return nil, invalid("Empty value")
	}
	if err := e.Set(attr, value, time.Duration(expire)*time.Second); err != nil {
		return nil, cacheFailure("store", err)
	}
	return ok, nil
}

func cacheFetch(_ context.Context, p engine.MIParams) (any, error) {
	e, attr, err := cacheTarget(p)
	if err != nil {
		return nil, cacheFailure("fetch", err)
	}
	value, found, err := e.Get(attr)
	if err != nil {
		return nil, cacheFailure("fetch", err)
	}
	if !found || value == "" {
		return nil, &engine.MIError{Code: 400, Message: "Value not found"}
	}
	return struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}{attr, value}, nil
}

func cacheRemove(_ context.Context, p engine.MIParams) (any, error) {
	e, attr, err := cacheTarget(p)
	if err != nil {
		return nil, cacheFailure("remove", err)
	}
	if err := e.Remove(attr); err != nil {
		return nil, cacheFailure("remove", err)
	}
	return ok, nil
}

// cacheFailure keeps parameter errors as they are and turns a cache
// failure into OpenSIPS's 500 "Cache <op> command failed".
func cacheFailure(op string, err error) error {
	if _, isMI := err.(*engine.MIError); isMI {
		return err
	}
	return &engine.MIError{Code: 500, Message: "Cache " + op + " command failed", Data: err.Error()}
}
