package main

import (
	"bytes"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/modules/mi_datagram"
	"switchboard/modules/mi_fifo"
)

// miServer starts a real mi_datagram listener on socket, answering from the
// core MI registry.
func miServer(t *testing.T, socket string) string {
	t.Helper()
	cfg := mi_datagram.DefaultConfig()
	cfg.Socket = socket
	srv, err := mi_datagram.Listen(cfg, core.MIRegistry, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	if strings.HasPrefix(socket, "udp:") {
		return "udp:" + srv.Addr().String()
	}
	return socket
}

func TestMICommand(t *testing.T) {
	udp := miServer(t, "udp:127.0.0.1:0")
	unix := miServer(t, filepath.Join(t.TempDir(), "mi.sock"))
	cases := []struct {
		name    string
		args    []string
		want    string // in the output
		wantErr string // in the error
	}{
		{"udp uptime", []string{"--datagram", udp, "uptime"}, `"Up time":`, ""},
		{"unix uptime", []string{"--datagram", unix, "uptime"}, `"Up time":`, ""},
		{"unknown command", []string{"--datagram", udp, "nope"}, "", "-32601 Method not found"},
		{"wrong params", []string{"--datagram", udp, "cache_fetch", "local"}, "", "Too few or too many parameters"},
		{"mixed params", []string{"--datagram", udp, "cache_fetch", "system=local", "k"}, "", "not both"},
		{"no command", []string{"--datagram", udp}, "", "usage:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			err := runCLI(append([]string{"mi"}, c.args...), &out)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), c.want) {
				t.Fatalf("output %q lacks %q", out.String(), c.want)
			}
		})
	}
}

func TestMIRequest(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, `{"id":1,"jsonrpc":"2.0","method":"ul_dump"}`},
		{[]string{"brief"}, `{"id":1,"jsonrpc":"2.0","method":"ul_dump","params":["brief"]}`},
		{[]string{"table_name=location", "aor=alice"}, `{"id":1,"jsonrpc":"2.0","method":"ul_dump","params":{"aor":"alice","table_name":"location"}}`},
		{[]string{"=x"}, `{"id":1,"jsonrpc":"2.0","method":"ul_dump","params":["=x"]}`},
	}
	for _, c := range cases {
		got, err := miRequest("ul_dump", c.args)
		if err != nil || string(got) != c.want {
			t.Errorf("miRequest(%q) = %s, %v; want %s", c.args, got, err, c.want)
		}
	}
}

func TestMIServerDown(t *testing.T) {
	// A unix socket path nobody listens on fails at once, without waiting.
	err := runCLI([]string{"mi", "--datagram", filepath.Join(t.TempDir(), "none.sock"), "uptime"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "mi:") {
		t.Fatalf("err = %v, want an mi: error", err)
	}
}

// TestFIFOPretty: mi_fifo's pretty_printing spreads the reply over
// lines; the FIFO client reads one JSON value, not one line.
func TestFIFOPretty(t *testing.T) {
	dir := t.TempDir()
	cfg := mi_fifo.DefaultConfig()
	cfg.Path, cfg.ReplyDir, cfg.Pretty = filepath.Join(dir, "fifo"), dir+"/", true
	srv, err := mi_fifo.Listen(cfg, core.MIRegistry, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var out bytes.Buffer
	if err := runCLI([]string{"--fifo", cfg.Path, "--reply-dir", dir, "-j", "mi", "which"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), `["`) || !strings.Contains(out.String(), `"uptime"`) || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("which over a pretty-printing FIFO: %q", out.String())
	}
	// Without the tracer loaded, trace says what is missing.
	err = runCLI([]string{"--fifo", cfg.Path, "--reply-dir", dir, "trace"}, &out)
	if err == nil || !strings.Contains(err.Error(), "must load the tracer module") {
		t.Fatalf("trace without tracer: %v", err)
	}
}
