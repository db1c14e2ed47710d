package sipmsgops

import (
	"testing"

	"switchboard/core/coretest"
	_ "switchboard/modules/sl"
	"switchboard/sip"
)

// TestAppendToReply: headers given to append_to_reply appear in the reply
// sl sends (sipmsgops docs: append_to_reply("Foo: bar\r\n")).
func TestAppendToReply(t *testing.T) {
	r := coretest.RunScript(t, "loadmodule \"sl.so\"\nloadmodule \"sipmsgops.so\"\nroute {\n"+
		`append_to_reply("Contact: <sip:bob@192.0.2.4>\r\nX-Reason: moved\r\n"); sl_send_reply(302, "Moved Temporarily");`+"\n}\n", coretest.Invite)
	if len(r.Sent.Replies) != 1 {
		t.Fatalf("replies: %q", r.Sent.Replies)
	}
	reply, err := sip.ParseString(r.Sent.Replies[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := reply.Value(sip.HdrContact); got != "<sip:bob@192.0.2.4>" {
		t.Errorf("Contact %q", got)
	}
	if h, ok := reply.HeaderNamed("X-Reason"); !ok || h.Value != "moved" {
		t.Errorf("X-Reason missing:\n%s", r.Sent.Replies[0])
	}
	if bad := coretest.RunScript(t, "loadmodule \"sipmsgops.so\"\nroute {\nif (!append_to_reply(\"no colon here\")) { $var(x) = 1; }\n}\n", coretest.Invite); bad.Ctx.Vars.Get("x").String() != "1" {
		t.Error("a line without a colon was accepted")
	}
}
