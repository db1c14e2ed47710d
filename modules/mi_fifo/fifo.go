// Package mi_fifo is OpenSIPS's mi_fifo module: the management interface
// over a named pipe, the transport opensips-cli uses by default.
package mi_fifo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"syscall"
	"time"

	"switchboard/mi"
)

// Config is the module's parameters.
type Config struct {
	Path     string // fifo_name
	Mode     uint32 // fifo_mode
	UID, GID int    // fifo_user, fifo_group; -1 keeps ours
	ReplyDir string // reply_dir: where clients create their reply FIFOs
	Pretty   bool   // pretty_printing
	// ReplyTimeout bounds the wait for a client to open its reply FIFO
	// and take the reply: a client that went away must not stall the MI.
	ReplyTimeout time.Duration
	// IncompleteWait is how long a partial request may wait for the rest
	// of its bytes before it is answered as a parse error.
	IncompleteWait time.Duration
	// CheckInterval is how often an idle server checks that its FIFO
	// file still exists, and creates it again if it was removed.
	CheckInterval time.Duration
}

// DefaultConfig is OpenSIPS's defaults.
func DefaultConfig() Config {
	return Config{Path: "/tmp/opensips_fifo", Mode: 0o660, UID: -1, GID: -1, ReplyDir: "/tmp/",
		ReplyTimeout: 2 * time.Second, IncompleteWait: time.Second, CheckInterval: 30 * time.Second}
}

// Server reads requests from the FIFO and writes the replies.
type Server struct {
	cfg      Config
	registry func() *mi.Registry
	log      *slog.Logger
	ctx      context.Context
	cancel   context.CancelFunc
	done     chan struct{}

	// running bounds the commands answered at once and handlers waits
	// for them on Close: a command that waits (t_uac_dlg for its final
	// reply) must not hold up the next ones, which OpenSIPS gets by
	// running such commands asynchronously. Each request names its own
	// reply FIFO, so replies need no order.
	running  chan struct{}
	handlers sync.WaitGroup

	mu     sync.Mutex
	file   *os.File
	closed bool
}

// maxRunning is how many FIFO commands run at once; the reader waits
// for a free slot beyond that.
const maxRunning = 16

// Listen creates the FIFO (replacing a stale one left by a previous run)
// and serves it until Close.
func Listen(cfg Config, registry func() *mi.Registry, log *slog.Logger) (*Server, error) {
	file, err := createFIFO(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{cfg: cfg, registry: registry, log: log, ctx: ctx, cancel: cancel, done: make(chan struct{}),
		running: make(chan struct{}, maxRunning), file: file}
	go s.serve()
	return s, nil
}

// createFIFO makes the FIFO and opens it for reading and writing: our
// own writer end keeps reads from seeing end-of-file each time a client
// closes, and the non-blocking descriptor lets Close interrupt a read.
func createFIFO(cfg Config) (*os.File, error) {
	if fi, err := os.Lstat(cfg.Path); err == nil {
		if fi.Mode()&os.ModeNamedPipe == 0 {
			return nil, fmt.Errorf("mi_fifo: %s exists and is not a FIFO", cfg.Path)
		}
		if err := os.Remove(cfg.Path); err != nil {
			return nil, fmt.Errorf("mi_fifo: removing stale FIFO: %w", err)
		}
	}
	if err := syscall.Mkfifo(cfg.Path, cfg.Mode); err != nil {
		return nil, fmt.Errorf("mi_fifo: can't create FIFO %s: %w", cfg.Path, err)
	}
	// mkfifo applies the umask; fifo_mode is what the operator asked for.
	if err := os.Chmod(cfg.Path, os.FileMode(cfg.Mode)); err != nil {
		return nil, fmt.Errorf("mi_fifo: chmod %s: %w", cfg.Path, err)
	}
	if cfg.UID != -1 || cfg.GID != -1 {
		if err := os.Chown(cfg.Path, cfg.UID, cfg.GID); err != nil {
			return nil, fmt.Errorf("mi_fifo: chown %s: %w", cfg.Path, err)
		}
	}
	fd, err := syscall.Open(cfg.Path, syscall.O_RDWR|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("mi_fifo: open %s: %w", cfg.Path, err)
	}
	return os.NewFile(uintptr(fd), cfg.Path), nil
}

// Close stops serving and removes the FIFO.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.file.Close()
	s.mu.Unlock()
	s.cancel()
	<-s.done
	s.handlers.Wait()
	if fi, err := os.Lstat(s.cfg.Path); err == nil && fi.Mode()&os.ModeNamedPipe != 0 {
		os.Remove(s.cfg.Path)
	}
}

func (s *Server) current() (*os.File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file, s.closed
}

// maxPending bounds what the reader keeps while a request is incomplete:
// a request over mi.MaxRequestSize is answered as too large, not stored.
const maxPending = mi.MaxRequestSize + maxReplyName + 2

func (s *Server) serve() {
	defer close(s.done)
	chunk := make([]byte, 4096)
	var pending []byte
	for {
		file, closed := s.current()
		if closed {
			return
		}
		wait := s.cfg.CheckInterval
		if len(pending) > 0 {
			wait = s.cfg.IncompleteWait
		}
		file.SetReadDeadline(time.Now().Add(wait))
		n, err := file.Read(chunk)
		pending = append(pending, chunk[:n]...)
		switch {
		case err == nil:
			pending = s.process(pending, len(pending) > maxPending)
		case errors.Is(err, os.ErrDeadlineExceeded):
			if len(pending) > 0 {
				pending = s.process(pending, true)
			} else {
				s.checkFIFO()
			}
		default:
			if _, closed := s.current(); !closed {
				s.log.Error("reading the FIFO failed: MI over FIFO stops", "fifo", s.cfg.Path, "err", err)
			}
			return
		}
	}
}

// process answers every complete request in pending and returns what is
// left. With final set, an incomplete request is answered too.
func (s *Server) process(pending []byte, final bool) []byte {
	for {
		f, rest, err := cutFrame(pending, final)
		switch {
		case errors.Is(err, errIncomplete):
			if final {
				return nil
			}
			return rest
		case err != nil:
			s.log.Warn("discarding unreadable FIFO input", "err", err, "bytes", len(pending))
			return nil
		}
		// The reader reuses pending: the command gets its own copy.
		f.body = bytes.Clone(f.body)
		s.running <- struct{}{}
		s.handlers.Add(1)
		go func() {
			defer func() { <-s.running; s.handlers.Done() }()
			s.handle(f)
		}()
		if len(rest) == 0 {
			return nil
		}
		pending = rest
	}
}

func (s *Server) handle(f frame) {
	out := mi.Dispatch(s.ctx, s.registry(), f.body)
	if f.reply == "" || out == nil {
		return
	}
	if s.cfg.Pretty {
		var b bytes.Buffer
		if json.Indent(&b, out, "", "\t") == nil {
			out = b.Bytes()
		}
	}
	out = append(out, '\n')
	if err := writeReply(s.cfg.ReplyDir, f.reply, out, s.cfg.ReplyTimeout); err != nil {
		s.log.Warn("cannot send MI reply", "reply_fifo", f.reply, "err", err)
	}
}

// checkFIFO creates the FIFO again when it was removed or replaced, as
// OpenSIPS checks it every 30 seconds.
func (s *Server) checkFIFO() {
	file, closed := s.current()
	if closed {
		return
	}
	mine, err1 := file.Stat()
	fi, err2 := os.Lstat(s.cfg.Path)
	if err1 == nil && err2 == nil && os.SameFile(mine, fi) {
		return
	}
	s.log.Info("FIFO file gone or replaced: creating it again", "fifo", s.cfg.Path)
	fresh, err := createFIFO(s.cfg)
	if err != nil {
		s.log.Error("re-creating the FIFO failed", "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		fresh.Close()
		return
	}
	s.file.Close()
	s.file = fresh
}
