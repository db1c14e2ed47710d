package signaling

import (
	"strings"
	"testing"

	"switchboard/core/coretest"
	_ "switchboard/modules/sl"
)

func TestSendReplyStateless(t *testing.T) {
	r := coretest.RunScript(t, "loadmodule \"sl.so\"\nloadmodule \"signaling.so\"\nroute {\n\tsend_reply(483, \"Too Many Hops\");\n}\n", coretest.Invite)
	if len(r.Sent.Replies) != 1 || !strings.HasPrefix(r.Sent.Replies[0], "SIP/2.0 483 Too Many Hops\r\n") {
		t.Fatalf("replies: %q", r.Sent.Replies)
	}
}

func TestNeedsSL(t *testing.T) {
	got := coretest.CompileErrors(t, "loadmodule \"signaling.so\"\nroute { send_reply(404, \"x\"); }\n")
	if got != "test.cfg:1:1: module signaling needs module sl: add loadmodule \"sl.so\"" {
		t.Errorf("errors: %s", got)
	}
}
