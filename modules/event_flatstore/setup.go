package event_flatstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/events"
	"switchboard/script/pv"
	"switchboard/sip"
)

func init() {
	core.Register(&engine.Module{
		Name: "event_flatstore",
		Params: []engine.Param{
			engine.IntParam("max_open_sockets", func(n int) error {
				if n < 1 {
					return fmt.Errorf("max_open_sockets must be at least 1, not %d", n)
				}
				pending.MaxFiles = n
				return nil
			}),
			engine.StrParam("delimiter", func(s string) error {
				if s == "" {
					return errors.New("delimiter must not be empty")
				}
				pending.Format.Delimiter = s
				return nil
			}),
			engine.StrParam("escape_delimiter", func(s string) error {
				pending.Format.Escape = s
				return nil
			}),
			engine.StrParam("file_permissions", func(s string) error {
				mode, err := ParsePermissions(s)
				if err != nil {
					return err
				}
				pending.Perm = mode
				return nil
			}),
			engine.BoolParam("suppress_event_name", func(on bool) { pending.Format.SuppressName = on }),
			engine.IntParam("rotate_period", func(n int) error {
				if n < 0 {
					return fmt.Errorf("rotate_period must be seconds (0 for never), not %d", n)
				}
				pending.RotatePeriod = time.Duration(n) * time.Second
				return nil
			}),
			engine.StrParam("rotate_count", func(s string) error {
				n, err := ParseSize(s, false)
				if err != nil {
					return fmt.Errorf("rotate_count: %w", err)
				}
				pending.RotateCount = n
				return nil
			}),
			engine.StrParam("rotate_size", func(s string) error {
				n, err := ParseSize(s, true)
				if err != nil {
					return fmt.Errorf("rotate_size: %w", err)
				}
				pending.RotateSize = n
				return nil
			}),
			engine.StrParam("suffix", func(s string) error {
				suffix, err := compileSuffix(s)
				if err != nil {
					return err
				}
				pending.Suffix = suffix
				return nil
			}),
		},
		MI: []engine.MICommand{{
			Name:   "evi_flat_rotate",
			Help:   "rotates the files the module dumps events into",
			Params: [][]string{{"path_to_file"}},
			Run:    miRotate,
		}},
		Events:   []engine.EventSpec{{Name: RotationEvent, Params: rotationParams}},
		Init:     start,
		Shutdown: stop,
	})
}

// RotationEvent is the event raised when a new file is opened.
const RotationEvent = "E_FLATSTORE_ROTATION"

var rotationParams = []string{"timestamp", "reason", "filename", "old_filename"}

var (
	// pending collects the modparams of the script being loaded; start
	// consumes and resets it.
	pending = DefaultConfig()

	mu      sync.Mutex
	running *Backend
)

func start() error {
	mu.Lock()
	defer mu.Unlock()
	cfg := pending
	pending = DefaultConfig()
	stopLocked()
	rotation := events.Default.MustPublish(RotationEvent, rotationParams...)
	b, err := NewBackend(cfg, rotation, slog.Default().With("module", "event_flatstore"))
	if err != nil {
		return err
	}
	if err := events.Default.RegisterBackend(b); err != nil {
		b.Close()
		return err
	}
	running = b
	return nil
}

func stop() {
	mu.Lock()
	defer mu.Unlock()
	stopLocked()
}

func stopLocked() {
	if running != nil {
		events.Default.UnregisterBackend(Scheme)
		running.Close()
		running = nil
	}
}

// miRotate is evi_flat_rotate path_to_file.
func miRotate(_ context.Context, p engine.MIParams) (any, error) {
	path, err := p.Get("path_to_file")
	if err != nil {
		return nil, err
	}
	mu.Lock()
	b := running
	mu.Unlock()
	if b == nil || b.Rotate(path) != nil {
		return nil, &engine.MIError{Code: 400, Message: "File not found"}
	}
	return "OK", nil
}

// ParsePermissions reads file_permissions: an octal mode such as "644".
func ParsePermissions(s string) (os.FileMode, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 8, 32)
	if err != nil || n > 0o777 {
		return 0, fmt.Errorf("file_permissions must be an octal mode such as \"644\", not %q", s)
	}
	return os.FileMode(n), nil
}

// ParseSize reads rotate_count and rotate_size: a decimal number that may
// exceed 32 bits, with a k, m or g suffix (powers of 1024) when suffixes
// is set.
func ParseSize(s string, suffixes bool) (uint64, error) {
	s = strings.TrimSpace(s)
	mult := uint64(1)
	if suffixes && s != "" {
		switch s[len(s)-1] {
		case 'k', 'K':
			mult = 1 << 10
		case 'm', 'M':
			mult = 1 << 20
		case 'g', 'G':
			mult = 1 << 30
		}
		if mult > 1 {
			s = s[:len(s)-1]
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if n > 0 && n*mult/mult != n {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n * mult, nil
}

// dummyRequest is the message the suffix format is evaluated against, as
// OpenSIPS uses a fake "DUMMY sip:user@domain.com" request.
const dummyRequest = "DUMMY sip:user@domain.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1\r\n" +
	"From: <sip:user@domain.com>;tag=1\r\nTo: <sip:user@domain.com>\r\nCall-ID: flatstore\r\nCSeq: 1 DUMMY\r\nContent-Length: 0\r\n\r\n"

// compileSuffix compiles the suffix format ("$time(%Y)") once.
func compileSuffix(text string) (func() string, error) {
	if text == "" {
		return nil, nil
	}
	parser := pv.Parser{Registry: core.Modules}
	f, err := parser.ParseFormat(text)
	if err != nil {
		return nil, fmt.Errorf("suffix: %w", err)
	}
	if s, ok := f.Constant(); ok {
		return func() string { return s }, nil
	}
	var mu sync.Mutex
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		msg, err := sip.ParseString(dummyRequest)
		if err != nil {
			return ""
		}
		ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Log: slog.Default()}
		ctx.Reset(msg, engine.EventRoute)
		return f.String(ctx)
	}, nil
}
