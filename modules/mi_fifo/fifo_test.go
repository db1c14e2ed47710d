package mi_fifo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/mi"
)

// client speaks to the FIFO the way opensips-cli does: it creates its
// reply FIFO (mode 0666) in reply_dir, writes ":name:request" to the
// server FIFO, then opens the reply FIFO and reads until the server
// closes it.
type client struct {
	t   *testing.T
	dir string
	srv *Server
	n   int
}

func newClient(t *testing.T, tune func(*Config)) *client {
	t.Helper()
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.Path = filepath.Join(dir, "opensips_fifo")
	cfg.ReplyDir = dir + "/"
	cfg.ReplyTimeout = 300 * time.Millisecond
	cfg.IncompleteWait = 100 * time.Millisecond
	if tune != nil {
		tune(&cfg)
	}
	srv, err := Listen(cfg, core.MIRegistry, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &client{t: t, dir: dir, srv: srv}
}

func (c *client) replyFIFO() string {
	c.n++
	name := fmt.Sprintf("opensips_fifo_reply_%d_%d", os.Getpid(), c.n)
	if err := syscall.Mkfifo(filepath.Join(c.dir, name), 0o666); err != nil {
		c.t.Fatal(err)
	}
	return name
}

func (c *client) write(data string) {
	c.t.Helper()
	f, err := os.OpenFile(c.srv.cfg.Path, os.O_WRONLY, 0)
	if err != nil {
		c.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(data); err != nil {
		c.t.Fatal(err)
	}
}

// read opens the reply FIFO and returns what the server wrote; "" when
// nothing came within the timeout.
func (c *client) read(name string, timeout time.Duration) string {
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(filepath.Join(c.dir, name)) // blocks until the server opens it
		if err != nil {
			got <- "open: " + err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	select {
	case s := <-got:
		return s
	case <-time.After(timeout):
		// Unblock the goroutine's open so it does not leak.
		if f, err := os.OpenFile(filepath.Join(c.dir, name), os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
		return ""
	}
}

func (c *client) call(request string) string {
	name := c.replyFIFO()
	c.write(":" + name + ":" + request)
	return c.read(name, 3*time.Second)
}

func TestFIFORequests(t *testing.T) {
	c := newClient(t, nil)
	big := `{"jsonrpc":"2.0","id":"1","method":"which","params":["` + strings.Repeat("x", 70000) + `"]}`
	cases := []struct{ name, req, want string }{
		{"uptime", `{"jsonrpc":"2.0","id":"6069","method":"uptime","params":[]}`, `"Up time":`},
		{"which", `{"jsonrpc":"2.0","id":"1","method":"which","params":{}}`, `"uptime","version"`},
		{"malformed JSON", `{"jsonrpc":"2.0","id":"1","method":}`,
			`{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}` + "\n"},
		{"unknown method", `{"jsonrpc":"2.0","id":"9","method":"no_such"}`,
			`{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"9"}` + "\n"},
		{"wrong params", `{"jsonrpc":"2.0","id":"9","method":"uptime","params":["x"]}`,
			`"code":-32602,"message":"Invalid params","data":"Too few or too many parameters"`},
		{"wrong version", `{"jsonrpc":"1.0","id":"9","method":"uptime"}`, `"code":-32600`},
		{"oversized", big, `"code":-32600,"message":"Invalid Request","data":"Request larger than 65536 bytes"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := c.call(tc.req)
			if !strings.Contains(got, tc.want) || !strings.HasSuffix(got, "\n") {
				t.Errorf("reply %.300q\nwant it to contain %q and end in a newline", got, tc.want)
			}
		})
	}
}

func TestFIFOStream(t *testing.T) {
	c := newClient(t, func(cfg *Config) { cfg.CheckInterval = 50 * time.Millisecond })
	uptime := `{"jsonrpc":"2.0","id":"1","method":"uptime"}`
	t.Run("two requests in one write", func(t *testing.T) {
		a, b := c.replyFIFO(), c.replyFIFO()
		c.write(":" + a + ":" + uptime + "\n:" + b + ":" + `{"jsonrpc":"2.0","id":"2","method":"pwd"}`)
		if got := c.read(a, 3*time.Second); !strings.Contains(got, `"Up since"`) {
			t.Errorf("first reply %q", got)
		}
		if got := c.read(b, 3*time.Second); !strings.Contains(got, `"WD"`) {
			t.Errorf("second reply %q", got)
		}
	})
	t.Run("no reply name runs the command silently", func(t *testing.T) {
		c.write(`::{"jsonrpc":"2.0","id":"1","method":"cache_store","params":["local","mi_fifo_k","v1"]}`)
		// Commands run concurrently and a silent one says nothing when it
		// is done: the fetch may overtake the store, so ask again a while.
		var got string
		for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			got = c.call(`{"jsonrpc":"2.0","id":"2","method":"cache_fetch","params":["local","mi_fifo_k"]}`)
			if strings.Contains(got, `"value":"v1"`) {
				break
			}
		}
		if !strings.Contains(got, `"value":"v1"`) {
			t.Errorf("cache_fetch after a silent cache_store: %q", got)
		}
	})
	t.Run("garbage is skipped", func(t *testing.T) {
		c.write("\x00\xffnot a request at all\n")
		time.Sleep(50 * time.Millisecond)
		if got := c.call(uptime); !strings.Contains(got, `"result"`) {
			t.Errorf("after garbage: %q", got)
		}
	})
	t.Run("forbidden reply name", func(t *testing.T) {
		c.write(":../../etc/x:" + uptime)
		time.Sleep(50 * time.Millisecond)
		if got := c.call(uptime); !strings.Contains(got, `"result"`) {
			t.Errorf("after a forbidden name: %q", got)
		}
	})
	t.Run("incomplete request answered as a parse error", func(t *testing.T) {
		got := c.call(`{"jsonrpc":"2.0","id":"1","method":"upt`)
		if !strings.Contains(got, `"code":-32700`) {
			t.Errorf("incomplete: %q", got)
		}
	})
	t.Run("reply FIFO nobody reads", func(t *testing.T) {
		c.write(":" + c.replyFIFO() + ":" + uptime) // never opened
		start := time.Now()
		if got := c.call(uptime); !strings.Contains(got, `"result"`) {
			t.Errorf("after an abandoned reply: %q", got)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("the abandoned reply held the FIFO for %v", d)
		}
	})
	t.Run("removed FIFO comes back", func(t *testing.T) {
		os.Remove(c.srv.cfg.Path)
		deadline := time.Now().Add(2 * time.Second)
		for {
			if fi, err := os.Stat(c.srv.cfg.Path); err == nil && fi.Mode()&os.ModeNamedPipe != 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the FIFO was not created again")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got := c.call(uptime); !strings.Contains(got, `"result"`) {
			t.Errorf("after re-creation: %q", got)
		}
	})
}

func TestFIFOModeAndCleanup(t *testing.T) {
	c := newClient(t, func(cfg *Config) { cfg.Mode = 0o600 })
	fi, err := os.Stat(c.srv.cfg.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeNamedPipe == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("FIFO mode %v, want named pipe 0600", fi.Mode())
	}
	c.srv.Close()
	if _, err := os.Stat(c.srv.cfg.Path); !os.IsNotExist(err) {
		t.Errorf("FIFO still there after Close: %v", err)
	}
}

// A command that waits (t_uac_dlg waits for a final reply) does not hold
// up the next request: each is answered on its own reply FIFO as soon as
// it is done.
func TestFIFOSlowCommandDoesNotBlock(t *testing.T) {
	release := make(chan struct{})
	reg := mi.NewRegistry()
	reg.Register("test",
		engine.MICommand{Name: "wait_here", Run: func(ctx context.Context, _ engine.MIParams) (any, error) {
			select {
			case <-release:
				return "released", nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}},
		engine.MICommand{Name: "quick", Run: func(context.Context, engine.MIParams) (any, error) { return "quick", nil }})
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.Path = filepath.Join(dir, "opensips_fifo")
	cfg.ReplyDir = dir + "/"
	cfg.ReplyTimeout = 2 * time.Second
	srv, err := Listen(cfg, func() *mi.Registry { return reg }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c := &client{t: t, dir: dir, srv: srv}

	slow, fast := c.replyFIFO(), c.replyFIFO()
	c.write(":" + slow + `:{"jsonrpc":"2.0","id":1,"method":"wait_here"}` + "\n")
	c.write(":" + fast + `:{"jsonrpc":"2.0","id":2,"method":"quick"}` + "\n")
	if got := c.read(fast, time.Second); !strings.Contains(got, `"result":"quick"`) {
		t.Fatalf("the quick command waited behind the slow one: %q", got)
	}
	close(release)
	if got := c.read(slow, time.Second); !strings.Contains(got, `"result":"released"`) {
		t.Errorf("slow command: %q", got)
	}
}
