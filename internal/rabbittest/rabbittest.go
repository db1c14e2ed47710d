// Package rabbittest starts a RabbitMQ broker private to one test binary
// (from the Debian package rabbitmq-server): its own node name, AMQP
// port, Erlang distribution port, epmd port, Mnesia and log directories
// and Erlang cookie, all on 127.0.0.1 under a temporary directory. It
// neither uses nor disturbs the system service the package installs
// (node rabbit@host, port 5672, epmd on 4369).
//
// A broker takes several seconds to boot (Erlang), so a test binary
// starts one (Get, on first use) and its tests share it; Main, its
// TestMain, stops it.
package rabbittest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	serverBin = "/usr/lib/rabbitmq/bin/rabbitmq-server"
	ctlBin    = "/usr/lib/rabbitmq/bin/rabbitmqctl"
	// bootTimeout bounds the broker's start; it boots in 5-10 s on a
	// loaded machine.
	bootTimeout = 90 * time.Second
)

// Broker is a running private RabbitMQ node.
type Broker struct {
	// Port is the AMQP listener on 127.0.0.1.
	Port int
	// Node is the Erlang node name (sbtest<pid>@localhost).
	Node string
	// BootTime is how long the last start took until AMQP accepted.
	BootTime time.Duration

	dir     string
	epmd    int
	dist    int
	cmd     *exec.Cmd
	exited  chan struct{}
	logFile *os.File
}

var (
	once     sync.Once
	current  *Broker
	startErr error
)

// Main is a TestMain that runs the tests and then stops the broker, if
// one of them started it through Get. Starting on first use keeps
// binaries (and go test -fuzz workers, which run TestMain too) that need
// no broker from booting one, while those that do boot exactly one.
func Main(m *testing.M) {
	code := m.Run()
	if current != nil {
		current.Close()
	}
	os.Exit(code)
}

// Get returns the test binary's broker, starting it on the first call.
// A broker that cannot start fails t with the reason: a missing package
// must not look like a pass.
func Get(t testing.TB) *Broker {
	t.Helper()
	once.Do(func() { current, startErr = Start() })
	if startErr != nil {
		t.Fatalf("cannot start a RabbitMQ broker for the tests: %v", startErr)
	}
	return current
}

// URL is the AMQP URL of the broker as the default guest user.
func (b *Broker) URL() string { return fmt.Sprintf("amqp://guest:guest@127.0.0.1:%d/", b.Port) }

// Start boots a new private broker and waits until it accepts AMQP
// connections.
func Start() (*Broker, error) {
	if _, err := os.Stat(serverBin); err != nil {
		return nil, fmt.Errorf("%s not found: apt-get install -y rabbitmq-server", serverBin)
	}
	dir, err := os.MkdirTemp("", "sbrmq")
	if err != nil {
		return nil, err
	}
	b := &Broker{dir: dir, Node: fmt.Sprintf("sbtest%d@localhost", os.Getpid())}
	ports, err := freePorts(3)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	b.Port, b.dist, b.epmd = ports[0], ports[1], ports[2]
	files := map[string]string{
		"enabled_plugins": "[].\n",
		"env.conf":        "",
		"rabbitmq.conf":   fmt.Sprintf("listeners.tcp.1 = 127.0.0.1:%d\n", b.Port),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if err := b.start(); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// env is the environment of the broker and of rabbitmqctl: everything
// private, nothing read from /etc/rabbitmq.
func (b *Broker) env() []string {
	return append(os.Environ(),
		"HOME="+b.dir, // the Erlang cookie lives here
		"RABBITMQ_NODENAME="+b.Node,
		"RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
		"RABBITMQ_NODE_PORT="+strconv.Itoa(b.Port),
		"RABBITMQ_DIST_PORT="+strconv.Itoa(b.dist),
		"ERL_EPMD_PORT="+strconv.Itoa(b.epmd),
		"ERL_EPMD_ADDRESS=127.0.0.1",
		"RABBITMQ_MNESIA_BASE="+filepath.Join(b.dir, "mnesia"),
		"RABBITMQ_LOG_BASE="+filepath.Join(b.dir, "log"),
		"RABBITMQ_PID_FILE="+filepath.Join(b.dir, "pid"),
		"RABBITMQ_CONF_ENV_FILE="+filepath.Join(b.dir, "env.conf"),
		"RABBITMQ_CONFIG_FILE="+filepath.Join(b.dir, "rabbitmq.conf"),
		"RABBITMQ_ENABLED_PLUGINS_FILE="+filepath.Join(b.dir, "enabled_plugins"),
		"RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}",
	)
}

func (b *Broker) start() error {
	logFile, err := os.OpenFile(filepath.Join(b.dir, "server.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(serverBin)
	cmd.Dir = b.dir
	cmd.Env = b.env()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group, so that Close can end the shell wrapper and
	// the Erlang VM together if a clean stop fails.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return err
	}
	b.cmd, b.logFile = cmd, logFile
	b.exited = make(chan struct{})
	go func() { _ = cmd.Wait(); close(b.exited) }()
	deadline := time.Now().Add(bootTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-b.exited:
			return fmt.Errorf("rabbitmq-server exited during boot:\n%s", b.tail())
		default:
		}
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(b.Port), 200*time.Millisecond); err == nil {
			c.Close()
			b.BootTime = time.Since(begin)
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("rabbitmq-server not accepting on 127.0.0.1:%d after %s:\n%s", b.Port, bootTimeout, b.tail())
}

// Ctl runs rabbitmqctl against the broker and returns its output.
func (b *Broker) Ctl(args ...string) (string, error) {
	cmd := exec.Command(ctlBin, append([]string{"-n", b.Node}, args...)...)
	cmd.Dir = b.dir
	cmd.Env = b.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("rabbitmqctl %v: %w\n%s", args, err, out)
	}
	return string(out), nil
}

// CloseConnections makes the broker close every client connection, as
// an operator or a broker failover would.
func (b *Broker) CloseConnections() error {
	_, err := b.Ctl("close_all_connections", "closed by test")
	return err
}

// Stop stops the broker, keeping its data (queues survive a Restart).
func (b *Broker) Stop() error {
	if b.cmd == nil {
		return nil
	}
	_, ctlErr := b.Ctl("stop")
	select {
	case <-b.exited:
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		<-b.exited
	}
	b.cmd = nil
	b.logFile.Close()
	return ctlErr
}

// Restart stops the broker and starts it again on the same ports.
func (b *Broker) Restart() error {
	if err := b.Stop(); err != nil {
		return err
	}
	return b.start()
}

// Close stops the broker and its private epmd and removes its files.
func (b *Broker) Close() {
	if b.cmd != nil {
		if err := b.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "rabbittest: stop: %v\n", err)
		}
	}
	// epmd daemonizes itself out of our process group; this one listens
	// on our private port only, so ending it disturbs no other node.
	kill := exec.Command("epmd", "-kill")
	kill.Env = append(os.Environ(), "ERL_EPMD_PORT="+strconv.Itoa(b.epmd))
	_ = kill.Run()
	os.RemoveAll(b.dir)
}

// tail returns the end of the broker's console output, for errors.
func (b *Broker) tail() string {
	out, _ := os.ReadFile(filepath.Join(b.dir, "server.out"))
	if len(out) > 2000 {
		out = out[len(out)-2000:]
	}
	return string(bytes.TrimSpace(out))
}

// freePorts returns n distinct free TCP ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	if len(ports) != n {
		return nil, errors.New("rabbittest: no free ports")
	}
	return ports, nil
}
