package usrloc

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"switchboard/mi"
)

// TestMIDispatch: ul_dump, ul_show_contact and ul_rm through the MI
// dispatcher, in OpenSIPS's reply shapes.
func TestMIDispatch(t *testing.T) {
	u, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Add("location", "alice", "sip:alice@192.0.2.1:5060", 0, 500, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	reg := mi.NewRegistry()
	reg.Register("usrloc", miCommands()...)
	call := func(method, params string) map[string]any {
		t.Helper()
		out := mi.Dispatch(context.Background(), reg, []byte(`{"jsonrpc":"2.0","id":1,"method":"`+method+`","params":`+params+`}`))
		var reply map[string]any
		if err := json.Unmarshal(out, &reply); err != nil {
			t.Fatalf("%s: %v: %s", method, err, out)
		}
		return reply
	}
	dump, _ := json.Marshal(call("ul_dump", "[]")["result"])
	if !strings.Contains(string(dump), `"AOR":"alice"`) || !strings.Contains(string(dump), `"Contact":"sip:alice@192.0.2.1:5060"`) {
		t.Errorf("ul_dump: %s", dump)
	}
	show, _ := json.Marshal(call("ul_show_contact", `["location","alice"]`)["result"])
	if !strings.Contains(string(show), `"Q":0.5`) {
		t.Errorf("ul_show_contact: %s", show)
	}
	if r := call("ul_rm", `{"table_name":"location","aor":"alice"}`); r["result"] != "OK" {
		t.Errorf("ul_rm: %v", r)
	}
	if r := call("ul_show_contact", `["location","alice"]`); r["error"] == nil {
		t.Errorf("ul_show_contact after ul_rm: %v", r)
	}
}
