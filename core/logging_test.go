package core

import (
	"bytes"
	"io"
	"log/syslog"
	"strings"
	"testing"
)

type fakeSyslog struct {
	bytes.Buffer
	prio   syslog.Priority
	tag    string
	closed bool
}

func (f *fakeSyslog) Close() error { f.closed = true; return nil }

func TestOpenLoggers(t *testing.T) {
	tests := []struct {
		name             string
		cfg              Config
		wantStderr       bool
		wantSyslog       bool
		wantPrio         syslog.Priority
		wantDebugVisible bool
	}{
		{"stock opensips.cfg: syslog on LOCAL0, level 3", Config{LogLevel: 3, XLogLevel: 3, SyslogEnabled: true, SyslogFacility: "LOG_LOCAL0", SyslogName: "opensips"},
			false, true, syslog.LOG_LOCAL0 | syslog.LOG_INFO, false},
		{"stderr only at debug", Config{LogLevel: 4, XLogLevel: 4, StderrEnabled: true}, true, false, 0, true},
		{"both", Config{LogLevel: 2, XLogLevel: 2, StderrEnabled: true, SyslogEnabled: true, SyslogFacility: "LOG_DAEMON"},
			true, true, syslog.LOG_DAEMON | syslog.LOG_INFO, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			sl := &fakeSyslog{}
			dial := func(p syslog.Priority, tag string) (io.WriteCloser, error) {
				sl.prio, sl.tag = p, tag
				return sl, nil
			}
			l, err := OpenLoggers(tc.cfg, &stderr, dial)
			if err != nil {
				t.Fatal(err)
			}
			l.Core.Error("core error")
			l.Script.Debug("script debug")
			if got := strings.Contains(stderr.String(), "core error"); got != tc.wantStderr {
				t.Errorf("stderr got the line: %v, want %v", got, tc.wantStderr)
			}
			if got := strings.Contains(sl.String(), "core error"); got != tc.wantSyslog {
				t.Errorf("syslog got the line: %v, want %v", got, tc.wantSyslog)
			}
			if tc.wantSyslog && sl.prio != tc.wantPrio {
				t.Errorf("syslog priority %v, want %v", sl.prio, tc.wantPrio)
			}
			all := stderr.String() + sl.String()
			if got := strings.Contains(all, "script debug"); got != tc.wantDebugVisible {
				t.Errorf("debug line visible: %v, want %v", got, tc.wantDebugVisible)
			}
			l.Close()
			if tc.wantSyslog && !sl.closed {
				t.Error("syslog not closed")
			}
		})
	}
}
