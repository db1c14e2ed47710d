package e2e

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

const statelessCfg = `
log_level=3
stderror_enabled=yes
syslog_enabled=no
udp_workers=2
socket=udp:127.0.0.1:PORT

loadmodule "proto_udp.so"
loadmodule "sl.so"
loadmodule "signaling.so"
loadmodule "maxfwd.so"
loadmodule "sipmsgops.so"

route {
	if (!mf_process_maxfwd_header(10)) {
		send_reply(483, "Too Many Hops");
		exit;
	}
	if (is_method("OPTIONS") && is_myself("$rd")) {
		send_reply(200, "OK");
		exit;
	}
	UPSTREAM
}

error_route {
	xlog("L_WARN", "bad request from $si: $err.info\n");
	sl_send_reply($err.rcode, $err.rreason);
}
`

func TestOptionsAnsweredStatelessly(t *testing.T) {
	s := start(t, strings.Replace(statelessCfg, "UPSTREAM", "exit;", 1))
	out, err := run(t, 10*time.Second, "sipsak", "-s", fmt.Sprintf("sip:ping@127.0.0.1:%d", s.port), "-H", "127.0.0.1", "-v")
	if err != nil {
		t.Fatalf("sipsak: %v\n%s", err, out)
	}
	if !strings.Contains(out, "SIP/2.0 200 OK") {
		t.Errorf("sipsak got:\n%s", out)
	}
}

const options = `OPTIONS sip:SERVER SIP/2.0
Via: SIP/2.0/UDP CLIENT;branch=z9hG4bKe2e1;rport
Max-Forwards: 0
From: <sip:e2e@127.0.0.1>;tag=e2e
To: <sip:SERVER>
Call-ID: e2e-1@127.0.0.1
CSeq: 1 OPTIONS
Content-Length: 0

`

func TestMaxForwardsZero(t *testing.T) {
	s := start(t, strings.Replace(statelessCfg, "UPSTREAM", "exit;", 1))
	reply := exchange(t, s, options)
	if !strings.HasPrefix(reply, "SIP/2.0 483 Too Many Hops\r\n") {
		t.Fatalf("reply:\n%s", reply)
	}
	if !strings.Contains(reply, ";rport=") || !strings.Contains(reply, "received=127.0.0.1") {
		t.Errorf("the Via of the reply lacks rport/received (RFC 3581):\n%s", reply)
	}
}

// TestMalformedRequestReachesErrorRoute: a request whose CSeq method does
// not match goes to error_route with $err.* set, and the script answers.
func TestMalformedRequestReachesErrorRoute(t *testing.T) {
	s := start(t, strings.Replace(statelessCfg, "UPSTREAM", "exit;", 1))
	bad := strings.Replace(strings.Replace(options, "Max-Forwards: 0", "Max-Forwards: 70", 1), "CSeq: 1 OPTIONS", "CSeq: 1 INVITE", 1)
	reply := exchange(t, s, bad)
	if !strings.HasPrefix(reply, "SIP/2.0 400 Bad Request\r\n") {
		t.Fatalf("reply:\n%s", reply)
	}
	deadline := time.Now().Add(time.Second)
	for !strings.Contains(s.Log(), "does not match request method") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(s.Log(), "does not match request method") {
		t.Errorf("error_route's xlog did not show $err.info:\n%s", s.Log())
	}
}

// TestStatelessCalls: sipp's built-in caller and callee make full calls
// (INVITE/100/180/200/ACK/BYE/200) through a stateless proxy.
func TestStatelessCalls(t *testing.T) {
	uasPort := freePort(t, "127.0.0.2")
	s := start(t, strings.Replace(statelessCfg, "UPSTREAM", fmt.Sprintf("forward(\"udp:127.0.0.2:%d\");", uasPort), 1))
	uas := startSipp(t, "-sn", "uas", "-i", "127.0.0.2", "-p", fmt.Sprint(uasPort))
	const calls = 20
	out, err := run(t, 60*time.Second, "sipp", "-sn", "uac", "-i", "127.0.0.1", "-p", fmt.Sprint(freePort(t, "127.0.0.1")),
		"-m", fmt.Sprint(calls), "-r", "10", "-nostdin", "-timeout", "30s", "-timeout_error",
		fmt.Sprintf("127.0.0.1:%d", s.port))
	if err != nil {
		t.Fatalf("sipp uac failed: %v\n%s\nserver:\n%s\nuas:\n%s", err, tail(out), s.Log(), uas())
	}
}

// startSipp starts a sipp that runs until the test ends and returns a
// function giving its output.
func startSipp(t *testing.T, args ...string) func() string {
	t.Helper()
	out := &lockedBuffer{}
	cmd := exec.Command("sipp", append(args, "-nostdin")...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("sipp: %v (the test command installs it)", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	time.Sleep(200 * time.Millisecond) // let it bind
	return func() string { return tail(out.String()) }
}

func tail(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
