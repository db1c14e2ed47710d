package tm

import (
	"strings"
	"testing"

	"switchboard/core/coretest"
)

// TestNewRequestChecks: t_new_request takes four to six arguments and is
// refused in local_route, where it would start itself again without end.
func TestNewRequestChecks(t *testing.T) {
	tests := []struct {
		name, cfg, want string
	}{
		{"local_route", `loadmodule "tm.so"
route { exit; }
local_route { t_new_request("MESSAGE", "sip:a@127.0.0.1", "sip:b@127.0.0.1", "sip:c@127.0.0.1"); }
`, "local_route"},
		{"too few arguments", `loadmodule "tm.so"
route { t_new_request("MESSAGE", "sip:a@127.0.0.1", "sip:b@127.0.0.1"); }
`, "t_new_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := coretest.CompileErrors(t, tc.cfg); !strings.Contains(got, tc.want) {
				t.Errorf("errors %q, want one about %q", got, tc.want)
			}
		})
	}
}

// TestNameAddr: t_new_request's "[display ]URI".
func TestNameAddr(t *testing.T) {
	for in, want := range map[string]string{
		"sip:a@b":                "<sip:a@b>",
		"Alice sip:a@b":          "Alice <sip:a@b>",
		`"Alice B" sip:a@b`:      `"Alice B" <sip:a@b>`,
		"  Bob   sip:bob@x.com ": "Bob <sip:bob@x.com>",
	} {
		if got := nameAddr(in); got != want {
			t.Errorf("nameAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
