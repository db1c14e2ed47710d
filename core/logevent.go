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
// record they log while the "event" consumer is unmuted
// (log_event_enabled, or log_mute_state over the MI), at OpenSIPS levels
// up to its filter (log_event_level_filter; 0 is every level). log_level
// and xlog_level still decide what is logged at all, as OpenSIPS's
// consumers see only what passes log_level.
func (l *Loggers) withLogEvents() *Loggers {
	c, err := l.consumer("event")
	if err != nil {
		return l
	}
	out := *l
	out.Core = slog.New(&logEventHandler{next: l.Core.Handler(), consumer: c})
	out.Script = slog.New(&logEventHandler{next: l.Script.Handler(), consumer: c, script: true})
	out.quiet = l.Script
	return &out
}

// quietScript is the script logger that raises no E_CORE_LOG, for
// event_routes.
func (l *Loggers) quietScript() *slog.Logger {
	if l.quiet != nil {
		return l.quiet
	}
	return l.Script
}

// logEventsInFlight counts sync deliveries of E_CORE_LOG under way: what
// an event_route logs while handling E_CORE_LOG raises nothing, as
// OpenSIPS suppresses log events inside log events (suppress_log_event).
var logEventsInFlight atomic.Int32

type logEventHandler struct {
	next     slog.Handler
	consumer *logConsumer // "event"
	script   bool         // xlog output: no module or function, as OpenSIPS gives
	module   string       // from a With("module", ...) logger
}

func (h *logEventHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *logEventHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.next.Handle(ctx, r)
	if !evLog.Active() || logEventsInFlight.Load() > 0 || !h.consumer.passes(r.Level) {
		return err
	}
	level := openSIPSLevel(r.Level)
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
	// As OpenSIPS's event_dprint: module and function only for the
	// server's own lines (not xlog's), prefix only when log_prefix is set
	// (switchboard has none).
	params := make(events.Params, 0, 6)
	params = append(params, events.Param{Name: "time", Value: r.Time.Format(time.Stamp)},
		events.Param{Name: "pid", Value: os.Getpid()}, events.Param{Name: "level", Value: levelText(level)})
	if !h.script {
		if module == "" {
			module = "core"
		}
		params = append(params, events.Param{Name: "module", Value: module}, events.Param{Name: "function", Value: ""})
	}
	params = append(params, events.Param{Name: "message", Value: r.Message})
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
