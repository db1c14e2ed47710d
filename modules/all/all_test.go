package all

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestGenerated: all.go imports exactly the modules of modules.cfg
// (gofmt sorts the imports, and registration order does not matter);
// regenerate it with `go generate ./modules/all` when it fails.
func TestGenerated(t *testing.T) {
	cfg, err := os.ReadFile("../modules.cfg")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, line := range strings.Split(string(cfg), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			want = append(want, `_ "switchboard/modules/`+line+`"`)
		}
	}
	src, err := os.ReadFile("all.go")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(string(src), "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, `_ "switchboard/modules/`) {
			got = append(got, line)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("all.go is stale:\n%s\nwant:\n%s\nrun go generate ./modules/all", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
