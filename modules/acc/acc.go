package acc

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/sip"
)

// settings are the modparams. A reload sets them again while
// transactions run, so they are atomics.
type settings struct {
	earlyMedia    atomic.Bool  // early_media
	reportCancels atomic.Bool  // report_cancels
	logLevel      atomic.Int64 // log_level, an OpenSIPS level
}

var config = func() *settings {
	s := &settings{}
	s.defaults()
	return s
}()

// defaults sets OpenSIPS's default values: log_level is L_NOTICE.
func (s *settings) defaults() {
	s.earlyMedia.Store(false)
	s.reportCancels.Store(false)
	s.logLevel.Store(2)
}

// The leading text of each kind of line, as OpenSIPS writes them, so
// that log parsers written for OpenSIPS keep working.
const (
	textAnswered = "ACC: transaction answered: "
	textMissed   = "ACC: call missed: "
	textRequest  = "ACC: request accounted: "
)

// stateKey finds a transaction's accounting among tm's callbacks.
type stateKey struct{}

// transaction is the accounting of one transaction: what do_accounting
// asked for, and where the lines go. tm calls it with the transaction
// locked; the script may change flags from another worker at the same
// time (do_accounting after t_relay), hence the atomic.
type transaction struct {
	flags atomic.Uint32
	log   *slog.Logger
}

// registered returns the accounting of the request's transaction, making
// it on the first call; nil when the request can have none (an ACK, or
// tm not built).
func registered(ctx *engine.Context) *transaction {
	register := core.TMCallbacks()
	if register == nil {
		return nil
	}
	fresh := &transaction{log: ctx.Log}
	got, ok := register(ctx, stateKey{}, core.TMResponseOut|core.TMOnFailure, fresh)
	if !ok {
		return nil
	}
	t, _ := got.(*transaction)
	return t
}

// doAccounting is do_accounting(type[, flags[, table]]): it marks the
// transaction; the lines are written when it completes.
func doAccounting(ctx *engine.Context, a []engine.Arg) int {
	if ctx.Msg.Method() == sip.MethodCancel && !config.reportCancels.Load() {
		logger(ctx.Log).Warn("acc: do_accounting() on a CANCEL without report_cancels: not accounted")
		return 1
	}
	types, _ := a[0].Fixed.(uint32)
	flags, _ := a[1].Fixed.(uint32)
	t := registered(ctx)
	if t == nil {
		return -1
	}
	t.flags.Or(types | flags)
	return 1
}

// dropAccounting is drop_accounting([type[, flags]]): without flags the
// type's accounting stops altogether, with flags only those stop.
func dropAccounting(ctx *engine.Context, a []engine.Arg) int {
	t := registered(ctx)
	if t == nil {
		return -1
	}
	drop := flagLog | flagMissed | flagFailed
	if a[1].Set {
		drop, _ = a[1].Fixed.(uint32)
	}
	t.flags.And(^drop)
	return 1
}

// TransactionEvent writes the lines a transaction event calls for, as
// OpenSIPS's acc does from its tm callbacks.
func (t *transaction) TransactionEvent(ev *core.TMEvent) {
	switch ev.Kind {
	case core.TMOnFailure:
		t.missed(ev)
	case core.TMResponseOut:
		// A negative final reply that did not go through the failure
		// handling (a local reply, t_reply) still makes a missed call.
		if ev.Code >= 300 && ev.Request.Method() == sip.MethodInvite {
			t.missed(ev)
		}
		if t.accounts(ev) {
			write(t.log, textAnswered, ev.Request, replyToTag(ev), strconv.Itoa(ev.Code), ev.Reason)
		}
	}
}

// missed reports a missed call once: the flag is cleared, so a script
// that wants every failed attempt of serial forking sets it again in
// failure_route.
func (t *transaction) missed(ev *core.TMEvent) {
	if t.flags.And(^flagMissed)&flagMissed == 0 {
		return
	}
	write(t.log, textMissed, ev.Request, replyToTag(ev), strconv.Itoa(ev.Code), ev.Reason)
}

// accounts reports whether a reply sent upstream makes a line: a 2xx,
// a negative one with "failed", a provisional one with a body when
// early_media is on.
func (t *transaction) accounts(ev *core.TMEvent) bool {
	f := t.flags.Load()
	switch {
	case f&flagLog == 0:
		return false
	case ev.Code >= 300:
		return f&flagFailed != 0
	case ev.Code >= 200:
		return true
	}
	return config.earlyMedia.Load() && ev.Reply != nil && len(ev.Reply.Body()) > 0
}

// replyToTag is the To tag accounted for a reply: the received reply's,
// else (a reply tm made) the request's, as OpenSIPS does.
func replyToTag(ev *core.TMEvent) string {
	if ev.Reply != nil {
		if to, err := ev.Reply.To(); err == nil {
			return to.Tag()
		}
	}
	if to, err := ev.Request.To(); err == nil {
		return to.Tag()
	}
	return ""
}

// logRequest is acc_log_request(comment): the request is accounted now,
// with the code and reason the comment starts with ("404 Not Here").
func logRequest(ctx *engine.Context, a []engine.Arg) int {
	m := ctx.Msg
	if m == nil || !m.IsRequest() {
		return -1
	}
	if _, err := m.From(); err != nil {
		return -1
	}
	code, reason := splitComment(a[0].Str)
	toTag := ""
	if to, err := m.To(); err == nil {
		toTag = to.Tag()
	}
	write(ctx.Log, textRequest, m, toTag, code, reason)
	return 1
}

// splitComment takes the reply code off the front of a comment; without
// one the code is empty and the comment is the reason. A code alone gets
// its standard reason phrase.
func splitComment(s string) (code, reason string) {
	if len(s) >= 3 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) {
		code, reason = s[:3], strings.TrimSpace(s[3:])
		if reason == "" {
			n, _ := strconv.Atoi(code)
			reason = sip.ReasonPhrase(n)
		}
		return code, reason
	}
	return "", s
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// write logs one accounting line at log_level in OpenSIPS's format:
// text, then timestamp and the fixed fields as name=value joined by ';'.
// Missing values are empty, as OpenSIPS writes them.
func write(l *slog.Logger, text string, req *sip.Msg, toTag, code, reason string) {
	l = logger(l)
	level := core.SlogLevel(int(config.logLevel.Load()))
	if !l.Enabled(context.Background(), level) {
		return
	}
	fromTag, callID := "", ""
	if from, err := req.From(); err == nil {
		fromTag = from.Tag()
	}
	if id, err := req.CallID(); err == nil {
		callID = id
	}
	var b strings.Builder
	b.Grow(160)
	b.WriteString(text)
	b.WriteString("timestamp=")
	b.WriteString(strconv.FormatInt(time.Now().Unix(), 10))
	for _, f := range [...][2]string{{"method", req.MethodName()}, {"from_tag", fromTag}, {"to_tag", toTag},
		{"call_id", callID}, {"code", code}, {"reason", reason}} {
		b.WriteByte(';')
		b.WriteString(f[0])
		b.WriteByte('=')
		b.WriteString(f[1])
	}
	l.Log(context.Background(), level, b.String(), "module", "acc")
}

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}

var _ core.TMCallback = (*transaction)(nil)
