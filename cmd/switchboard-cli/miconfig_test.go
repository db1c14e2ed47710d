package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func TestMITargetsFromConfig(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mi.inc"), []byte(`loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "/run/sb/mi.sock")
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		cfg  string // "" reads stock
		want []miTarget
		err  string
	}{
		{"stock opensips.cfg", "", []miTarget{{kind: "fifo", addr: "/run/opensips/opensips_fifo", replyDir: "/tmp/"}}, ""},
		{"fifo defaults", `loadmodule "mi_fifo.so"`, []miTarget{{kind: "fifo", addr: "/tmp/opensips_fifo", replyDir: "/tmp/"}}, ""},
		{"fifo reply_dir, last value wins", `loadmodule "/usr/lib/opensips/modules/mi_fifo.so"
modparam("mi_fifo", "fifo_name", "/a")
modparam("mi_fifo|mi_datagram", "reply_dir", "/r/")
modparam("mi_fifo", "fifo_name", "/b")`, []miTarget{{kind: "fifo", addr: "/b", replyDir: "/r/"}}, ""},
		{"datagram through include_file", `include_file "mi.inc"`, []miTarget{{kind: "datagram", addr: "/run/sb/mi.sock"}}, ""},
		{"datagram udp", `loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:127.0.0.1:8080")`, []miTarget{{kind: "datagram", addr: "udp:127.0.0.1:8080"}}, ""},
		{"datagram without socket_name", `loadmodule "mi_datagram.so"`, nil, "without its socket_name"},
		{"http defaults", `loadmodule "httpd.so"
loadmodule "mi_http.so"`, []miTarget{{kind: "http", addr: "http://127.0.0.1:8888/mi"}}, ""},
		{"http ip port root", `loadmodule "httpd.so"
modparam("httpd", "ip", "::1")
modparam("httpd", "port", 8000)
loadmodule "mi_http.so"
modparam("mi_http", "root", "/admin/")`, []miTarget{{kind: "http", addr: "http://[::1]:8000/admin"}}, ""},
		{"http wildcard ip is reached on loopback", `loadmodule "httpd.so"
modparam("httpd", "ip", "0.0.0.0")
loadmodule "mi_http.so"`, []miTarget{{kind: "http", addr: "http://127.0.0.1:8888/mi"}}, ""},
		{"mi_http without httpd", `loadmodule "mi_http.so"`, nil, ""},
		{"all three, fifo first", `loadmodule "httpd.so"
loadmodule "mi_http.so"
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:127.0.0.1:8080")
loadmodule "mi_fifo.so"`, []miTarget{{kind: "fifo", addr: "/tmp/opensips_fifo", replyDir: "/tmp/"},
			{kind: "datagram", addr: "udp:127.0.0.1:8080"}, {kind: "http", addr: "http://127.0.0.1:8888/mi"}}, ""},
		{"modparam of an unloaded module", `modparam("mi_fifo", "fifo_name", "/x")`, nil, ""},
		{"syntax error", "loadmodule \"mi_fifo.so\"\nroute {", nil, ".cfg:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := "../../script/testdata/opensips.cfg"
			if c.cfg != "" {
				path = filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".cfg")
				if err := os.WriteFile(path, []byte(c.cfg+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := miTargetsFromConfig(path)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}

// TestMIErrors covers what goes wrong before a server answers: bad
// options, scripts without an MI, transports with nobody behind them.
// None of these may hang.
func TestMIErrors(t *testing.T) {
	dir := t.TempDir()
	deaf := filepath.Join(dir, "deaf_fifo")
	if err := syscall.Mkfifo(deaf, 0o600); err != nil {
		t.Fatal(err)
	}
	noMI := filepath.Join(dir, "nomi.cfg")
	if err := os.WriteFile(noMI, []byte(`loadmodule "sl.so"`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown option", []string{"--frob", "mi", "uptime"}, "unknown option --frob"},
		{"option without value", []string{"--fifo"}, "--fifo needs a value"},
		{"empty option value", []string{"--http=", "ps"}, "--http needs a value"},
		{"json with a value", []string{"--json=1", "ps"}, "takes no value"},
		{"reply-dir alone", []string{"--reply-dir", dir, "ps"}, "--reply-dir goes with --fifo"},
		{"fifo missing", []string{"--fifo", filepath.Join(dir, "none"), "ps"}, "no such file"},
		{"fifo nobody reads", []string{"--fifo", deaf, "--reply-dir", dir, "ps"}, "nobody reads the FIFO"},
		{"fifo is a plain file", []string{"--fifo", plain, "--reply-dir", dir, "ps"}, "is not a FIFO"},
		{"http refused", []string{"--http", "http://127.0.0.1:1/mi", "ps"}, "connection refused"},
		{"http not a URL", []string{"--http", "127.0.0.1:8888", "ps"}, "not an http:// URL"},
		{"config without MI", []string{"-f", noMI, "ps"}, "loads no MI transport"},
		{"config missing", []string{"-f", filepath.Join(dir, "none.cfg"), "ps"}, "no such file"},
		{"stats bad word", []string{"--datagram", "udp:127.0.0.1:1", "stats", "-x"}, "usage: switchboard-cli stats"},
		{"ps with args", []string{"ps", "x"}, "usage: switchboard-cli ps"},
		{"trace bad filter", []string{"trace", "from=x"}, "usage: switchboard-cli trace"},
		{"trace bad scope", []string{"trace", "scope=x"}, "scope must be"},
		{"trace bad listen", []string{"trace", "listen=localhost"}, "listen must be IP:PORT"},
		{"completion zsh", []string{"completion", "zsh"}, "usage: switchboard-cli completion bash"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := runCLI(c.args, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// TestCompletionOffline: with no server, the MI names come from the
// commands compiled in.
func TestCompletionOffline(t *testing.T) {
	var out bytes.Buffer
	if err := runCLI([]string{"--datagram", filepath.Join(t.TempDir(), "none.sock"), "completion", "bash"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"complete -F _switchboard_cli switchboard-cli", "trace_start", "ul_dump", "get_statistics",
		`db) words="create migrate tables"`, "completion db mi ps stats trace user"} {
		if !strings.Contains(out.String(), w) {
			t.Fatalf("completion lacks %q:\n%s", w, out.String())
		}
	}
	// The script runs in a real bash and completes.
	script := filepath.Join(t.TempDir(), "completion.bash")
	if err := os.WriteFile(script, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		words string
		want  string
	}{
		{"switchboard-cli st", "stats"},
		{"switchboard-cli -j mi trace_s", "trace_start trace_stop"},
		{"switchboard-cli --fifo /x mi ul_rm_", "ul_rm_contact"},
		{"switchboard-cli db mi", "migrate"},
		{"switchboard-cli trace caller=a ca", "caller= callee="},
		{"switchboard-cli stats ne", "net:"},
	}
	for _, c := range cases {
		cmd := exec.Command("bash", "-c", `source "$1"; COMP_WORDS=($2); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _switchboard_cli; echo "${COMPREPLY[*]}"`,
			"bash", script, c.words)
		got, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(got)) != c.want {
			t.Errorf("completing %q: %q, %v; want %q", c.words, got, err, c.want)
		}
	}
}
