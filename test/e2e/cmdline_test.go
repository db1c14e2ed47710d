package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// OpenSIPS's command line on the real binary: -l adds a socket the script
// does not have, -o feeds $argv, -dd raises log_level to debug, -P
// writes the pid file and a clean stop removes it, -m is accepted with a
// notice.
func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cmdline.cfg")
	script := `log_level=2
loadmodule "sl.so"
loadmodule "proto_udp.so"
route {
	sl_send_reply(200, "$argv(greeting)");
	exit;
}
`
	if err := os.WriteFile(cfg, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t, "127.0.0.1")
	pidFile := filepath.Join(dir, "sb.pid")
	cmd := exec.Command(binary, "-Ef", cfg, "-l", fmt.Sprintf("udp:127.0.0.1:%d", port),
		"-o", "greeting=hello-from-argv", "-dd", "-P", pidFile, "-m", "64")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var log strings.Builder
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		var once sync.Once
		for sc.Scan() {
			mu.Lock()
			log.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.Contains(sc.Text(), "msg=listening") {
				once.Do(func() { close(listening) })
			}
		}
	}()
	logText := func() string { mu.Lock(); defer mu.Unlock(); return log.String() }
	select {
	case <-listening:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("switchboard did not start:\n%s", logText())
	}
	srv := &server{port: port}
	exchange(t, srv, "not SIP at all\n\n") // logged at debug level only
	reply := exchange(t, srv, "OPTIONS sip:SERVER SIP/2.0\nVia: SIP/2.0/UDP CLIENT;branch=z9hG4bK-cmdline\nFrom: <sip:a@127.0.0.1>;tag=1\nTo: <sip:b@127.0.0.1>\nCall-ID: cmdline-1\nCSeq: 1 OPTIONS\nMax-Forwards: 70\nContent-Length: 0\n\n")
	if !strings.HasPrefix(reply, "SIP/2.0 200 hello-from-argv\r\n") {
		t.Errorf("reply over the -l socket:\n%s\nlog:\n%s", reply, logText())
	}
	pid, err := os.ReadFile(pidFile)
	if err != nil || strings.TrimSpace(string(pid)) != strconv.Itoa(cmd.Process.Pid) {
		t.Errorf("pid file %q (%v), want %d", pid, err, cmd.Process.Pid)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v\n%s", err, logText())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("no stop on SIGTERM:\n%s", logText())
	}
	out := logText()
	for _, want := range []string{"first line does not parse", "-m 64 ignored"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Errorf("pid file left after a clean stop: %v", err)
	}
}

// A flag switchboard cannot honour stops the start with a clear error.
func TestCommandLineRefused(t *testing.T) {
	for _, args := range [][]string{{"-t", "/var/empty"}, {"-u", "nobody"}, {"-x"}, {"-n", "0"}} {
		out, err := exec.Command(binary, args...).CombinedOutput()
		if code := exitCode(err); code != 2 {
			t.Errorf("%v: exit %d, want 2; output %s", args, code, out)
		}
		if !strings.Contains(string(out), "switchboard: ") {
			t.Errorf("%v: output %q lacks the error", args, out)
		}
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// The MI's kill stops the real binary as SIGTERM does: the reply comes
// first, then a graceful stop with exit status 0 (checked when the test
// ends). log_level over the MI raises the level of the running server.
func TestMIKillAndLogLevel(t *testing.T) {
	miPort := freePort(t, "127.0.0.1")
	s := start(t, fmt.Sprintf(`log_level=2
socket=udp:127.0.0.1:PORT
loadmodule "proto_udp.so"
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:127.0.0.1:%d")
route { exit; }
`, miPort))
	if got := miCall(t, miPort, `{"jsonrpc":"2.0","id":1,"method":"log_level","params":[4]}`); !strings.Contains(got, `"New global log level":4`) {
		t.Errorf("log_level 4: %s", got)
	}
	exchange(t, s, "not SIP at all\n\n") // logged at debug level only
	if got := miCall(t, miPort, `{"jsonrpc":"2.0","id":1,"method":"kill"}`); !strings.Contains(got, `"result":"OK"`) {
		t.Fatalf("kill: %s", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.Log(), "msg=stopping") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{"msg=stopping", "first line does not parse"} {
		if !strings.Contains(s.Log(), want) {
			t.Errorf("log lacks %q:\n%s", want, s.Log())
		}
	}
}
