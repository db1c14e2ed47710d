package core

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"switchboard/engine"
	"switchboard/sip"
)

// A module with a parameter, to show that a reload leaves module
// parameters as they started.
var reloadParamSets int

func init() {
	Register(&engine.Module{Name: "reload_probe", Params: []engine.Param{{Name: "level", Kind: engine.ParamInt,
		Set: func(engine.Value) error { reloadParamSets++; return nil }}}})
}

const reloadMsg = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"

func runVar(t *testing.T, l *Loaded) string {
	t.Helper()
	m, err := sip.ParseString(reloadMsg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
	ctx.Reset(m, engine.RequestRoute)
	l.Program.Main.Run(ctx)
	return ctx.Vars.Get("v").String()
}

func TestReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.cfg")
	write := func(cfg string) {
		if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := "log_level=3\nloadmodule \"reload_probe.so\"\nmodparam(\"reload_probe\", \"level\", 1)\n"
	write(base + "route { $var(v) = \"one\"; }\n")
	s, err := NewScript(path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inFlight := s.Current()
	sets := reloadParamSets

	write(base + "route { $var(v) = \"two\"; }\n")
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := runVar(t, s.Current()); got != "two" {
		t.Errorf("after reload the script says %q, want two", got)
	}
	if got := runVar(t, inFlight); got != "one" {
		t.Errorf("a message in flight switched program: %q", got)
	}
	if reloadParamSets != sets {
		t.Error("reload set the module parameter again")
	}

	tests := []struct {
		name, cfg, want string
	}{
		{"syntax error", base + "route { $var(v) = ; }\n", "test.cfg:4:"},
		{"global parameter changed", strings.Replace(base, "log_level=3", "log_level=4", 1) + "route { $var(v) = \"x\"; }\n", "global parameters changed"},
		{"module parameter changed", strings.Replace(base, "1)", "2)", 1) + "route { $var(v) = \"x\"; }\n", "module parameters changed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			write(tc.cfg)
			err := s.Reload()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("reload error %v, want one containing %q", err, tc.want)
			}
			if got := runVar(t, s.Current()); got != "two" {
				t.Errorf("a failed reload replaced the program: %q", got)
			}
		})
	}
}

// TestReloadUnderLoad reloads while workers run the script: every run
// sees one whole program, old or new.
func TestReloadUnderLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.cfg")
	cfg := func(v string) []byte {
		return []byte("route { $var(v) = \"" + v + "\"; route(r); }\nroute[r] { $var(w) = \"" + v + "\"; }\n")
	}
	if err := os.WriteFile(path, cfg("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := NewScript(path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, _ := sip.ParseString(reloadMsg)
			ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
			for {
				select {
				case <-stop:
					return
				default:
				}
				ctx.Reset(m, engine.RequestRoute)
				s.Current().Program.Main.Run(ctx)
				if v, w := ctx.Vars.Get("v").String(), ctx.Vars.Get("w").String(); v != w {
					t.Errorf("one run mixed two programs: %q and %q", v, w)
					return
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		if err := os.WriteFile(path, cfg(string(rune('b'+i))), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := s.Reload(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}
