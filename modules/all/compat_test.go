package all

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/script/surface"
)

var update = flag.Bool("update", false, "rewrite docs/compat.md")

const compatPath = "../../docs/compat.md"

// TestCompatDoc keeps docs/compat.md, the table of what switchboard
// implements of the OpenSIPS 3.6 surface, true to the binary: it fails
// when the table is stale. Regenerate it with
// `go test ./modules/all -run TestCompatDoc -update`.
func TestCompatDoc(t *testing.T) {
	got := compatDoc()
	if *update {
		if err := os.WriteFile(compatPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(compatPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Fatal("docs/compat.md is stale: run go test ./modules/all -run TestCompatDoc -update")
	}
}

func compatDoc() string {
	reg := core.Modules
	var b strings.Builder
	b.WriteString("# Compatibility with OpenSIPS 3.6\n\n")
	b.WriteString("Generated from the binary by `go test ./modules/all -run TestCompatDoc -update`;\n")
	b.WriteString("do not edit. What is listed as missing fails `switchboard -c` with\n")
	b.WriteString("`not supported: <name>`; nothing is accepted and silently ignored.\n")
	b.WriteString("Behaviour differences are in [script.md](script.md) and each module's README.\n\n")

	// Core functions.
	var fnDone, fnMissing []string
	for _, fn := range surface.Functions() {
		if mod, _ := surface.FunctionModule(fn); mod != "core" {
			continue
		}
		if _, ok := reg.Function(fn); ok {
			fnDone = append(fnDone, fn)
		} else {
			fnMissing = append(fnMissing, fn)
		}
	}
	section(&b, "Core functions", fnDone, fnMissing)

	var pvDone, pvMissing []string
	for _, pv := range surface.PVs() {
		if mod, _ := surface.PVModule(pv); mod != "core" {
			continue
		}
		if _, ok := reg.PV(pv); ok {
			pvDone = append(pvDone, "$"+pv)
		} else {
			pvMissing = append(pvMissing, "$"+pv)
		}
	}
	section(&b, "Core pseudo-variables", pvDone, pvMissing)

	implemented := core.ImplementedParams()
	var parDone, parMissing []string
	for _, p := range surface.CoreParams() {
		if slices.Contains(implemented, p) {
			parDone = append(parDone, p)
		} else {
			parMissing = append(parMissing, p)
		}
	}
	section(&b, "Core parameters", parDone, parMissing)

	b.WriteString("## Modules\n\n| module | compiled in | functions implemented | functions missing |\n|---|---|---|---|\n")
	for _, m := range surface.Modules() {
		mod, ok := reg.Module(m)
		var done, missing []string
		for _, fn := range surface.Functions() {
			if owner, _ := surface.FunctionModule(fn); owner != m {
				continue
			}
			if ref, has := reg.Function(fn); has && ok && ref.Module == mod {
				done = append(done, fn)
			} else {
				missing = append(missing, fn)
			}
		}
		in := "no"
		if ok {
			in = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", m, in, strings.Join(done, ", "), strings.Join(missing, ", "))
	}
	eventsSection(&b, reg)
	return b.String()
}

// eventsSection lists the Event Interface events the core and the
// compiled-in modules raise, with their parameters, and the OpenSIPS
// events that nothing raises (an event_route for one fails the check).
func eventsSection(b *strings.Builder, reg *engine.Registry) {
	b.WriteString("\n## Events\n\n| event | raised by | parameters |\n|---|---|---|\n")
	raised := map[string]bool{}
	for _, name := range reg.ModuleNames() {
		mod, _ := reg.Module(name)
		for _, ev := range mod.Events {
			raised[ev.Name] = true
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", ev.Name, name, strings.Join(ev.Params, ", "))
		}
	}
	var missing []string
	for _, ev := range surface.EventNames() {
		if !raised[ev] {
			mod, _ := surface.EventModule(ev)
			missing = append(missing, ev+" ("+mod+")")
		}
	}
	fmt.Fprintf(b, "\nNot raised: %s\n", orNone(missing))
}

func section(b *strings.Builder, title string, done, missing []string) {
	fmt.Fprintf(b, "## %s: %d of %d\n\n", title, len(done), len(done)+len(missing))
	fmt.Fprintf(b, "Implemented: %s\n\n", orNone(done))
	fmt.Fprintf(b, "Not yet: %s\n\n", orNone(missing))
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return "`" + strings.Join(names, "`, `") + "`"
}
