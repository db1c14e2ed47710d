package core

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"switchboard/script"
)

// stockDir holds the stock OpenSIPS 3.6 configs (copied from
// ../shared/testdata/opensips-3.6-configs).
const stockDir = "../script/testdata"

var switchDefine = regexp.MustCompile("(?m)^(define\\(`(?:ENABLE|USE|HAVE|VM|DO|DISABLE)_[A-Z_]+', `)no'\\)")

// setSwitch turns one feature switch of a template on.
func setSwitch(tmpl []byte, name string) []byte {
	return bytes.Replace(tmpl, []byte("define(`"+name+"', `no')"), []byte("define(`"+name+"', `yes')"), 1)
}

// TestStockConfigsCheck is `switchboard -c` on the four stock configs, the
// templates rendered with -p m4 with their switches off and then on: the
// language is all understood, so every error left is a module, function,
// parameter or global parameter not built yet, reported as such.
func TestStockConfigsCheck(t *testing.T) {
	if _, err := exec.LookPath("m4"); err != nil {
		t.Fatal("GNU m4 is needed to render the .m4 templates (apt-get install m4)")
	}
	type variant struct {
		name string
		text []byte
	}
	var variants []variant
	cfg, err := os.ReadFile(filepath.Join(stockDir, "opensips.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	variants = append(variants, variant{"opensips.cfg", cfg})
	for _, tmpl := range []string{"residential.m4", "trunking.m4", "loadbalancer.m4"} {
		text, err := os.ReadFile(filepath.Join(stockDir, tmpl))
		if err != nil {
			t.Fatal(err)
		}
		variants = append(variants,
			variant{tmpl + "/off", text},
			variant{tmpl + "/on", switchDefine.ReplaceAll(text, []byte("${1}yes')"))})
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			errs := checkStock(t, v.name, v.text)
			notSupported := 0
			for _, e := range errs {
				if !strings.Contains(e.Msg, "not supported: ") {
					t.Errorf("language error: %v", e)
				}
				notSupported++
			}
			t.Logf("%s: %d not supported", v.name, notSupported)
		})
	}
}

// TestStockTemplateBugs: the residential template bug of the surface doc
// (a.3) is rejected as OpenSIPS rejects it. Its second bug (a "CUSTOMIZE
// ME" comment expanded after `$rd=...;`) is fixed in the template shipped
// here: that rendering must check clean.
func TestStockTemplateBugs(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(stockDir, "residential.m4"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, on, want string
	}{
		{"inbound PSTN without DR: `$sp=5060` inside if", "HAVE_INBOUND_PSTN", "found '=' in the if condition: use '==' to compare"},
		{"outbound PSTN without DR renders `$rd=\"11.22.33.44\";`", "HAVE_OUTBOUND_PSTN", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var language []string
			for _, e := range checkStock(t, tc.on, setSwitch(text, tc.on)) {
				if !strings.Contains(e.Msg, "not supported: ") {
					language = append(language, e.Error())
				}
			}
			got := strings.Join(language, "\n")
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("language errors:\n%s\nwant one containing %q", got, tc.want)
			}
		})
	}
}

// checkStock renders a template with m4 when it is one, then parses and
// compiles it, returning every error.
func checkStock(t *testing.T, name string, text []byte) script.ErrorList {
	t.Helper()
	if strings.Contains(string(text), "define(`") {
		out, err := preprocess("m4", text)
		if err != nil {
			t.Fatal(err)
		}
		text = out
	}
	s, err := script.Parse(name, text)
	if err == nil {
		_, err = Compile(s, LoadOptions{})
	}
	var errs script.ErrorList
	if err != nil && !errors.As(err, &errs) {
		t.Fatalf("error %T: %v", err, err)
	}
	return errs
}
