// Package acc is OpenSIPS's acc module with its log backend: transactions
// marked by do_accounting("log", ...) are reported when they complete
// (answered, failed, missed), and acc_log_request reports a request on
// the spot. The DB, AAA, event and CDR backends are not built yet and are
// refused when the script is loaded (see README.md).
package acc

import (
	"fmt"
	"strings"

	"switchboard/core"
	"switchboard/engine"
)

// The routes OpenSIPS allows the acc functions in.
const accRoutes = engine.RequestRoute | engine.FailureRoute | engine.BranchRoute | engine.LocalRoute

func init() {
	static := func(fixup func(string) (any, error), optional bool) engine.ArgSpec {
		return engine.ArgSpec{Kind: engine.ArgStatic, Fixup: fixup, Optional: optional}
	}
	core.Register(&engine.Module{
		Name: "acc",
		Deps: []string{"tm"},
		Params: []engine.Param{
			engine.BoolParam("early_media", config.earlyMedia.Store),
			engine.BoolParam("report_cancels", config.reportCancels.Store),
			{Name: "detect_direction", Kind: engine.ParamInt, Set: func(v engine.Value) error {
				if v.Int != 0 {
					// Swapping From and To needs rr's direction detection,
					// which no module API offers yet.
					return fmt.Errorf("not supported: detect_direction %d (module acc)", v.Int)
				}
				return nil
			}},
			{Name: "log_level", Kind: engine.ParamInt, Set: func(v engine.Value) error {
				config.logLevel.Store(int64(v.Int))
				return nil
			}},
			{Name: "log_facility", Kind: engine.ParamStr, Set: setFacility},
		},
		Functions: []engine.Function{
			{Name: "do_accounting", Routes: accRoutes, Run: doAccounting, Args: []engine.ArgSpec{
				static(typesFixup, false), static(flagsFixup, true),
				{Kind: engine.ArgStr, Optional: true}}},
			{Name: "drop_accounting", Routes: accRoutes, Run: dropAccounting, Args: []engine.ArgSpec{
				static(typesFixup, true), static(flagsFixup, true)}},
			{Name: "acc_log_request", Routes: accRoutes, Run: logRequest,
				Args: []engine.ArgSpec{{Kind: engine.ArgStr}}},
		},
	})
}

// Accounting flags, as do_accounting's arguments set them. Only the log
// backend exists, so the type is one bit and the flags qualify it.
const (
	flagLog    uint32 = 1 << iota // "log": account answered transactions
	flagMissed                    // "missed": report the call missed once
	flagFailed                    // "failed": account negative final replies too
)

// typesFixup reads do_accounting's type: "log", or backends joined by
// '|'; the backends not built yet are refused at load time.
func typesFixup(s string) (any, error) {
	var f uint32
	for _, name := range strings.Split(s, "|") {
		switch name = strings.ToLower(strings.TrimSpace(name)); name {
		case "log":
			f |= flagLog
		case "db", "aaa", "evi":
			return nil, fmt.Errorf("not supported: do_accounting type %s (module acc)", name)
		default:
			return nil, fmt.Errorf("unknown accounting type %q (known: log, db, aaa, evi)", name)
		}
	}
	return f, nil
}

// flagsFixup reads do_accounting's flags: "missed", "failed" or "cdr"
// joined by '|'; "cdr" needs the dialog module and is refused.
func flagsFixup(s string) (any, error) {
	var f uint32
	for _, name := range strings.Split(s, "|") {
		switch name = strings.ToLower(strings.TrimSpace(name)); name {
		case "missed":
			f |= flagMissed
		case "failed":
			f |= flagFailed
		case "cdr":
			return nil, fmt.Errorf("not supported: do_accounting flag cdr (module acc)")
		default:
			return nil, fmt.Errorf("unknown accounting flag %q (known: missed, failed, cdr)", name)
		}
	}
	return f, nil
}

// syslogFacilities are the names log_facility takes.
var syslogFacilities = []string{"LOG_KERN", "LOG_USER", "LOG_MAIL", "LOG_DAEMON", "LOG_AUTH", "LOG_SYSLOG",
	"LOG_LPR", "LOG_NEWS", "LOG_UUCP", "LOG_CRON", "LOG_AUTHPRIV", "LOG_FTP", "LOG_LOCAL0", "LOG_LOCAL1",
	"LOG_LOCAL2", "LOG_LOCAL3", "LOG_LOCAL4", "LOG_LOCAL5", "LOG_LOCAL6", "LOG_LOCAL7"}

// setFacility checks log_facility. The accounting lines go to the
// script's logger, whose syslog facility is the core's, so a valid name
// is accepted and otherwise has no effect (README, compatibility notes).
func setFacility(v engine.Value) error {
	for _, f := range syslogFacilities {
		if strings.EqualFold(f, v.Str) {
			return nil
		}
	}
	return fmt.Errorf("unknown log_facility %q (LOG_DAEMON, LOG_LOCAL0 ... LOG_LOCAL7, ...)", v.Str)
}
