package mi_http

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/mi"
)

// reply is a JSON-RPC reply as a client reads it.
type reply struct {
	JSONRPC string          `json:"jsonrpc"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    string `json:"data"`
	} `json:"error"`
	ID json.RawMessage `json:"id"`
}

func TestWire(t *testing.T) {
	// A real listener on loopback, the core commands behind it: what
	// opensips-cli's http transport talks to.
	srv := httptest.NewServer(Handler(core.MIRegistry))
	defer srv.Close()
	for _, tc := range []struct {
		name, method, body string
		status             int
		code               int    // JSON-RPC error code; 0: a result
		result             string // a substring of the result
	}{
		{name: "valid call", method: "POST", body: `{"jsonrpc":"2.0","method":"uptime","id":"1"}`,
			status: 200, result: `"Up since"`},
		{name: "get_statistics group", method: "POST",
			body:   `{"jsonrpc":"2.0","method":"get_statistics","params":{"statistics":["core:"]},"id":2}`,
			status: 200, result: `"core:rcv_requests":`},
		{name: "get_statistics positional", method: "POST",
			body:   `{"jsonrpc":"2.0","method":"get_statistics","params":[["shmem:used_size"]],"id":3}`,
			status: 200, result: `"shmem:used_size":`},
		{name: "get_statistics unknown", method: "POST",
			body:   `{"jsonrpc":"2.0","method":"get_statistics","params":[["no:such"]],"id":4}`,
			status: 200, code: 404},
		{name: "list_statistics", method: "POST", body: `{"jsonrpc":"2.0","method":"list_statistics","id":5}`,
			status: 200, result: `"core:rcv_requests":"incremental"`},
		{name: "malformed JSON", method: "POST", body: `{"jsonrpc":"2.0","method":`,
			status: 200, code: mi.CodeParseError},
		{name: "unknown method", method: "POST", body: `{"jsonrpc":"2.0","method":"no_such_cmd","id":6}`,
			status: 200, code: mi.CodeMethodNotFound},
		{name: "wrong params", method: "POST", body: `{"jsonrpc":"2.0","method":"get_statistics","params":{"bogus":1},"id":7}`,
			status: 200, code: mi.CodeInvalidParams},
		{name: "wrong param type", method: "POST", body: `{"jsonrpc":"2.0","method":"get_statistics","params":{"statistics":[1]},"id":8}`,
			status: 200, code: mi.CodeInvalidParams},
		{name: "oversized body", method: "POST",
			body:   `{"jsonrpc":"2.0","method":"uptime","id":9,"pad":"` + strings.Repeat("x", mi.MaxRequestSize) + `"}`,
			status: http.StatusRequestEntityTooLarge, code: mi.CodeInvalidRequest},
		{name: "GET instead of POST", method: "GET", status: http.StatusMethodNotAllowed, code: mi.CodeInvalidRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+"/mi", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			var got reply
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatalf("reply is not JSON: %v", err)
			}
			if got.JSONRPC != "2.0" {
				t.Errorf("jsonrpc %q", got.JSONRPC)
			}
			switch {
			case tc.code != 0 && (got.Error == nil || got.Error.Code != tc.code):
				t.Errorf("error %+v, want code %d", got.Error, tc.code)
			case tc.code == 0 && got.Error != nil:
				t.Errorf("unexpected error %+v", got.Error)
			case tc.code == 0 && !strings.Contains(string(got.Result), tc.result):
				t.Errorf("result %s lacks %s", got.Result, tc.result)
			}
		})
	}
}

func TestNotificationHasNoBody(t *testing.T) {
	srv := httptest.NewServer(Handler(core.MIRegistry))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/mi", "application/json", strings.NewReader(`{"jsonrpc":"2.0","method":"uptime"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d, want 204", resp.StatusCode)
	}
}
