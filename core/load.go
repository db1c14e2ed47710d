package core

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"switchboard/core/builtin"

	"switchboard/script"
	"switchboard/script/ast"
)

// LoadOptions say how to read a script.
type LoadOptions struct {
	// Preprocessor is a shell command the main file is piped through
	// before parsing (opensips -p "m4 -DENABLE_TCP"); included files are
	// read as they are, as OpenSIPS does.
	Preprocessor string
	// Params are global parameter lines ("socket=udp:127.0.0.1:5060")
	// read after the script's own, as if appended to it: the command
	// line's -l, -n, -N and -A. An error in one names "command line".
	Params []string
	// Logger receives the script's runtime errors.
	Logger *slog.Logger
	// reload compiles without setting modparams again.
	reload bool
}

// Loaded is a script read, checked and compiled, with the core
// parameters it set.
type Loaded struct {
	Program *script.Program
	Config  Config
	Script  *ast.Script
}

// Load reads the script at path (with its include_file/import_file
// files), checks it against the compiled-in modules and compiles it. The
// error lists every problem found, each at file:line:col.
func Load(path string, opts LoadOptions) (*Loaded, error) {
	main, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	read := func(name string) ([]byte, error) {
		data, err := os.ReadFile(name)
		if err != nil || opts.Preprocessor == "" {
			return data, err
		}
		if abs, _ := filepath.Abs(name); abs != main {
			return data, nil
		}
		return preprocess(opts.Preprocessor, data)
	}
	s, err := script.LoadWith(path, read)
	if err != nil {
		return nil, err
	}
	if err := appendParams(s, opts.Params); err != nil {
		return nil, err
	}
	return Compile(s, opts)
}

// appendParams parses lines as global parameters and adds them after the
// script's, so that they win where a parameter has one value.
func appendParams(s *ast.Script, lines []string) error {
	if len(lines) == 0 {
		return nil
	}
	extra, err := script.Parse("command line", []byte(strings.Join(lines, "\n")+"\n"))
	if err != nil {
		return err
	}
	for _, d := range extra.Items {
		p, ok := d.(*ast.GlobalParam)
		if !ok {
			return fmt.Errorf("command line: only global parameters can be given, not %T", d)
		}
		s.Add(p)
	}
	return nil
}

// Compile checks and compiles a parsed script.
func Compile(s *ast.Script, opts LoadOptions) (*Loaded, error) {
	l := &Loaded{Config: DefaultConfig(), Script: s}
	prog, err := script.Compile(s, script.Options{
		Registry:      Modules,
		CoreParams:    l.Config.setters(),
		Logger:        opts.Logger,
		KeepModParams: opts.reload,
	})
	if err != nil {
		return nil, err
	}
	if err := checkStatelessForward(s, &l.Config); err != nil {
		return nil, err
	}
	if err := checkForcedSockets(s, &l.Config); err != nil {
		return nil, err
	}
	if err := checkBlacklistNames(s, &l.Config); err != nil {
		return nil, err
	}
	l.Program = prog
	return l, nil
}

// checkStatelessForward refuses forward() in a script that set
// disable_stateless_fwd, as OpenSIPS's forward() fixup does.
func checkStatelessForward(s *ast.Script, cfg *Config) error {
	if !cfg.DisableStatelessFwd {
		return nil
	}
	var err error
	ast.Inspect(s, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && c.Name == "forward" && err == nil {
			err = fmt.Errorf("%s: forward() is used but disable_stateless_fwd is set", c.Pos)
		}
		return err == nil
	})
	return err
}

// preprocess pipes src through a shell command and returns its output.
func preprocess(command string, src []byte) ([]byte, error) {
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Stdin = bytes.NewReader(src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("preprocessor %q: %v: %s", command, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}

// InitModules runs the Init hook of every module the script loads, in
// loadmodule order, once its parameters are set: what OpenSIPS does
// before it forks the workers. A check (-c) does not run it.
func (l *Loaded) InitModules() error {
	for _, m := range l.Program.Modules {
		if m.Init == nil {
			continue
		}
		if err := m.Init(); err != nil {
			return fmt.Errorf("module %s: %w", m.Name, err)
		}
	}
	return nil
}

// checkForcedSockets refuses a constant force_send_socket() argument
// that names none of the script's sockets, as OpenSIPS's fixup does. A
// script without sockets (a test snippet) is not checked: it cannot run.
func checkForcedSockets(s *ast.Script, cfg *Config) error {
	if len(cfg.Sockets) == 0 {
		return nil
	}
	var errs []error
	ast.Inspect(s, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok || c.Name != "force_send_socket" || len(c.Args) != 1 {
			return true
		}
		lit, ok := c.Args[0].(*ast.StringLit)
		if !ok || strings.Contains(lit.Value, "$") {
			return true
		}
		proto, host, port, err := builtin.ParseSocketArg(lit.Value)
		if err != nil {
			return true // the function's fixup reports it
		}
		for _, spec := range cfg.Sockets {
			if spec.Matches(proto, host, port) {
				return true
			}
		}
		errs = append(errs, fmt.Errorf("%s: force_send_socket(%q): not a socket this script listens on (socket= lines)", c.Pos, lit.Value))
		return true
	})
	return errors.Join(errs...)
}
