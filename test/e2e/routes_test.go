package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestStartupAndTimerRoutes: startup_route runs once when the server
// starts, timer_route[name, 1] every second.
func TestStartupAndTimerRoutes(t *testing.T) {
	s := start(t, `
log_level=3
stderror_enabled=yes
syslog_enabled=no
socket=udp:127.0.0.1:PORT
loadmodule "proto_udp.so"

startup_route {
	xlog("L_WARN", "started\n");
}

timer_route[ticker, 1] {
	$var(n) = $var(n) + 1;
	xlog("L_WARN", "tick $var(n)\n");
}

route {
	exit;
}
`)
	deadline := time.Now().Add(4 * time.Second)
	for !strings.Contains(s.Log(), "tick 2") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	log := s.Log()
	if strings.Count(log, "msg=started") != 1 {
		t.Errorf("startup_route did not run exactly once:\n%s", log)
	}
	if !strings.Contains(log, "tick 1") || !strings.Contains(log, "tick 2") {
		t.Errorf("timer_route did not tick twice in 4 s:\n%s", log)
	}
}
