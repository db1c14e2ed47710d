// Command switchboard is a SIP server that runs OpenSIPS routing scripts.
//
//	switchboard [-f opensips.cfg] [-p "m4 -DX"] [-E]   run (no -f: the embedded default script)
//	switchboard -c -f opensips.cfg [-p m4]            check a script, print every error
//	switchboard --dump FILE                           parse a SIP message file and print its structure
//
// The flags are OpenSIPS's (options.go; -h lists them), so that a service
// unit written for opensips starts switchboard unchanged.
//
// The server runs Go's garbage collector with GOGC=200
// (core.DefaultGCPercent, see docs/performance.md); GOGC and GOMEMLIMIT
// in the environment override it.
package main

import (
	_ "embed"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"switchboard/core"
	_ "switchboard/modules/all" // the compiled-in modules register themselves
	"switchboard/script/pv"
)

//go:embed default.cfg
var defaultScript []byte

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	opts, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		os.Exit(2)
	}
	switch {
	case opts.help:
		fmt.Print(usage)
	case opts.version:
		fmt.Println("switchboard", version)
	case opts.dump != "":
		os.Exit(dumpFile(opts.dump))
	case opts.check:
		os.Exit(checkScript(opts))
	default:
		os.Exit(run(opts))
	}
}

func dumpFile(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		return 1
	}
	if err := dumpMessage(os.Stdout, data); err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		return 1
	}
	return 0
}

// scriptPath returns the script to load: the given one, or the embedded
// default written to a temporary file.
func scriptPath(path string) (string, func(), error) {
	if path != "" {
		return path, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "switchboard")
	if err != nil {
		return "", nil, err
	}
	p := filepath.Join(dir, "default.cfg")
	if err := os.WriteFile(p, defaultScript, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return p, func() { os.RemoveAll(dir) }, nil
}

// loadOptions are how the command line asks the core to read the script.
func (o *options) loadOptions() core.LoadOptions {
	return core.LoadOptions{Preprocessor: o.preprocessor, Params: o.params()}
}

// checkScript is -c: load and compile the script, print every error.
func checkScript(opts *options) int {
	path, cleanup, err := scriptPath(opts.cfgFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		return 1
	}
	defer cleanup()
	if _, err := core.Load(path, opts.loadOptions()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "switchboard: %s is valid\n", path)
	return 0
}

// run starts the server and serves until SIGTERM or SIGINT. SIGHUP is
// ignored, as OpenSIPS does; reload the script through the MI.
func run(o *options) int {
	if o.workDir != "" {
		if err := os.Chdir(o.workDir); err != nil {
			fmt.Fprintln(os.Stderr, "switchboard: -w:", err)
			return 1
		}
	}
	path, cleanup, err := scriptPath(o.cfgFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		return 1
	}
	defer cleanup()
	pv.SetArgv(o.argv)
	opts := core.ServerOptions{Load: o.loadOptions()}
	if o.stderr || o.debugMode || o.debug > 0 {
		// The command line changes where and how much is logged: open
		// the loggers from the script's settings with those changes.
		l, err := core.Load(path, opts.Load)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		cfg := l.Config
		if o.stderr || o.debugMode {
			cfg.StderrEnabled, cfg.SyslogEnabled = true, false
		}
		if o.debugMode {
			cfg.LogLevel = 4
		}
		cfg.LogLevel = min(cfg.LogLevel+o.debug, 4)
		logs, err := core.OpenLoggers(cfg, os.Stderr, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "switchboard:", err)
			return 1
		}
		opts.Loggers = logs
	}
	core.TuneGC()
	// Catch the signals before Start says "listening": whoever waits for
	// that line may stop us at once. The MI's kill stops us as SIGTERM.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	opts.OnKill = func() { signals <- syscall.SIGTERM }
	srv, err := core.NewServer(path, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// Modules that log through slog's default logger follow log_level
	// and the log consumers like the core.
	slog.SetDefault(srv.Logger())
	if err := srv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		return 1
	}
	for _, n := range o.notes {
		srv.Logger().Warn(n)
	}
	if err := writeIDFiles(o); err != nil {
		srv.Logger().Error("writing the pid file", "err", err)
		srv.Stop()
		return 1
	}
	defer removeIDFiles(o)
	for sig := range signals {
		if sig == syscall.SIGHUP {
			continue
		}
		srv.Logger().Info("stopping", "signal", sig.String())
		break
	}
	if err := srv.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		return 1
	}
	return 0
}

// writeIDFiles writes -P's pid file and -G's process group file.
func writeIDFiles(o *options) error {
	for _, f := range []struct {
		path string
		id   int
	}{{o.pidFile, os.Getpid()}, {o.pgidFile, syscall.Getpgrp()}} {
		if f.path == "" {
			continue
		}
		if err := os.WriteFile(f.path, []byte(fmt.Sprintf("%d\n", f.id)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// removeIDFiles removes them again on a clean stop.
func removeIDFiles(o *options) {
	for _, p := range []string{o.pidFile, o.pgidFile} {
		if p != "" {
			os.Remove(p)
		}
	}
}
