package builtin

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"switchboard/engine"
)

// Logger receives log, xlog and xdbg output. When nil, slog.Default() at
// the time of the call is used, so a logger installed by main after this
// package is initialised still applies.
var Logger *slog.Logger

// OpenSIPS log levels (Script-CoreFunctions, xlog).
const (
	LAlert  = -3
	LCrit   = -2
	LErr    = -1
	LWarn   = 1
	LNotice = 2
	LInfo   = 3
	LDbg    = 4
)

var levelNames = map[string]int{
	"L_ALERT": LAlert, "L_CRIT": LCrit, "L_ERR": LErr, "L_WARN": LWarn,
	"L_NOTICE": LNotice, "L_INFO": LInfo, "L_DBG": LDbg,
}

// ParseLevel reads an OpenSIPS log level: a name (L_ERR...) or a number.
func ParseLevel(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if l, ok := levelNames[strings.ToUpper(s)]; ok {
		return l, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// SlogLevel maps an OpenSIPS level onto slog: errors and worse above
// slog.LevelError, notice between info and warn, debug (and any more
// verbose number) at or below slog.LevelDebug.
func SlogLevel(l int) slog.Level {
	switch {
	case l <= LAlert:
		return slog.LevelError + 4
	case l == LCrit:
		return slog.LevelError + 2
	case l <= 0:
		return slog.LevelError
	case l == LWarn:
		return slog.LevelWarn
	case l == LNotice:
		return slog.LevelInfo + 2
	case l == LInfo:
		return slog.LevelInfo
	}
	return slog.LevelDebug - slog.Level(l-LDbg)
}

// fixupLevel resolves a constant first argument of log/xlog that is a
// level; a constant that is no level is the message of a one-argument
// call, which the fixup cannot tell from here, so it is left as it is.
func fixupLevel(s string) (any, error) {
	if l, ok := ParseLevel(s); ok {
		return l, nil
	}
	return nil, nil
}

// logger returns where a message's script logs go: the context's logger,
// else Logger, else slog's default.
func logger(c *engine.Context) *slog.Logger {
	switch {
	case c != nil && c.Log != nil:
		return c.Log
	case Logger != nil:
		return Logger
	}
	return slog.Default()
}

func emit(c *engine.Context, level int, msg string) {
	lg, lvl := logger(c), SlogLevel(level)
	ctx := context.Background()
	if !lg.Enabled(ctx, lvl) {
		return
	}
	lg.LogAttrs(ctx, lvl, strings.TrimRight(msg, "\r\n"))
}

// logCall returns the Run of log or xlog: ([level,] text) where a call
// with one argument logs it at def.
func logCall(def int) func(*engine.Context, []engine.Arg) int {
	return func(c *engine.Context, a []engine.Arg) int {
		second := opt(a, 1)
		if !second.Set {
			emit(c, def, a[0].Str)
			return 1
		}
		level, ok := a[0].Fixed.(int)
		if !ok {
			if level, ok = ParseLevel(a[0].Str); !ok {
				level = def
			}
		}
		emit(c, level, second.Str)
		return 1
	}
}

func logFunctions() []engine.Function {
	levelOrText := []engine.ArgSpec{
		{Kind: engine.ArgStr, Fixup: fixupLevel},
		{Kind: engine.ArgStr, Optional: true},
	}
	return []engine.Function{
		// log() without a level logs at L_DBG (OpenSIPS cfg.y), xlog() at
		// L_ERR (Script-CoreFunctions).
		{Name: "log", Args: levelOrText, Run: logCall(LDbg)},
		{Name: "xlog", Args: levelOrText, Run: logCall(LErr)},
		{Name: "xdbg", Args: []engine.ArgSpec{{Kind: engine.ArgStr}},
			Run: func(c *engine.Context, a []engine.Arg) int {
				emit(c, LDbg, a[0].Str)
				return 1
			}},
	}
}
