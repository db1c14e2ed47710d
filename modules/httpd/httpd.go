// Package httpd is OpenSIPS's httpd module: the one HTTP listener that
// other modules (mi_http, prometheus) serve their pages on.
package httpd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"switchboard/core"
)

// Config holds the module parameters.
type Config struct {
	IP   string // ip: the address to listen on; empty is every address
	Port int    // port; 0 picks a free one (tests)
	// PostBufSize bounds a request body (post_buf_size). OpenSIPS's
	// default is 1024 bytes; switchboard's is the MI's own limit, so an
	// MI request that mi_datagram takes is taken over HTTP too.
	PostBufSize int64
}

// DefaultConfig is OpenSIPS's defaults, but for PostBufSize.
func DefaultConfig() Config { return Config{Port: 8888, PostBufSize: 64 << 10} }

// Server is a running listener.
type Server struct {
	http     *http.Server
	listener net.Listener
	done     chan struct{}
}

// Listen opens the socket and serves h on it. Opening happens here, not
// in the serving goroutine, so a busy port fails the start-up.
func Listen(cfg Config, h http.Handler, log *slog.Logger) (*Server, error) {
	addr := net.JoinHostPort(cfg.IP, strconv.Itoa(cfg.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("httpd: listen on %s: %w", addr, err)
	}
	limit := cfg.PostBufSize
	s := &Server{listener: ln, done: make(chan struct{})}
	s.http = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// One bound for every module: a handler reading the body
			// fails past it instead of buffering whatever it is sent.
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("httpd: serving stopped", "err", err)
		}
	}()
	log.Info("listening", "addr", ln.Addr().String())
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.listener.Addr() }

// Close stops the server, giving requests in flight a moment to finish.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	<-s.done
	return err
}

// Running returns the listener the module started, nil when none runs.
func Running() *Server {
	mu.Lock()
	defer mu.Unlock()
	return running
}

func start() error {
	mu.Lock()
	defer mu.Unlock()
	cfg := pending
	pending = DefaultConfig()
	if running != nil {
		_ = running.Close()
		running = nil
	}
	srv, err := Listen(cfg, core.HTTPRoutes(), slog.Default().With("module", "httpd"))
	if err != nil {
		return err
	}
	running = srv
	return nil
}

func stop() {
	mu.Lock()
	defer mu.Unlock()
	if running != nil {
		_ = running.Close()
		running = nil
	}
}
