// Package e2e runs the real switchboard binary with real scripts and
// drives it with real SIP clients (sipp, sipsak) on loopback.
package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
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

// binary is the switchboard built once for all tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "switchboard-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "switchboard")
	build := exec.Command("go", "build", "-o", binary, "switchboard/cmd/switchboard")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building switchboard:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// freePort returns a port free on ip for both UDP and TCP: the servers
// of the tests listen on both with one port.
func freePort(t *testing.T, ip string) int {
	t.Helper()
	for range 50 {
		c, err := net.ListenPacket("udp", ip+":0")
		if err != nil {
			t.Fatal(err)
		}
		port := c.LocalAddr().(*net.UDPAddr).Port
		l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
		c.Close()
		if err == nil {
			l.Close()
			return port
		}
	}
	t.Fatalf("no port free for both UDP and TCP on %s", ip)
	return 0
}

// server is a running switchboard.
type server struct {
	cmd  *exec.Cmd
	port int
	cfg  string // the script file, for tests that rewrite it and reload
	mu   sync.Mutex
	log  bytes.Buffer
}

// Log returns what the server logged so far.
func (s *server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// start runs switchboard with cfg, where every "PORT" is replaced by a
// free port on 127.0.0.1, and waits until it listens. The server is
// stopped with SIGTERM when the test ends, and must exit cleanly.
func start(t *testing.T, cfg string) *server {
	t.Helper()
	s := &server{port: freePort(t, "127.0.0.1")}
	path := filepath.Join(t.TempDir(), "test.cfg")
	s.cfg = path
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(cfg, "PORT", fmt.Sprint(s.port))), 0o644); err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(binary, "-f", path, "-E")
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			s.mu.Lock()
			s.log.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if strings.Contains(sc.Text(), "msg=listening") {
				once.Do(func() { close(listening) })
			}
		}
	}()
	select {
	case <-listening:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("switchboard did not start:\n%s", s.Log())
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- s.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("switchboard exited with %v:\n%s", err, s.Log())
			}
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			t.Errorf("switchboard did not stop on SIGTERM:\n%s", s.Log())
		}
	})
	return s
}

// exchange sends one datagram to the server from a fresh socket and
// returns the first reply, or "" when none comes within a second.
func exchange(t *testing.T, s *server, msg string) string {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	port := c.LocalAddr().(*net.UDPAddr).Port
	msg = strings.ReplaceAll(strings.ReplaceAll(msg, "\n", "\r\n"), "CLIENT", fmt.Sprintf("127.0.0.1:%d", port))
	msg = strings.ReplaceAll(msg, "SERVER", fmt.Sprintf("127.0.0.1:%d", s.port))
	if _, err := c.WriteTo([]byte(msg), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.port}); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 65535)
	n, _, err := c.ReadFrom(buf)
	if err != nil {
		return ""
	}
	return string(buf[:n])
}

// run runs a SIP client to completion, with a deadline.
func run(t *testing.T, timeout time.Duration, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v (the test command installs it)", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		return out.String(), fmt.Errorf("%s timed out", name)
	}
}
