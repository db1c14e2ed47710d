//go:build ignore

// gen reads the OpenSIPS 3.6 compatibility inventory
// (/work/shared/reference/opensips-3.6-surface.md, or the file named by
// -in) and writes surface_table.go. Run: go run gen.go
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"regexp"
	"sort"
	"strings"
)

var (
	moduleRow = regexp.MustCompile("^\\| `([^`]+)` \\|")
	// Non-greedy: a tier note may hold parentheses, "(P0 - all templates (t_relay))".
	moduleItem = regexp.MustCompile("^- \\*\\*([a-z0-9_.]+)\\*\\* \\((.*?)\\):(.*)$")
	callName   = regexp.MustCompile("`?([A-Za-z_][A-Za-z0-9_]*)\\(")
	pvName     = regexp.MustCompile("`?\\$([A-Za-z_][A-Za-z0-9_.]*)")
	backtick   = regexp.MustCompile("`([^`]+)`")
	identifier = regexp.MustCompile("^[a-z_][a-z0-9_-]*$")
)

func main() {
	in := flag.String("in", "/work/shared/reference/opensips-3.6-surface.md", "inventory file")
	out := flag.String("out", "surface_table.go", "output file")
	flag.Parse()
	data, err := os.ReadFile(*in)
	if err != nil {
		log.Fatal(err)
	}
	s := parse(string(data))
	if err := os.WriteFile(*out, s.render(), 0o644); err != nil {
		log.Fatal(err)
	}
}

type surface struct {
	modules    []string
	functions  map[string]string // function -> module
	modParams  map[string][]string
	coreParams []string
	aliases    []string
	pvs        map[string]string // pv name without '$' -> module
}

// section returns the lines from the heading starting with start up to
// the next heading of the same or a higher level.
func section(lines []string, start string) []string {
	for i, l := range lines {
		if !strings.HasPrefix(l, start) {
			continue
		}
		level := strings.IndexByte(l, ' ')
		for j := i + 1; j < len(lines); j++ {
			if h := strings.IndexByte(lines[j], ' '); strings.HasPrefix(lines[j], "#") && h <= level {
				return lines[i+1 : j]
			}
		}
		return lines[i+1:]
	}
	log.Fatalf("no section %q", start)
	return nil
}

func parse(doc string) *surface {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(doc))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	s := &surface{functions: map[string]string{}, modParams: map[string][]string{}, pvs: map[string]string{}}

	// b.2: one table row per module.
	for _, l := range section(lines, "### b.2") {
		if m := moduleRow.FindStringSubmatch(l); m != nil && m[1] != "module" {
			s.modules = append(s.modules, m[1])
		}
	}
	// b.3: "- **mod** (tier): `f(args)`; ...; PVs: `$a`, `$b`".
	for _, l := range section(lines, "### b.3") {
		m := moduleItem.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		mod, rest := m[1], m[3]
		fns, pvs, _ := strings.Cut(rest, "PVs:")
		for _, item := range strings.Split(fns, ";") {
			if c := callName.FindStringSubmatch(strings.TrimSpace(item)); c != nil {
				s.addFunction(c[1], mod)
			}
		}
		for _, p := range pvName.FindAllStringSubmatch(pvs, -1) {
			s.pvs[p[1]] = mod
		}
	}
	// b.4: "- **mod** (n): `p1`, `p2`".
	for _, l := range section(lines, "### b.4") {
		if m := moduleItem.FindStringSubmatch(l); m != nil {
			for _, p := range backtick.FindAllStringSubmatch(m[3], -1) {
				s.modParams[m[1]] = appendUnique(s.modParams[m[1]], p[1])
			}
		}
	}
	// c.4: the core functions, up to the paragraph on flags.
	for _, l := range section(lines, "### c.4") {
		if strings.HasPrefix(l, "Flags (") {
			break
		}
		for _, c := range backtick.FindAllStringSubmatch(l, -1) {
			if f := callName.FindStringSubmatch(c[1]); f != nil {
				s.addFunction(f[1], "core")
			}
		}
	}
	// c.5: the core PV table (the line of `$..` names), then the module PVs
	// paragraph ("tm `$T_a $T_b`; dialog `...`").
	c5 := section(lines, "### c.5")
	for _, l := range c5 {
		if strings.HasPrefix(l, "`$avp`") {
			for _, p := range pvName.FindAllStringSubmatch(l, -1) {
				s.pvs[p[1]] = "core"
			}
		}
	}
	text := strings.Join(c5, " ")
	if _, after, ok := strings.Cut(text, "Module PVs needed by the P0/P1 tier:"); ok {
		after, _, _ = strings.Cut(after, "The per-module PV list")
		for _, part := range strings.Split(after, ";") {
			part = strings.TrimSpace(part)
			mod, list, ok := strings.Cut(part, " `")
			if !ok || strings.ContainsAny(mod, " `") {
				continue
			}
			for _, p := range pvName.FindAllStringSubmatch(list, -1) {
				if _, known := s.pvs[p[1]]; !known {
					s.pvs[p[1]] = mod
				}
			}
		}
	}
	// c.7: the documented parameters (one backtick block), "a|b" being a
	// name and its alias; then the undocumented lexer tokens and aliases.
	c7 := strings.Join(section(lines, "### c.7"), "\n")
	blocks := backtick.FindAllStringSubmatch(c7, -1)
	for _, name := range strings.Fields(blocks[0][1]) {
		names := strings.Split(name, "|")
		s.coreParams = append(s.coreParams, names[0])
		s.aliases = append(s.aliases, names[1:]...)
	}
	if _, after, ok := strings.Cut(c7, "Lexer tokens not documented:"); ok {
		after, _, _ = strings.Cut(after, "(`include_file`")
		for _, b := range backtick.FindAllStringSubmatch(after, -1) {
			name := b[1]
			if !identifier.MatchString(name) {
				continue // "exec_*_threshold" is prose, not a token
			}
			if !contains(s.coreParams, name) && !contains(s.aliases, name) {
				s.aliases = append(s.aliases, name)
			}
		}
	}
	return s
}

func (s *surface) addFunction(fn, mod string) {
	if _, dup := s.functions[fn]; !dup {
		s.functions[fn] = mod
	}
}

func appendUnique(list []string, v string) []string {
	if contains(list, v) {
		return list
	}
	return append(list, v)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (s *surface) render() []byte {
	var b bytes.Buffer
	b.WriteString("// Code generated by gen.go from opensips-3.6-surface.md; DO NOT EDIT.\n\npackage surface\n\n")
	mods := append([]string(nil), s.modules...)
	sort.Strings(mods)
	b.WriteString("// modules are the module directories of OpenSIPS 3.6.8 (b.2).\nvar modules = []string{\n")
	for _, m := range mods {
		fmt.Fprintf(&b, "%q,\n", m)
	}
	b.WriteString("}\n\n// functions maps every script function of the core (c.4) and of the P0/P0t/P1 modules (b.3) to its module.\nvar functions = map[string]string{\n")
	for _, f := range sortedKeys(s.functions) {
		fmt.Fprintf(&b, "%q: %q,\n", f, s.functions[f])
	}
	b.WriteString("}\n\n// modParams are the modparams of the P0/P0t modules (b.4).\nvar modParams = map[string][]string{\n")
	for _, m := range sortedKeys(s.modParams) {
		fmt.Fprintf(&b, "%q: {", m)
		for i, p := range s.modParams[m] {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", p)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n\n// coreParams are the documented core parameters (c.7).\nvar coreParams = []string{\n")
	for _, p := range s.coreParams {
		fmt.Fprintf(&b, "%q,\n", p)
	}
	b.WriteString("}\n\n// coreParamAliases are other spellings the lexer accepts (c.7).\nvar coreParamAliases = []string{\n")
	for _, p := range s.aliases {
		fmt.Fprintf(&b, "%q,\n", p)
	}
	b.WriteString("}\n\n// pvs maps pseudo-variable names (without '$') to the module exporting them, \"core\" for the core (c.5, b.3).\nvar pvs = map[string]string{\n")
	for _, p := range sortedKeys(s.pvs) {
		fmt.Fprintf(&b, "%q: %q,\n", p, s.pvs[p])
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		log.Fatal(err)
	}
	return src
}
