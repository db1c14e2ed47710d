package mi_datagram

import (
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/mi"
)

func listen(t *testing.T, socket string) *Server {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Socket = socket
	cfg.Workers = 2
	srv, err := Listen(cfg, core.MIRegistry, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

var datagramCases = []struct{ name, req, want string }{
	{"uptime", `{"jsonrpc":"2.0","id":"1","method":"uptime"}`, `"Up time":`},
	{"malformed JSON", `{"jsonrpc":`, `{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}`},
	{"unknown method", `{"jsonrpc":"2.0","id":2,"method":"nope"}`,
		`{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":2}`},
	{"wrong params", `{"jsonrpc":"2.0","id":3,"method":"cache_fetch","params":["local"]}`,
		`"data":"Too few or too many parameters"`},
	{"batch", `[{"jsonrpc":"2.0","id":4,"method":"uptime"}]`, `"data":"Batch requests are not supported"`},
}

func exchange(t *testing.T, conn net.Conn, req string) string {
	t.Helper()
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 1<<16)
	n, err := conn.Read(buf)
	if err != nil {
		return "read: " + err.Error()
	}
	return string(buf[:n])
}

func TestUDP(t *testing.T) {
	srv := listen(t, "udp:127.0.0.1:0")
	conn, err := net.Dial("udp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, c := range datagramCases {
		t.Run(c.name, func(t *testing.T) {
			if got := exchange(t, conn, c.req); !strings.Contains(got, c.want) {
				t.Errorf("reply %q, want it to contain %q", got, c.want)
			}
		})
	}
}

func TestUnixDatagram(t *testing.T) {
	dir := t.TempDir()
	srv := listen(t, filepath.Join(dir, "mi.sock"))
	client := filepath.Join(dir, "client.sock")
	conn, err := net.DialUnix("unixgram", &net.UnixAddr{Name: client, Net: "unixgram"},
		&net.UnixAddr{Name: srv.path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cases := append(datagramCases[:len(datagramCases):len(datagramCases)], struct{ name, req, want string }{
		"oversized", `{"jsonrpc":"2.0","id":1,"method":"uptime","params":["` + strings.Repeat("a", mi.MaxRequestSize) + `"]}`,
		`"data":"Request larger than 65536 bytes"`})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := exchange(t, conn, c.req); !strings.Contains(got, c.want) {
				t.Errorf("reply %.200q, want it to contain %q", got, c.want)
			}
		})
	}
}

func TestParseSocket(t *testing.T) {
	cases := []struct{ name, in, network, addr string }{
		{"udp", "udp:127.0.0.1:8080", "udp", "127.0.0.1:8080"},
		{"unix path", "/tmp/opensips.sock", "unixgram", "/tmp/opensips.sock"},
		{"unix prefix", "unix:/tmp/x.sock", "unixgram", "/tmp/x.sock"},
		{"tcp refused", "tcp:127.0.0.1:8080", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			network, addr, err := parseSocket(c.in)
			if network != c.network || addr != c.addr || (err != nil) != (c.network == "") {
				t.Errorf("parseSocket(%q) = %q %q %v", c.in, network, addr, err)
			}
		})
	}
}
