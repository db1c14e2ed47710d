package coretest

import (
	"strings"
	"testing"
)

func TestRunRoute(t *testing.T) {
	r := RunRoute(t, `
		setflag("NAT");
		$du = "sip:127.0.0.1:5080";
		$rU = "carol";
		append_branch("sip:dave@biloxi.example.com");
		xlog("L_INFO", "routing $rm to $ru\n");
		exit;`, Invite)
	if r.Code != 0 {
		t.Errorf("code %d, want 0 after exit", r.Code)
	}
	if r.Ctx.DstURI != "sip:127.0.0.1:5080" {
		t.Errorf("$du: %q", r.Ctx.DstURI)
	}
	if len(r.Ctx.Branches) != 1 || r.Ctx.Branches[0].URI != "sip:dave@biloxi.example.com" {
		t.Errorf("branches: %+v", r.Ctx.Branches)
	}
	if r.Ctx.Flags == 0 {
		t.Error("setflag left no flag")
	}
	if !strings.HasPrefix(r.Out(), "INVITE sip:carol@biloxi.example.com SIP/2.0\r\n") {
		t.Errorf("message out:\n%s", r.Out())
	}
	if !strings.Contains(r.Log.String(), "routing INVITE to sip:carol@biloxi.example.com") {
		t.Errorf("log:\n%s", r.Log)
	}
}

func TestCompileErrors(t *testing.T) {
	got := CompileErrors(t, "route {\n\tt_relay();\n}\n")
	if got != "test.cfg:2:2: not supported: t_relay (module tm)" {
		t.Errorf("errors: %s", got)
	}
}
