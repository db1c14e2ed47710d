package mi

import (
	"context"
	"encoding/json"
	"testing"
)

// FuzzDispatch feeds arbitrary bytes to the JSON-RPC handling: it must
// never panic, and whatever it answers must be one JSON object with the
// JSON-RPC envelope.
func FuzzDispatch(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","method":"echo","id":1}`,
		`{"jsonrpc":"2.0","method":"echo","params":["a",2],"id":"x"}`,
		`{"jsonrpc":"2.0","method":"twins","params":{"y":1},"id":null}`,
		`{"jsonrpc":"2.0","method":"int","params":["9999999999999999999999"],"id":1}`,
		`[{"jsonrpc":"2.0"}]`, `{"jsonrpc":"2.0","method":`, `null`, `"\ud800"`,
	} {
		f.Add([]byte(seed))
	}
	reg := testRegistry()
	f.Fuzz(func(t *testing.T, req []byte) {
		out := Dispatch(context.Background(), reg, req)
		if out == nil {
			return
		}
		var reply map[string]json.RawMessage
		if err := json.Unmarshal(out, &reply); err != nil {
			t.Fatalf("reply is not a JSON object: %v: %s", err, out)
		}
		_, hasResult := reply["result"]
		_, hasError := reply["error"]
		if string(reply["jsonrpc"]) != `"2.0"` || hasResult == hasError {
			t.Fatalf("bad envelope: %s", out)
		}
		if _, ok := reply["id"]; !ok {
			t.Fatalf("no id: %s", out)
		}
	})
}
