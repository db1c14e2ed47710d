package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// live is the switchboard binary the CLI tests talk to: built and
// started once for the package, on 127.0.0.1, with every MI transport
// and the tracer loaded.
var live struct {
	dir      string // FIFO, reply FIFOs and the cfg files
	cfg      string // the script the server runs
	sip      string // its SIP socket, 127.0.0.1:port
	fifo     string
	datagram string // udp:127.0.0.1:port
	http     string // http://127.0.0.1:port/mi
	httpPort int
	dgPort   int
	log      *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestMain(m *testing.M) {
	os.Exit(runWithServer(m))
}

func runWithServer(m *testing.M) int {
	dir, err := os.MkdirTemp("", "switchboard-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	stop, err := startServer(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting switchboard:", err)
		return 1
	}
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping switchboard:", err)
		return 1
	}
	return code
}

func freeUDPPort() (int, error) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port, nil
}

func freeTCPPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

const liveCfg = `socket=udp:127.0.0.1:SIPPORT
log_level=2
loadmodule "proto_udp.so"
loadmodule "sl.so"
loadmodule "tracer.so"
loadmodule "mi_fifo.so"
modparam("mi_fifo", "fifo_name", "DIR/opensips_fifo")
modparam("mi_fifo", "reply_dir", "DIR/")
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:127.0.0.1:DGPORT")
loadmodule "httpd.so"
modparam("httpd", "ip", "127.0.0.1")
modparam("httpd", "port", HTTPPORT)
loadmodule "mi_http.so"
loadmodule "prometheus.so"
modparam("prometheus", "statistics", "net: core:")
route {
	if ($rm == "OPTIONS") {
		sl_send_reply(200, "OK");
		exit;
	}
	sl_send_reply(404, "Not Here");
}
`

func startServer(dir string) (func() error, error) {
	binary := filepath.Join(dir, "switchboard")
	build := exec.Command("go", "build", "-o", binary, "switchboard/cmd/switchboard")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	sipPort, err := freeUDPPort()
	if err != nil {
		return nil, err
	}
	dgPort, err := freeUDPPort()
	if err != nil {
		return nil, err
	}
	httpPort, err := freeTCPPort()
	if err != nil {
		return nil, err
	}
	cfg := strings.NewReplacer("SIPPORT", fmt.Sprint(sipPort), "DGPORT", fmt.Sprint(dgPort),
		"HTTPPORT", fmt.Sprint(httpPort), "DIR", dir).Replace(liveCfg)
	live.dir, live.cfg = dir, filepath.Join(dir, "opensips.cfg")
	live.sip = fmt.Sprintf("127.0.0.1:%d", sipPort)
	live.fifo = filepath.Join(dir, "opensips_fifo")
	live.datagram = fmt.Sprintf("udp:127.0.0.1:%d", dgPort)
	live.http = fmt.Sprintf("http://127.0.0.1:%d/mi", httpPort)
	live.httpPort, live.dgPort = httpPort, dgPort
	if err := os.WriteFile(live.cfg, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, "-f", live.cfg, "-E")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	live.log = &syncBuffer{}
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		var once sync.Once
		for sc.Scan() {
			fmt.Fprintln(live.log, sc.Text())
			if strings.Contains(sc.Text(), "msg=listening") {
				once.Do(func() { close(listening) })
			}
		}
	}()
	select {
	case <-listening:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		return nil, fmt.Errorf("switchboard did not start:\n%s", live.log)
	}
	return func() error {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("switchboard exited with %v:\n%s", err, live.log)
			}
			return nil
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			return fmt.Errorf("switchboard did not stop on SIGTERM:\n%s", live.log)
		}
	}, nil
}

// transports are the ways the tests reach the live server: by option,
// and by a script that loads only that transport.
func transports(t *testing.T) []struct {
	name string
	args []string
} {
	t.Helper()
	only := func(name, body string) string {
		path := filepath.Join(t.TempDir(), name+".cfg")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	dgCfg := only("datagram", fmt.Sprintf("loadmodule \"mi_datagram.so\"\nmodparam(\"mi_datagram\", \"socket_name\", %q)\n", live.datagram))
	httpCfg := only("http", fmt.Sprintf("loadmodule \"httpd.so\"\nloadmodule \"mi_http.so\"\nmodparam(\"httpd\", \"port\", %d)\n", live.httpPort))
	return []struct {
		name string
		args []string
	}{
		{"fifo option", []string{"--fifo", live.fifo, "--reply-dir", live.dir}},
		{"datagram option", []string{"--datagram", live.datagram}},
		{"http option", []string{"--http=" + live.http}},
		{"fifo from the server's cfg", []string{"-f", live.cfg}},
		{"datagram from cfg", []string{"--config", dgCfg}},
		{"http from cfg", []string{"-f", httpCfg}},
	}
}

func TestLiveCommands(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		want    []string // each in the output
		notWant string
		wantErr string
	}{
		{"mi uptime", []string{"mi", "uptime"}, []string{`"Up time": `}, "", ""},
		{"mi uptime json", []string{"-j", "mi", "uptime"}, []string{`{"Now":"`}, "\n  ", ""},
		{"mi which", []string{"mi", "which"}, []string{`"trace_start"`, `"get_statistics"`}, "", ""},
		{"mi unknown", []string{"mi", "no_such_cmd"}, nil, "", "-32601 Method not found"},
		{"stats all", nil, []string{"core:rcv_requests = ", "net:waiting_udp = ", "shmem:used_size = "}, "", ""},
		{"stats core", []string{"stats", "core"}, []string{"core:rcv_requests = ", "core:timestamp = "}, "net:", ""},
		{"stats net group", []string{"stats", "net:"}, []string{"net:waiting_udp = ", "net:waiting_tcp = 0", "net:waiting_tls = 0"}, "core:", ""},
		{"stats by name", []string{"stats", "rcv_replies"}, []string{"core:rcv_replies = "}, "rcv_requests", ""},
		{"stats json", []string{"--json", "stats", "load:"}, []string{`{"load:load":`}, " = ", ""},
		{"stats unknown", []string{"stats", "nosuch"}, nil, "", "404 Statistics Not Found"},
		{"ps", []string{"ps"}, []string{"ID  PID", "attendant"}, "", ""},
		{"ps json", []string{"-j", "ps"}, []string{`{"Processes":[{"ID":0,"PID":`}, "", ""},
		{"completion", []string{"completion", "bash"}, []string{"complete -F _switchboard_cli switchboard-cli", "trace_start", "get_statistics"}, "", ""},
	}
	for _, tr := range transports(t) {
		for _, c := range cases {
			t.Run(tr.name+"/"+c.name, func(t *testing.T) {
				args := c.args
				if args == nil {
					args = []string{"stats"}
				}
				var out bytes.Buffer
				err := runCLI(append(append([]string{}, tr.args...), args...), &out)
				if c.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), c.wantErr) {
						t.Fatalf("err = %v, want %q", err, c.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatalf("%v\nserver log:\n%s", err, live.log)
				}
				for _, w := range c.want {
					if !strings.Contains(out.String(), w) {
						t.Fatalf("output lacks %q:\n%s", w, out.String())
					}
				}
				if c.notWant != "" && strings.Contains(out.String(), c.notWant) {
					t.Fatalf("output has %q:\n%s", c.notWant, out.String())
				}
			})
		}
	}
}

// TestLiveTrace runs the trace command against the live server over
// each transport, sends an OPTIONS from a UDP socket and checks that
// the trace shows the request and the reply, and that interrupting the
// command stops the server's trace.
func TestLiveTrace(t *testing.T) {
	for _, tr := range transports(t)[:3] {
		t.Run(tr.name, func(t *testing.T) {
			opts = options{}
			if _, err := parseOptions(tr.args); err != nil {
				t.Fatal(err)
			}
			out := &syncBuffer{}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			caller := "alice" + strings.ReplaceAll(tr.name, " ", "")
			go func() { done <- runTrace(ctx, []string{"caller=" + caller, "ip=127.0.0.1"}, out) }()
			// The trace is running once the server lists it.
			waitFor(t, func() bool {
				res, err := miCall("trace", nil)
				return err == nil && strings.Contains(string(res), "switchboard-cli.")
			})
			sendOptions(t, "sip:bob@"+live.sip, "sip:nobody@example.com", "untraced-"+caller)
			client := sendOptions(t, "sip:bob@"+live.sip, "sip:"+caller+"@example.com", "traced-"+caller)
			want := []string{
				"recv udp " + client + " -> " + live.sip + "\nOPTIONS sip:bob@" + live.sip + " SIP/2.0\n",
				"sent udp " + live.sip + " -> " + client + "\nSIP/2.0 200 OK\n",
				"Call-ID: traced-" + caller + "\n",
			}
			// The reply's trace comes after the reply itself: wait for it
			// (the request alone names the call twice, Via and Call-ID).
			waitFor(t, func() bool { return strings.Contains(out.String(), want[1]) })
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			text := out.String()
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Fatalf("trace output lacks %q:\n%s", w, text)
				}
			}
			if strings.Contains(text, "untraced-") {
				t.Fatalf("trace shows a call its filters exclude:\n%s", text)
			}
			res, err := miCall("trace", nil)
			if err != nil || strings.Contains(string(res), "switchboard-cli.") {
				t.Fatalf("trace still listed after the command ended: %s %v", res, err)
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out\nserver log:\n%s", live.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sendOptions sends an OPTIONS from a fresh UDP socket, waits for its
// reply and returns the socket's address.
func sendOptions(t *testing.T, ruri, from, callID string) string {
	t.Helper()
	c, err := net.Dial("udp", live.sip)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	local := c.LocalAddr().String()
	msg := fmt.Sprintf("OPTIONS %s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-%s\r\nMax-Forwards: 70\r\n"+
		"From: <%s>;tag=1\r\nTo: <%s>\r\nCall-ID: %s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", ruri, local, callID, from, ruri, callID)
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil || !strings.HasPrefix(string(buf[:n]), "SIP/2.0 200 OK") {
		t.Fatalf("reply %q, %v", buf[:n], err)
	}
	return local
}

// TestLiveNetStats: the net group is in get_statistics and in the
// Prometheus output of the running server.
func TestLiveNetStats(t *testing.T) {
	opts = options{datagram: live.datagram}
	res, err := miCall("get_statistics", map[string]any{"statistics": []string{"net:"}})
	if err != nil || string(res) != `{"net:waiting_udp":0,"net:waiting_tcp":0,"net:waiting_tls":0}` {
		t.Fatalf("get_statistics net: = %s, %v", res, err)
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", live.httpPort))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, w := range []string{"opensips_waiting_udp 0", "opensips_waiting_tcp 0", "opensips_waiting_tls 0", "opensips_rcv_requests "} {
		if !strings.Contains(string(body), w) {
			t.Fatalf("metrics lack %q:\n%s", w, body)
		}
	}
}

// TestLiveTraceBinary runs the real switchboard-cli binary: trace until
// SIGINT, which must stop the server's trace and exit 0.
func TestLiveTraceBinary(t *testing.T) {
	cli := filepath.Join(t.TempDir(), "switchboard-cli")
	if out, err := exec.Command("go", "build", "-o", cli, "switchboard/cmd/switchboard-cli").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(cli, "-f", live.cfg, "trace", "callee=carol")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	opts = options{datagram: live.datagram}
	waitFor(t, func() bool {
		res, err := miCall("trace", map[string]any{})
		return err == nil && strings.Contains(string(res), `"callee":"carol"`)
	})
	client := sendOptions(t, "sip:carol@"+live.sip, "sip:dave@example.com", "binary-trace")
	waitFor(t, func() bool { return strings.Contains(out.String(), "SIP/2.0 200 OK") })
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("switchboard-cli trace exited with %v:\n%s", err, out)
	}
	if !strings.Contains(out.String(), "recv udp "+client+" -> "+live.sip+"\nOPTIONS sip:carol@") {
		t.Fatalf("trace output:\n%s", out)
	}
	res, err := miCall("trace", nil)
	if err != nil || strings.Contains(string(res), "carol") {
		t.Fatalf("trace still listed after SIGINT: %s %v", res, err)
	}
}

// TestLiveTraceJSON: with -j each traced message is one JSON object.
func TestLiveTraceJSON(t *testing.T) {
	opts = options{http: live.http, json: true}
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runTrace(ctx, []string{"callee=erin"}, out) }()
	waitFor(t, func() bool {
		res, err := miCall("trace", nil)
		return err == nil && strings.Contains(string(res), `"callee":"erin"`)
	})
	client := sendOptions(t, "sip:erin@"+live.sip, "sip:x@example.com", "json-trace")
	waitFor(t, func() bool { return strings.Count(out.String(), "\n") >= 2 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var first, second tracedJSON
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	if first.Direction != "recv" || first.Src != client || first.Dst != live.sip || first.CallID != "json-trace" ||
		first.Proto != "udp" || !strings.HasPrefix(first.Message, "OPTIONS sip:erin@") {
		t.Errorf("first %+v", first)
	}
	if second.Direction != "sent" || second.Src != live.sip || !strings.HasPrefix(second.Message, "SIP/2.0 200 OK\r\n") {
		t.Errorf("second %+v", second)
	}
	if _, err := time.Parse(time.RFC3339Nano, first.Time); err != nil {
		t.Errorf("time %q: %v", first.Time, err)
	}
}
