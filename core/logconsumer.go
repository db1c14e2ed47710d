package core

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
)

// logConsumer is one of OpenSIPS's log consumers: "stderror", "syslog"
// or "event" (E_CORE_LOG). Each has a mute switch and a level filter that
// the MI commands log_mute_state and log_level_filter change while the
// server runs; log_level and xlog_level decide first what is logged at all.
type logConsumer struct {
	name   string
	sink   slog.Handler // nil for "event", which the logEventHandler serves
	muted  atomic.Bool
	filter atomic.Int32 // an OpenSIPS level; 0 passes every level
}

func newLogConsumer(name string, sink slog.Handler, muted bool, filter int) *logConsumer {
	c := &logConsumer{name: name, sink: sink}
	c.muted.Store(muted)
	c.filter.Store(int32(filter))
	return c
}

// passes says whether a record at slog level l reaches the consumer.
func (c *logConsumer) passes(l slog.Level) bool {
	if c.muted.Load() {
		return false
	}
	f := c.filter.Load()
	return f == 0 || int32(openSIPSLevel(l)) <= f
}

// fanout is the handler of a logger: it checks the logger's level (a
// LevelVar, so log_level and xlog_level change at run time) and hands each
// record to every sink consumer that passes it.
type fanout struct {
	level     *slog.LevelVar
	consumers []*logConsumer
	sinks     []slog.Handler // consumers[i].sink with this logger's attrs
}

func newFanout(level *slog.LevelVar, consumers []*logConsumer) *fanout {
	f := &fanout{level: level}
	for _, c := range consumers {
		if c.sink != nil {
			f.consumers = append(f.consumers, c)
			f.sinks = append(f.sinks, c.sink)
		}
	}
	return f
}

func (f *fanout) Enabled(_ context.Context, l slog.Level) bool { return l >= f.level.Level() }

func (f *fanout) Handle(ctx context.Context, r slog.Record) error {
	var first error
	for i, c := range f.consumers {
		if !c.passes(r.Level) {
			continue
		}
		if err := f.sinks[i].Handle(ctx, r); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (f *fanout) WithAttrs(attrs []slog.Attr) slog.Handler {
	return f.derive(func(h slog.Handler) slog.Handler { return h.WithAttrs(attrs) })
}

func (f *fanout) WithGroup(name string) slog.Handler {
	return f.derive(func(h slog.Handler) slog.Handler { return h.WithGroup(name) })
}

func (f *fanout) derive(fn func(slog.Handler) slog.Handler) *fanout {
	out := &fanout{level: f.level, consumers: f.consumers, sinks: make([]slog.Handler, len(f.sinks))}
	for i, h := range f.sinks {
		out.sinks[i] = fn(h)
	}
	return out
}

// errUnknownConsumer: a name that is no consumer (the MI answers 404).
var errUnknownConsumer = errors.New("unknown log consumer")

// consumer finds a log consumer by its OpenSIPS name.
func (l *Loggers) consumer(name string) (*logConsumer, error) {
	for _, c := range l.consumers {
		if c.name == name {
			return c, nil
		}
	}
	return nil, errUnknownConsumer
}

// errFixedLevel is the answer for loggers a caller built itself (tests):
// their levels are in their handlers, out of reach.
var errFixedLevel = errors.New("these loggers have a fixed level")

// logLevels are log_level and xlog_level: the slog levels the loggers
// check, and the OpenSIPS levels they came from (several OpenSIPS levels
// map onto one slog level, and the MI answers the one that was set).
type logLevels struct {
	core, script   slog.LevelVar
	coreN, scriptN atomic.Int32
}

func (v *logLevels) setCore(level int) {
	v.coreN.Store(int32(level))
	v.core.Set(SlogLevel(level))
}

func (v *logLevels) setScript(level int) {
	v.scriptN.Store(int32(level))
	v.script.Set(SlogLevel(level))
}

// SetLogLevel changes log_level (the server's own messages) at run time.
func (l *Loggers) SetLogLevel(level int) error {
	if l.levels == nil {
		return errFixedLevel
	}
	l.levels.setCore(level)
	return nil
}

// SetXLogLevel changes xlog_level (the script's xlog output) at run time.
func (l *Loggers) SetXLogLevel(level int) error {
	if l.levels == nil {
		return errFixedLevel
	}
	l.levels.setScript(level)
	return nil
}

// LogLevel is log_level now (that of a fixed-level logger: 0).
func (l *Loggers) LogLevel() int {
	if l.levels == nil {
		return 0
	}
	return int(l.levels.coreN.Load())
}

// XLogLevel is xlog_level now.
func (l *Loggers) XLogLevel() int {
	if l.levels == nil {
		return 0
	}
	return int(l.levels.scriptN.Load())
}
