// Package mi_datagram is OpenSIPS's mi_datagram module: the management
// interface over UDP or a unix datagram socket, one request per datagram,
// the reply sent back to the sender's address.
package mi_datagram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"switchboard/engine"
	"switchboard/mi"
)

// Config is the module's parameters.
type Config struct {
	// Socket is socket_name: "udp:127.0.0.1:8080" or a unix socket path.
	Socket string
	// Workers is children_count: how many requests run at once.
	Workers int
	// UnixMode, UnixUID and UnixGID set up a unix socket file
	// (unix_socket_mode, unix_socket_user, unix_socket_group; -1 keeps
	// ours).
	UnixMode         uint32
	UnixUID, UnixGID int
	// Timeout bounds sending a reply (socket_timeout).
	Timeout time.Duration
}

// DefaultConfig is OpenSIPS's defaults, except that socket_name has no
// default there either: the module refuses to start without one.
func DefaultConfig() Config {
	return Config{Workers: 1, UnixMode: 0o660, UnixUID: -1, UnixGID: -1, Timeout: 2 * time.Second}
}

// Server answers MI requests on one datagram socket.
type Server struct {
	cfg      Config
	conn     net.PacketConn
	path     string // the unix socket file we created, to remove
	registry func() *mi.Registry
	log      *slog.Logger
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// parseSocket splits socket_name into a network and an address.
func parseSocket(name string) (network, addr string, err error) {
	switch {
	case strings.HasPrefix(name, "udp:"):
		return "udp", strings.TrimPrefix(name, "udp:"), nil
	case strings.HasPrefix(name, "unix:"):
		return "unixgram", strings.TrimPrefix(name, "unix:"), nil
	case strings.HasPrefix(name, "/"):
		return "unixgram", name, nil
	}
	return "", "", fmt.Errorf("mi_datagram: socket_name %q: want udp:ip:port or a unix socket path", name)
}

// Listen opens the socket and serves it until Close.
func Listen(cfg Config, registry func() *mi.Registry, log *slog.Logger) (*Server, error) {
	network, addr, err := parseSocket(cfg.Socket)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, registry: registry, log: log}
	if network == "unixgram" {
		// A socket file left by a previous run would make bind fail.
		if fi, err := os.Lstat(addr); err == nil && fi.Mode()&os.ModeSocket != 0 {
			os.Remove(addr)
		}
		s.path = addr
	}
	s.conn, err = net.ListenPacket(network, addr)
	if err != nil {
		return nil, fmt.Errorf("mi_datagram: %w", err)
	}
	if s.path != "" {
		if err := s.setupUnixFile(); err != nil {
			s.conn.Close()
			return nil, err
		}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	workers := max(cfg.Workers, 1)
	s.wg.Add(workers)
	for range workers {
		go s.serve()
	}
	return s, nil
}

func (s *Server) setupUnixFile() error {
	if err := os.Chmod(s.path, os.FileMode(s.cfg.UnixMode)); err != nil {
		return fmt.Errorf("mi_datagram: chmod %s: %w", s.path, err)
	}
	if s.cfg.UnixUID != -1 || s.cfg.UnixGID != -1 {
		if err := os.Chown(s.path, s.cfg.UnixUID, s.cfg.UnixGID); err != nil {
			return fmt.Errorf("mi_datagram: chown %s: %w", s.path, err)
		}
	}
	return nil
}

// Addr is the socket's local address (tests use port 0).
func (s *Server) Addr() net.Addr { return s.conn.LocalAddr() }

// Close stops serving and removes a unix socket file.
func (s *Server) Close() {
	s.cancel()
	s.conn.Close()
	s.wg.Wait()
	if s.path != "" {
		os.Remove(s.path)
	}
}

// serve is one worker: several read the same socket, as OpenSIPS's
// children_count processes do, so a slow command does not hold up the
// others.
func (s *Server) serve() {
	defer s.wg.Done()
	// One byte over the limit tells an oversized datagram (unix sockets
	// carry more than UDP) from one that fits.
	buf := make([]byte, mi.MaxRequestSize+1)
	for {
		n, from, err := s.conn.ReadFrom(buf)
		if err != nil {
			if s.ctx.Err() == nil {
				s.log.Error("reading the MI socket failed: MI over datagram stops", "err", err)
			}
			return
		}
		out := mi.Dispatch(s.ctx, s.registry(), buf[:n])
		if out == nil {
			continue
		}
		if from == nil || from.String() == "" {
			// An unbound unix client has no address to answer to.
			s.log.Warn("MI request from an unnamed socket: no reply possible")
			continue
		}
		s.send(out, from)
	}
}

// send writes the reply; one too large for a datagram is replaced by an
// error the client can read.
func (s *Server) send(out []byte, to net.Addr) {
	s.conn.SetWriteDeadline(time.Now().Add(s.cfg.Timeout))
	_, err := s.conn.WriteTo(out, to)
	if errors.Is(err, syscall.EMSGSIZE) || errors.Is(err, syscall.ENOBUFS) {
		tooBig := &engine.MIError{Code: mi.CodeServerError, Message: "Server error",
			Data: fmt.Sprintf("reply of %d bytes does not fit in a datagram", len(out))}
		_, err = s.conn.WriteTo(mi.ErrorReply(nil, tooBig), to)
	}
	if err != nil {
		s.log.Warn("cannot send MI reply", "to", to.String(), "err", err)
	}
}
