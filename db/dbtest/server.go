// Package dbtest starts private PostgreSQL and MariaDB servers for tests
// (from the Debian packages postgresql and mariadb-server, on 127.0.0.1,
// a free port and a temporary directory) and holds the conformance suite
// every db driver runs.
package dbtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Server is a database server private to one test binary.
type Server struct {
	Kind  string // "postgres" or "mysql"
	Port  int
	dir   string
	start func() error
	stop  func() error
	admin func(sql string) error // runs SQL as the superuser
	seq   atomic.Int64
}

// Stop stops the server (keeping its data), to test connection loss.
func (s *Server) Stop() error { return s.stop() }

// Start starts a stopped server again on the same port.
func (s *Server) Start() error { return s.start() }

// Close stops the server and removes its files.
func (s *Server) Close() {
	_ = s.stop()
	_ = os.RemoveAll(s.dir)
}

// NewDatabase creates an empty database and returns its URL.
func (s *Server) NewDatabase() (string, error) {
	name := fmt.Sprintf("sbtest_%d", s.seq.Add(1))
	switch s.Kind {
	case "postgres":
		if err := s.admin("CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0"); err != nil {
			return "", err
		}
		return fmt.Sprintf("postgres://switchboard:sbpass@127.0.0.1:%d/%s?sslmode=disable", s.Port, name), nil
	default:
		if err := s.admin("CREATE DATABASE " + name + " CHARACTER SET utf8mb4"); err != nil {
			return "", err
		}
		return fmt.Sprintf("mysql://switchboard:sbpass@127.0.0.1:%d/%s", s.Port, name), nil
	}
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// run runs a command, returning its output in the error.
func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// waitPort waits until something accepts on port.
func waitPort(port int, d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on 127.0.0.1:%d after %s", port, d)
}

// postgresBin finds the newest /usr/lib/postgresql/<v>/bin.
func postgresBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(dirs) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
		return "", fmt.Errorf("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install -y postgresql")
	}
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(dirs[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(dirs[j]))))
		return vi < vj
	})
	return filepath.Dir(dirs[len(dirs)-1]), nil
}

// StartPostgres initialises and starts a PostgreSQL cluster with a
// superuser switchboard/sbpass. PostgreSQL refuses to run as root, so
// under root it runs as the postgres OS user (the Debian package
// creates it).
func StartPostgres() (*Server, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	var prefix []string
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root and there is no postgres OS user to run PostgreSQL as")
		}
		prefix = []string{"runuser", "-u", "postgres", "--"}
	}
	dir, err := os.MkdirTemp("", "sbpg")
	if err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		if err := run("chown", "postgres", dir); err != nil {
			return nil, err
		}
	}
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("sbpass\n"), 0o644); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := func(name string, args ...string) error {
		all := append(append(append([]string{}, prefix...), filepath.Join(bin, name)), args...)
		return run(all[0], all[1:]...)
	}
	data := filepath.Join(dir, "data")
	if err := cmd("initdb", "-D", data, "-U", "switchboard", "--pwfile="+pw, "-E", "UTF8", "--no-locale",
		"--auth-local=trust", "--auth-host=scram-sha-256"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{Kind: "postgres", Port: port, dir: dir}
	s.start = func() error {
		return cmd("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60",
			"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", port, dir), "start")
	}
	s.stop = func() error { return cmd("pg_ctl", "-D", data, "-m", "fast", "-w", "stop") }
	s.admin = func(sql string) error {
		return cmd("psql", "-h", dir, "-p", strconv.Itoa(port), "-U", "switchboard", "-d", "postgres",
			"-v", "ON_ERROR_STOP=1", "-c", sql)
	}
	if err := s.start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// StartMariaDB initialises and starts a MariaDB server with a user
// switchboard/sbpass allowed from 127.0.0.1.
func StartMariaDB() (*Server, error) {
	mysqld, err := exec.LookPath("mariadbd")
	if err != nil {
		if mysqld, err = exec.LookPath("/usr/sbin/mariadbd"); err != nil {
			return nil, fmt.Errorf("MariaDB server binary (mariadbd) not found: apt-get install -y mariadb-server")
		}
	}
	installDB, err := exec.LookPath("mariadb-install-db")
	if err != nil {
		return nil, fmt.Errorf("mariadb-install-db not found: apt-get install -y mariadb-server")
	}
	client, err := exec.LookPath("mariadb")
	if err != nil {
		return nil, fmt.Errorf("mariadb client not found: apt-get install -y mariadb-client")
	}
	dir, err := os.MkdirTemp("", "sbmy")
	if err != nil {
		return nil, err
	}
	u, _ := user.Current()
	runAs := u.Username
	data := filepath.Join(dir, "data")
	sock := filepath.Join(dir, "sock")
	if err := run(installDB, "--no-defaults", "--datadir="+data, "--user="+runAs,
		"--auth-root-authentication-method=normal", "--skip-test-db"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Kind: "mysql", Port: port, dir: dir}
	var proc *exec.Cmd
	s.start = func() error {
		proc = exec.Command(mysqld, "--no-defaults", "--datadir="+data, "--user="+runAs,
			"--port="+strconv.Itoa(port), "--bind-address=127.0.0.1", "--socket="+sock,
			"--pid-file="+filepath.Join(dir, "pid"), "--log-error="+filepath.Join(dir, "err.log"),
			"--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
			"--skip-name-resolve", "--innodb-buffer-pool-size=32M", "--innodb-flush-log-at-trx-commit=0")
		if err := proc.Start(); err != nil {
			return err
		}
		if err := waitPort(port, 60*time.Second); err != nil {
			log, _ := os.ReadFile(filepath.Join(dir, "err.log"))
			return fmt.Errorf("%w\n%s", err, log)
		}
		return nil
	}
	s.stop = func() error {
		if proc == nil || proc.Process == nil {
			return nil
		}
		_ = proc.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- proc.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = proc.Process.Kill()
			<-done
		}
		proc = nil
		return nil
	}
	s.admin = func(sql string) error {
		return run(client, "--no-defaults", "--socket="+sock, "-u", "root", "-e", sql)
	}
	if err := s.start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.admin("CREATE USER 'switchboard'@'127.0.0.1' IDENTIFIED BY 'sbpass'; " +
		"GRANT ALL ON *.* TO 'switchboard'@'127.0.0.1'"); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
