// Command switchboard is a SIP server that runs OpenSIPS routing scripts.
//
//	switchboard [-f opensips.cfg] [-p "m4 -DX"] [-E]   run (no -f: the embedded default script)
//	switchboard -c -f opensips.cfg [-p m4]            check a script, print every error
//	switchboard -dump FILE                            parse a SIP message file and print its structure
//
// The server runs Go's garbage collector with GOGC=200
// (core.DefaultGCPercent, see docs/performance.md); GOGC and GOMEMLIMIT
// in the environment override it.
package main

import (
	_ "embed"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"switchboard/core"
	_ "switchboard/modules/all" // the compiled-in modules register themselves
)

//go:embed default.cfg
var defaultScript []byte

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	dump := flag.String("dump", "", "parse a SIP message `file` (one datagram) and print its structure")
	check := flag.Bool("c", false, "check the script and exit: 0 when it is valid, else every error is printed")
	cfgFile := flag.String("f", "", "the routing script `file` (opensips.cfg); none: the embedded default")
	preproc := flag.String("p", "", "pipe the script through this preprocessor `command` first (e.g. m4)")
	stderr := flag.Bool("E", false, "log to stderr, whatever the script says")
	flag.Bool("F", true, "stay in the foreground (always: run it under a service manager)")
	showVersion := flag.Bool("V", false, "print the version and exit")
	flag.Parse()
	switch {
	case *showVersion:
		fmt.Println("switchboard", version)
	case *dump != "":
		os.Exit(dumpFile(*dump))
	case *check:
		os.Exit(checkScript(*cfgFile, *preproc))
	default:
		os.Exit(run(*cfgFile, *preproc, *stderr))
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

// checkScript is -c: load and compile the script, print every error.
func checkScript(path, preprocessor string) int {
	path, cleanup, err := scriptPath(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		return 1
	}
	defer cleanup()
	if _, err := core.Load(path, core.LoadOptions{Preprocessor: preprocessor}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "switchboard: %s is valid\n", path)
	return 0
}

// run starts the server and serves until SIGTERM or SIGINT. SIGHUP is
// ignored, as OpenSIPS does; reload the script through the MI.
func run(path, preprocessor string, stderr bool) int {
	path, cleanup, err := scriptPath(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		return 1
	}
	defer cleanup()
	opts := core.ServerOptions{Load: core.LoadOptions{Preprocessor: preprocessor}}
	if stderr {
		l, err := core.Load(path, opts.Load)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		cfg := l.Config
		cfg.StderrEnabled, cfg.SyslogEnabled = true, false
		logs, _ := core.OpenLoggers(cfg, os.Stderr, nil)
		opts.Loggers = logs
	}
	core.TuneGC()
	srv, err := core.NewServer(path, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// Catch the signals before Start says "listening": whoever waits for
	// that line may stop us at once.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	if err := srv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		return 1
	}
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
