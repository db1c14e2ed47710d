// Package event_flatstore is OpenSIPS's event_flatstore module: an Event
// Interface backend that appends each raised event as one line of a text
// file ("flatstore:/var/log/sb/events.log"), with rotation on demand (MI
// evi_flat_rotate, for logrotate), by period, by line count and by size.
package event_flatstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"switchboard/events"
)

// Scheme is the socket prefix the backend serves.
const Scheme = "flatstore"

// Rotation reasons, as E_FLATSTORE_ROTATION reports them.
const (
	ReasonMI     = "mi"
	ReasonPeriod = "period"
	ReasonCount  = "count"
	ReasonSize   = "size"
)

// Config is the module's parameters.
type Config struct {
	Format Format
	// MaxFiles bounds the files open at once (max_open_sockets).
	MaxFiles int
	// Perm is the mode of created files (file_permissions).
	Perm os.FileMode
	// RotatePeriod rotates every file when the wall clock is a multiple
	// of it (rotate_period); 0 never.
	RotatePeriod time.Duration
	// RotateCount and RotateSize rotate a file after that many lines or
	// bytes written to it; 0 never.
	RotateCount uint64
	RotateSize  uint64
	// Suffix, when set, is appended to the socket's path to name the file
	// written (suffix; "$time(%Y%m%d)"). It is evaluated when a file is
	// first written and at each rotation.
	Suffix func() string
}

// DefaultConfig is OpenSIPS's defaults.
func DefaultConfig() Config {
	return Config{Format: DefaultFormat(), MaxFiles: 100, Perm: 0o644}
}

// Backend writes events to files. Sockets naming the same path share one
// file.
type Backend struct {
	cfg      Config
	log      *slog.Logger
	rotation *events.Event // E_FLATSTORE_ROTATION, nil when not published
	now      func() time.Time

	mu    sync.Mutex
	files map[string]*file // by socket path

	stop chan struct{}
	done chan struct{}
}

// NewBackend makes a backend; rotation is the event it raises when it
// opens a new file (nil for none). With a RotatePeriod it starts a timer
// that Close stops.
func NewBackend(cfg Config, rotation *events.Event, log *slog.Logger) (*Backend, error) {
	if err := cfg.Format.Check(); err != nil {
		return nil, err
	}
	if cfg.MaxFiles < 1 {
		return nil, fmt.Errorf("max_open_sockets must be at least 1, not %d", cfg.MaxFiles)
	}
	b := &Backend{cfg: cfg, log: log, rotation: rotation, now: time.Now, files: map[string]*file{},
		stop: make(chan struct{}), done: make(chan struct{})}
	if cfg.RotatePeriod > 0 {
		go b.periodic()
	} else {
		close(b.done)
	}
	return b, nil
}

// Scheme implements events.Backend.
func (b *Backend) Scheme() string { return Scheme }

// Parse implements events.Backend: the path must be in an existing
// directory and not be a directory itself. The file is opened (created)
// at the first event.
func (b *Backend) Parse(addr string) (events.Socket, error) {
	if addr == "" {
		return nil, errors.New("empty path")
	}
	for i := 0; i < len(addr); i++ {
		if addr[i] == 0 || addr[i] == '\n' || addr[i] == '\r' {
			return nil, fmt.Errorf("path %q has a control character", addr)
		}
	}
	if st, err := os.Stat(filepath.Dir(addr)); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s: no such directory", filepath.Dir(addr))
	}
	if st, err := os.Stat(addr); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", addr)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.files[addr]
	if f == nil {
		if len(b.files) >= b.cfg.MaxFiles {
			return nil, fmt.Errorf("%d files already open (max_open_sockets): no more flatstore subscribers until one ends", len(b.files))
		}
		f = &file{backend: b, path: addr}
		b.files[addr] = f
	}
	f.refs++
	return &socket{file: f}, nil
}

// release drops one socket of f and closes it after the last.
func (b *Backend) release(f *file) {
	b.mu.Lock()
	f.refs--
	last := f.refs == 0
	if last {
		delete(b.files, f.path)
	}
	b.mu.Unlock()
	if last {
		f.close()
	}
}

// Rotate reopens the file of the socket path at the next event, under a
// freshly evaluated name (MI evi_flat_rotate, after logrotate moved it).
// It fails when no subscriber writes to path.
func (b *Backend) Rotate(path string) error {
	b.mu.Lock()
	f := b.files[path]
	b.mu.Unlock()
	if f == nil {
		return errNotFound
	}
	f.rotate(ReasonMI)
	return nil
}

var errNotFound = errors.New("file not found")

// Close stops the rotation timer and closes every file.
func (b *Backend) Close() {
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
	<-b.done
	b.mu.Lock()
	files := b.files
	b.files = map[string]*file{}
	b.mu.Unlock()
	for _, f := range files {
		f.close()
	}
}

// periodic rotates every file when the clock is a multiple of the period,
// as OpenSIPS's once-a-second timer does.
func (b *Backend) periodic() {
	defer close(b.done)
	period := int64(b.cfg.RotatePeriod / time.Second)
	if period < 1 {
		period = 1
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	last := int64(-1)
	for {
		select {
		case <-b.stop:
			return
		case now := <-t.C:
			sec := now.Unix()
			if sec%period != 0 || sec == last {
				continue
			}
			last = sec
			b.mu.Lock()
			files := make([]*file, 0, len(b.files))
			for _, f := range b.files {
				files = append(files, f)
			}
			b.mu.Unlock()
			for _, f := range files {
				f.rotate(ReasonPeriod)
			}
		}
	}
}

// file is one log file and what writes to it.
type file struct {
	backend *Backend
	path    string // the socket's path
	refs    int    // sockets using it; guarded by backend.mu

	mu      sync.Mutex
	name    string // the path written to: path + suffix; "" until first use
	fd      *os.File
	records uint64
	bytes   uint64
	buf     []byte
}

// write appends the line of ev, opening the file first if needed.
func (f *file) write(ev *events.Raised) error {
	f.mu.Lock()
	f.buf = f.backend.cfg.Format.AppendLine(f.buf[:0], ev.Event, ev.Params)
	if f.fd == nil {
		if f.name == "" {
			f.name = f.path + f.backend.suffix()
		}
		fd, err := os.OpenFile(f.name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, f.backend.cfg.Perm)
		if err != nil {
			f.mu.Unlock()
			return err
		}
		f.fd = fd
	}
	n, err := f.fd.Write(f.buf)
	f.records++
	f.bytes += uint64(n)
	cfg := &f.backend.cfg
	reason := ""
	switch {
	case cfg.RotateCount > 0 && f.records >= cfg.RotateCount:
		reason = ReasonCount
	case cfg.RotateSize > 0 && f.bytes >= cfg.RotateSize:
		reason = ReasonSize
	}
	var old, name string
	if reason != "" {
		old, name = f.reopenLocked()
	}
	f.mu.Unlock()
	if reason != "" {
		f.backend.raiseRotation(reason, name, old)
	}
	return err
}

// rotate closes the file; the next event opens it again under a newly
// evaluated name.
func (f *file) rotate(reason string) {
	f.mu.Lock()
	old, name := f.reopenLocked()
	f.mu.Unlock()
	f.backend.raiseRotation(reason, name, old)
}

func (f *file) reopenLocked() (old, name string) {
	if f.fd != nil {
		if err := f.fd.Close(); err != nil {
			f.backend.log.Error("flatstore: close", "file", f.name, "err", err)
		}
		f.fd = nil
	}
	f.records, f.bytes = 0, 0
	old = f.name
	f.name = f.path + f.backend.suffix()
	return old, f.name
}

func (f *file) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fd != nil {
		if err := f.fd.Close(); err != nil {
			f.backend.log.Error("flatstore: close", "file", f.name, "err", err)
		}
		f.fd = nil
	}
}

func (b *Backend) suffix() string {
	if b.cfg.Suffix == nil {
		return ""
	}
	return b.cfg.Suffix()
}

// raiseRotation raises E_FLATSTORE_ROTATION.
func (b *Backend) raiseRotation(reason, name, old string) {
	if !b.rotation.Active() {
		return
	}
	b.rotation.Raise(events.Params{
		{Name: "timestamp", Value: strconv.FormatInt(b.now().Unix(), 10)},
		{Name: "reason", Value: reason},
		{Name: "filename", Value: name},
		{Name: "old_filename", Value: old},
	})
}

// socket is one flatstore: subscriber.
type socket struct {
	file *file
	once sync.Once
}

func (s *socket) String() string { return s.file.path }

// Match implements events.Socket: the same path.
func (s *socket) Match(other events.Socket) bool {
	o, ok := other.(*socket)
	return ok && o.file.path == s.file.path
}

// Send implements events.Socket: one line, written with one write(2) on
// a file opened O_APPEND, so lines from several events never interleave.
func (s *socket) Send(_ context.Context, ev *events.Raised) error {
	return s.file.write(ev)
}

// Close implements events.Socket.
func (s *socket) Close() error {
	s.once.Do(func() { s.file.backend.release(s.file) })
	return nil
}

var _ events.Backend = (*Backend)(nil)
var _ events.Socket = (*socket)(nil)
