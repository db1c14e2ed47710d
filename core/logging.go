package core

import (
	"fmt"
	"io"
	"log/slog"
	"log/syslog"
	"os"
)

// Loggers are the process's loggers as the core parameters set them up.
type Loggers struct {
	// Core logs the server's own messages, filtered at log_level.
	Core *slog.Logger
	// Script logs xlog/log output, filtered at xlog_level.
	Script *slog.Logger
	close  func() error
	// quiet is Script without E_CORE_LOG (log_event_enabled), for what
	// event_routes log.
	quiet *slog.Logger
	// levels are log_level and xlog_level, changed at run time by the
	// MI; shared by the copies withLogEvents makes.
	levels *logLevels
	// consumers are stderror, syslog and event, in that order.
	consumers []*logConsumer
}

// Close releases the syslog connection, if any.
func (l *Loggers) Close() error {
	if l.close == nil {
		return nil
	}
	return l.close()
}

// OpenLoggers builds the loggers cfg asks for: stderr when
// stderror_enabled, syslog (with syslog_facility and syslog_name) when
// syslog_enabled, both when both are on. stderr may be nil for os.Stderr;
// syslogDial may be nil for the local syslog daemon.
func OpenLoggers(cfg Config, stderr io.Writer, syslogDial func(syslog.Priority, string) (io.WriteCloser, error)) (*Loggers, error) {
	if stderr == nil {
		stderr = os.Stderr
	}
	if syslogDial == nil {
		syslogDial = func(p syslog.Priority, tag string) (io.WriteCloser, error) { return syslog.New(p, tag) }
	}
	l := &Loggers{levels: &logLevels{}}
	l.levels.setCore(cfg.LogLevel)
	l.levels.setScript(cfg.XLogLevel)
	// Every record goes to the sinks at debug level: the loggers' levels
	// and the consumers' filters decide before.
	text := func(w io.Writer) slog.Handler {
		return slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
	}
	l.consumers = append(l.consumers, newLogConsumer("stderror", text(stderr), !cfg.StderrEnabled, cfg.StderrLevelFilter))
	if cfg.SyslogEnabled {
		w, err := syslogDial(facility(cfg.SyslogFacility)|syslog.LOG_INFO, cfg.SyslogName)
		if err != nil {
			return nil, fmt.Errorf("syslog: %w (set stderror_enabled=yes and syslog_enabled=no to log to stderr)", err)
		}
		l.consumers = append(l.consumers, newLogConsumer("syslog", text(w), false, cfg.SyslogLevelFilter))
		l.close = w.Close
	} else {
		// No connection to the syslog daemon was opened: the consumer
		// stays muted and cannot be unmuted (see logMuteState).
		l.consumers = append(l.consumers, newLogConsumer("syslog", text(io.Discard), true, cfg.SyslogLevelFilter))
	}
	l.consumers = append(l.consumers, newLogConsumer("event", nil, !cfg.LogEventEnabled, cfg.LogEventLevelFilter))
	l.Core = slog.New(newFanout(&l.levels.core, l.consumers))
	l.Script = slog.New(newFanout(&l.levels.script, l.consumers))
	return l, nil
}

func facility(name string) syslog.Priority {
	for i, f := range facilities {
		if f == name {
			return facilityValues[i]
		}
	}
	return syslog.LOG_DAEMON
}

// facilityValues follows the order of facilities.
var facilityValues = []syslog.Priority{syslog.LOG_KERN, syslog.LOG_USER, syslog.LOG_MAIL, syslog.LOG_DAEMON,
	syslog.LOG_AUTH, syslog.LOG_SYSLOG, syslog.LOG_LPR, syslog.LOG_NEWS, syslog.LOG_UUCP, syslog.LOG_CRON,
	syslog.LOG_AUTHPRIV, syslog.LOG_FTP, syslog.LOG_LOCAL0, syslog.LOG_LOCAL1, syslog.LOG_LOCAL2,
	syslog.LOG_LOCAL3, syslog.LOG_LOCAL4, syslog.LOG_LOCAL5, syslog.LOG_LOCAL6, syslog.LOG_LOCAL7}
