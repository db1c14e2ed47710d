package core

import (
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"

	"switchboard/script/ast"
)

// Script is the running script: the program workers use, and how to build
// it again. A worker takes Current once per message and keeps it to the
// end, so a reload never changes a program under a message in flight.
type Script struct {
	path    string
	opts    LoadOptions
	current atomic.Pointer[Loaded]
}

// NewScript loads the script at path.
func NewScript(path string, opts LoadOptions) (*Script, error) {
	l, err := Load(path, opts)
	if err != nil {
		return nil, err
	}
	s := &Script{path: path, opts: opts}
	s.current.Store(l)
	return s, nil
}

// Current returns the program in use.
func (s *Script) Current() *Loaded { return s.current.Load() }

// Reload reads and compiles the script file again and swaps it in. On any
// error the running program stays, and the error lists every problem
// (OpenSIPS reload_routes). Only routes change: modules, their parameters
// and the core parameters keep the values they started with, so a reload
// that loads a new module or changes a parameter is refused.
func (s *Script) Reload() error {
	opts := s.opts
	opts.reload = true
	l, err := Load(s.path, opts)
	if err != nil {
		return err
	}
	if err := sameSetup(s.Current(), l); err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	s.current.Store(l)
	return nil
}

// sameSetup checks that a reloaded script only changes routes.
func sameSetup(old, new *Loaded) error {
	if !reflect.DeepEqual(old.Config, new.Config) {
		return fmt.Errorf("global parameters changed: restart to apply them")
	}
	if len(old.Program.Modules) != len(new.Program.Modules) {
		return fmt.Errorf("loaded modules changed: restart to apply them")
	}
	for i, m := range old.Program.Modules {
		if new.Program.Modules[i] != m {
			return fmt.Errorf("loaded modules changed: restart to apply them")
		}
	}
	if modParamText(old) != modParamText(new) {
		return fmt.Errorf("module parameters changed: restart to apply them")
	}
	return nil
}

func modParamText(l *Loaded) string {
	var b strings.Builder
	for _, mp := range l.Script.ModParams {
		b.WriteString(mp.Module + "\x00" + mp.Param + "\x00" + ast.Format(mp.Value) + "\n")
	}
	return b.String()
}
