package core

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"switchboard/events"
)

// withLogEvents returns loggers that also raise E_CORE_LOG for every
// record they log (log_event_enabled), at OpenSIPS levels up to filter
// (log_event_level_filter; 0 is every level). log_level and xlog_level
// still decide what is logged at all, as OpenSIPS's consumers see only
// what passes log_level.
func (l *Loggers) withLogEvents(filter int) *Loggers {
	out := *l
	out.Core = slog.New(&logEventHandler{next: l.Core.Handler(), filter: filter})
	out.Script = slog.New(&logEventHandler{next: l.Script.Handler(), filter: filter, script: true})
	return &out
}

// logEventsInFlight counts sync deliveries of E_CORE_LOG under way: what
// an event_route logs while handling E_CORE_LOG raises nothing, as
// OpenSIPS suppresses log events inside log events (suppress_log_event).
var logEventsInFlight atomic.Int32

type logEventHandler struct {
	next   slog.Handler
	filter int
	script bool   // xlog output: no module or function, as OpenSIPS gives
	module string // from a With("module", ...) logger
}

func (h *logEventHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *logEventHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.next.Handle(ctx, r)
	if !evLog.Active() || logEventsInFlight.Load() > 0 {
		return err
	}
	level := openSIPSLevel(r.Level)
	if h.filter != 0 && level > h.filter {
		return err
	}
	module := h.module
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "module" {
			module = a.Value.String()
		}
		return true
	})
	// The events package logs its own delivery failures: raising those
	// would feed a failing subscriber its own failures for ever.
	if module == "events" {
		return err
	}
	params := events.Params{
		{Name: "time", Value: r.Time.Format(time.Stamp)},
		{Name: "pid", Value: os.Getpid()},
		{Name: "level", Value: levelText(level)},
		{Name: "module"}, {Name: "function"},
		{Name: "prefix", Value: ""},
		{Name: "message", Value: r.Message},
	}
	if !h.script {
		if module == "" {
			module = "core"
		}
		params[3].Value = module
	}
	logEventsInFlight.Add(1)
	evLog.Raise(params)
	logEventsInFlight.Add(-1)
	return err
}

func (h *logEventHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.next = h.next.WithAttrs(attrs)
	for _, a := range attrs {
		if a.Key == "module" {
			c.module = a.Value.String()
		}
	}
	return &c
}

func (h *logEventHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	return &c
}

// openSIPSLevel maps a slog level back onto OpenSIPS's (builtin.SlogLevel
// the other way).
func openSIPSLevel(l slog.Level) int {
	switch {
	case l >= slog.LevelError+4:
		return -3
	case l >= slog.LevelError+2:
		return -2
	case l >= slog.LevelError:
		return -1
	case l >= slog.LevelWarn:
		return 1
	case l >= slog.LevelInfo+2:
		return 2
	case l >= slog.LevelInfo:
		return 3
	}
	return 4
}

// levelText is OpenSIPS's dp_log_level_str.
func levelText(level int) string {
	switch level {
	case -3:
		return "ALERT"
	case -2:
		return "CRITICAL"
	case -1:
		return "ERROR"
	case 1:
		return "WARNING"
	case 2:
		return "NOTICE"
	case 3:
		return "INFO"
	}
	return "DBG"
}
