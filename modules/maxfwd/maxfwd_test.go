package maxfwd

import (
	"strings"
	"testing"

	"switchboard/core/coretest"
	"switchboard/sip"
)

const load = "loadmodule \"maxfwd.so\"\n"

func invite(maxForwards string) string {
	msg := "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
	if maxForwards != "" {
		msg += "Max-Forwards: " + maxForwards + "\r\n"
	}
	return msg + "To: Bob <sip:bob@biloxi.example.com>\r\n" +
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
		"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
		"CSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n"
}

// withHeaderOnTop is invite() with Max-Forwards added before the first
// header, where mf_process_maxfwd_header puts a missing one.
func withHeaderOnTop(value string) string {
	return strings.Replace(invite(""), "Via:", "Max-Forwards: "+value+"\r\nVia:", 1)
}

func TestProcessMaxForwards(t *testing.T) {
	tests := []struct {
		name   string
		cfg    string // statements; $var(rc) gets the return code
		msg    string
		rc     int
		out    string
		params string
	}{
		{"doc: header found and decremented returns 1",
			`mf_process_maxfwd_header(10);`, invite("70"), 1, invite("69"), ""},
		{"doc: header missing is added with max_value, returns 2",
			`mf_process_maxfwd_header(10);`, invite(""), 2, withHeaderOnTop("10"), ""},
		{"doc: value 0 cannot be decremented, returns -1",
			`mf_process_maxfwd_header(10);`, invite("0"), -1, invite("0"), ""},
		{"doc: value 1 goes to 0, returns 1",
			`mf_process_maxfwd_header(10);`, invite("1"), 1, invite("0"), ""},
		{"doc max_limit: decremented value is capped to max_limit",
			`mf_process_maxfwd_header(10);`, invite("70"), 1, invite("32"), `modparam("maxfwd", "max_limit", 32)` + "\n"},
		{"doc max_limit: values below the limit are only decremented",
			`mf_process_maxfwd_header(10);`, invite("20"), 1, invite("19"), `modparam("maxfwd", "max_limit", 32)` + "\n"},
		{"doc: error during processing (not a number) returns -2",
			`mf_process_maxfwd_header(10);`, invite("abc"), -2, invite("abc"), ""},
		{"a second call counts the hop once",
			`mf_process_maxfwd_header(10); mf_process_maxfwd_header(10);`, invite("70"), 1, invite("69"), ""},
		{"a second call after adding sees the added header",
			`mf_process_maxfwd_header(10); mf_process_maxfwd_header(10);`, invite(""), 1, withHeaderOnTop("10"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			maxLimit = upperLimit
			t.Cleanup(func() { maxLimit = upperLimit })
			r := coretest.RunScript(t, load+tt.params+"route {\n"+tt.cfg+"\n$var(rc) = $rc;\n}\n", tt.msg)
			if got, _ := r.Ctx.Vars.Get("rc").AsInt(); got != tt.rc {
				t.Errorf("return code %d, want %d", got, tt.rc)
			}
			if r.Out() != tt.out {
				t.Errorf("message out:\n%q\nwant:\n%q", r.Out(), tt.out)
			}
			if _, err := sip.ParseString(r.Out()); err != nil {
				t.Errorf("output does not parse: %v", err)
			}
		})
	}
}

func TestIsMaxForwardsLess(t *testing.T) {
	tests := []struct {
		name string
		cfg  string
		msg  string
		rc   int
	}{
		{"doc: value strictly less returns 1", `is_maxfwd_lt(10);`, invite("5"), 1},
		{"doc: value equal returns -1", `is_maxfwd_lt(5);`, invite("5"), -1},
		{"doc: value greater returns -1", `is_maxfwd_lt(5);`, invite("70"), -1},
		{"doc: header not found returns -2", `is_maxfwd_lt(5);`, invite(""), -2},
		{"doc: error during processing returns -3", `is_maxfwd_lt(5);`, invite("x1"), -3},
		{"doc: sees the decremented value", `mf_process_maxfwd_header(10); is_maxfwd_lt(5);`, invite("5"), 1},
		{"doc: sees a locally added header", `mf_process_maxfwd_header(3); is_maxfwd_lt(5);`, invite(""), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := coretest.RunScript(t, load+"route {\n"+tt.cfg+"\n$var(rc) = $rc;\n}\n", tt.msg)
			if got, _ := r.Ctx.Vars.Get("rc").AsInt(); got != tt.rc {
				t.Errorf("return code %d, want %d", got, tt.rc)
			}
		})
	}
}

// Bad constants are refused when the script loads, as OpenSIPS's fixup
// and mod_init do; the functions are REQUEST_ROUTE (and is_maxfwd_lt
// also failure and branch) only.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, cfg, want string
	}{
		{"argument above 256", "route {\nmf_process_maxfwd_header(300);\n}\n", "must be a number from 1 to 256"},
		{"argument 0", "route {\nis_maxfwd_lt(0);\n}\n", "must be a number from 1 to 256"},
		{"argument above max_limit", `modparam("maxfwd", "max_limit", 20)` + "\nroute {\nmf_process_maxfwd_header(30);\n}\n", "above max_limit 20"},
		{"max_limit out of range", `modparam("maxfwd", "max_limit", 0)` + "\nroute {\nexit;\n}\n", "max_limit 0 is out of range"},
		{"not in onreply_route", "route {\nexit;\n}\nonreply_route {\nmf_process_maxfwd_header(10);\n}\n", "onreply_route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			maxLimit = upperLimit
			t.Cleanup(func() { maxLimit = upperLimit })
			got := coretest.CompileErrors(t, load+tt.cfg)
			if !strings.Contains(got, tt.want) {
				t.Errorf("errors %q, want one containing %q", got, tt.want)
			}
		})
	}
}
