package core_test

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/core"
)

// The logging MI commands change what a running server logs: log_level
// and xlog_level at run time, a consumer's filter and mute switch.
func TestLogMICommands(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.cfg")
	port := core.FreePort(t, "tcp")
	cfg := fmt.Sprintf("log_level=2\nxlog_level=2\nsocket=tcp:127.0.0.1:%d\nloadmodule \"proto_tcp.so\"\nroute { exit; }\n", port)
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := core.Load(path, core.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := l.Config
	c.StderrEnabled, c.SyslogEnabled = true, false
	out := &syncBuffer{}
	logs, err := core.OpenLoggers(c, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	killed := make(chan struct{})
	srv, err := core.NewServer(path, core.ServerOptions{Loggers: logs, OnKill: func() { close(killed) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	pid := os.Getpid()

	steps := []struct{ name, req, want string }{
		{"log_level", `{"jsonrpc":"2.0","id":1,"method":"log_level"}`, `"Log level":2,"Type":"attendant"`},
		{"log_level set", `{"jsonrpc":"2.0","id":1,"method":"log_level","params":[4]}`, `"result":{"New global log level":4}`},
		{"log_level now", `{"jsonrpc":"2.0","id":1,"method":"log_level"}`, `"Log level":4`},
		{"log_level by pid", fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"log_level","params":{"level":3,"pid":%d}}`, pid), `"result":{"Log level":3}`},
		{"log_level bad pid", `{"jsonrpc":"2.0","id":1,"method":"log_level","params":{"level":3,"pid":1}}`, `"code":-32602,"message":"Invalid params","data":"Bad PID"`},
		{"log_level out of range", `{"jsonrpc":"2.0","id":1,"method":"log_level","params":[9]}`, `"code":-32602`},
		{"log_level not a number", `{"jsonrpc":"2.0","id":1,"method":"log_level","params":["loud"]}`, `"code":-32602`},
		{"xlog_level", `{"jsonrpc":"2.0","id":1,"method":"xlog_level"}`, `"result":{"xLog Level":2}`},
		{"xlog_level set", `{"jsonrpc":"2.0","id":1,"method":"xlog_level","params":[4]}`, `"result":{"New xLog level":4}`},
		{"filter", `{"jsonrpc":"2.0","id":1,"method":"log_level_filter","params":["stderror"]}`, `"result":{"Log level filter":0}`},
		{"filter unknown", `{"jsonrpc":"2.0","id":1,"method":"log_level_filter","params":["kafka"]}`, `"error":{"code":404,"message":"Unknown log consumer"}`},
		{"mute state", `{"jsonrpc":"2.0","id":1,"method":"log_mute_state","params":["stderror"]}`, `"result":{"mute state":0}`},
		{"syslog muted", `{"jsonrpc":"2.0","id":1,"method":"log_mute_state","params":["syslog"]}`, `"result":{"mute state":1}`},
		{"syslog never opened", `{"jsonrpc":"2.0","id":1,"method":"log_mute_state","params":["syslog",0]}`, `"code":500,"message":"syslog is not open"`},
		{"mem_shm_dump", `{"jsonrpc":"2.0","id":1,"method":"mem_shm_dump","params":[2]}`, `"result":"OK"`},
		{"mem_pkg_dump other pid", `{"jsonrpc":"2.0","id":1,"method":"mem_pkg_dump","params":[1]}`, `"data":"Bad PID"`},
		{"shm_check", `{"jsonrpc":"2.0","id":1,"method":"shm_check"}`, `"heap_objects":`},
	}
	for _, s := range steps {
		if got := miCall(t, s.req); !strings.Contains(got, s.want) {
			t.Errorf("%s: reply %s\nwant it to contain %s", s.name, got, s.want)
		}
	}
	if !strings.Contains(out.String(), "memory dump") {
		t.Errorf("mem_shm_dump logged nothing:\n%s", out)
	}

	// At log_level 4 a debug line reaches stderr; muted, nothing does; with
	// a filter at L_ERR only errors pass.
	miCall(t, `{"jsonrpc":"2.0","id":1,"method":"log_level","params":[4]}`)
	logDebug := func(msg string) { srv.Logger().Debug(msg) }
	logDebug("first debug line")
	miCall(t, `{"jsonrpc":"2.0","id":1,"method":"log_mute_state","params":["stderror",1]}`)
	logDebug("muted debug line")
	miCall(t, `{"jsonrpc":"2.0","id":1,"method":"log_mute_state","params":["stderror",0]}`)
	miCall(t, `{"jsonrpc":"2.0","id":1,"method":"log_level_filter","params":["stderror",-1]}`)
	logDebug("filtered debug line")
	srv.Logger().Error("an error line")
	miCall(t, `{"jsonrpc":"2.0","id":1,"method":"log_level","params":[1]}`)
	miCall(t, `{"jsonrpc":"2.0","id":1,"method":"log_level_filter","params":["stderror",0]}`)
	logDebug("below log_level")
	text := out.String()
	for line, want := range map[string]bool{"first debug line": true, "muted debug line": false,
		"filtered debug line": false, "an error line": true, "below log_level": false} {
		if strings.Contains(text, line) != want {
			t.Errorf("%q logged: %v, want %v\n%s", line, !want, want, text)
		}
	}

	// list_tcp_conns shows a connection a client opened.
	var tcp string
	for _, s := range srv.Sockets() {
		if s.Proto().String() == "tcp" {
			tcp = s.Local.String()
		}
	}
	conn, err := net.Dial("tcp", tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("\r\n\r\n")) // a keepalive: the connection is accepted and kept
	var got string
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if got = miCall(t, `{"jsonrpc":"2.0","id":1,"method":"list_tcp_conns"}`); strings.Contains(got, conn.LocalAddr().String()) {
			break
		}
	}
	if !strings.Contains(got, `"Type":"tcp"`) || !strings.Contains(got, `"Remote":"`+conn.LocalAddr().String()+`"`) {
		t.Errorf("list_tcp_conns: %s, want the client %s", got, conn.LocalAddr())
	}
	if got := miCall(t, `{"jsonrpc":"2.0","id":1,"method":"list_tcp_conns","params":["udp"]}`); !strings.Contains(got, `"Connections":[]`) {
		t.Errorf("list_tcp_conns udp: %s", got)
	}
	if got := miCall(t, `{"jsonrpc":"2.0","id":1,"method":"list_tcp_conns","params":["pigeon"]}`); !strings.Contains(got, `"code":400,"message":"Bad protocol"`) {
		t.Errorf("list_tcp_conns pigeon: %s", got)
	}

	// kill answers first, then stops the server through OnKill.
	if got := miCall(t, `{"jsonrpc":"2.0","id":1,"method":"kill"}`); !strings.Contains(got, `"result":"OK"`) {
		t.Errorf("kill: %s", got)
	}
	select {
	case <-killed:
	case <-time.After(2 * time.Second):
		t.Error("kill did not call OnKill")
	}
}
