package script

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// The stock OpenSIPS 3.6 configs must parse cleanly and round-trip. The
// .m4 templates are rendered with GNU m4 as `opensips -p m4` would, once
// with their default switches and once with every feature switch on.
func TestStockConfigs(t *testing.T) {
	src, err := os.ReadFile("testdata/opensips.cfg")
	if err != nil {
		t.Fatal(err)
	}
	checkConfig(t, "testdata/opensips.cfg", src)

	m4, err := exec.LookPath("m4")
	if err != nil {
		t.Fatal("GNU m4 is needed to render the .m4 templates (apt-get install m4)")
	}
	switchDefine := regexp.MustCompile("(?m)^(define\\(`(?:ENABLE|USE|HAVE|VM|DO|DISABLE)_[A-Z_]+', `)no'\\)")
	templates, _ := filepath.Glob("testdata/*.m4")
	if len(templates) != 3 {
		t.Fatalf("found %d templates, want 3", len(templates))
	}
	for _, name := range templates {
		tmpl, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		variants := map[string][]byte{
			"defaults":     tmpl,
			"all-features": switchDefine.ReplaceAll(tmpl, []byte("${1}yes')")),
		}
		for variant, text := range variants {
			t.Run(filepath.Base(name)+"/"+variant, func(t *testing.T) {
				cmd := exec.Command(m4)
				cmd.Stdin = bytesReader(text)
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("m4 %s: %v", name, err)
				}
				checkConfig(t, name, out)
			})
		}
	}
}

func checkConfig(t *testing.T, name string, src []byte) {
	t.Helper()
	s, err := Parse(name, src)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(s.Routes) == 0 || len(s.Modules) == 0 || len(s.Params) == 0 {
		t.Fatalf("%s: parsed %d routes, %d modules, %d params", name, len(s.Routes), len(s.Modules), len(s.Params))
	}
	roundTrip(t, s)
}
