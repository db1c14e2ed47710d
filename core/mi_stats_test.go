package core

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"

	"switchboard/engine"
	"switchboard/stats"
)

func TestStatisticsCommands(t *testing.T) {
	r := stats.NewRegistry()
	r.Counter("core", "rcv_requests", 0).Add(2)
	var uas atomic.Int64
	uas.Store(5)
	publishModuleStats(r, []*engine.Module{{Name: "tm", Stats: []engine.StatSpec{
		engine.CounterStat("UAS_transactions", &uas),
		engine.GaugeStat("inuse_transactions", func() int64 { return 1 }),
	}}})
	cmds := map[string]engine.MICommand{}
	for _, c := range statsMICommands(r) {
		cmds[c.Name] = c
	}
	call := func(name string, list ...any) (string, error) {
		values := map[string]any{}
		names := []string(nil)
		if list != nil {
			values["statistics"], names = list, []string{"statistics"}
		}
		res, err := cmds[name].Run(context.Background(), engine.NewMIParams(names, values))
		if err != nil {
			return "", err
		}
		out, _ := json.Marshal(res)
		return string(out), nil
	}
	for _, tc := range []struct {
		name, cmd, want string
		list            []any
	}{
		{"get all", "get_statistics", `{"core:rcv_requests":2,"tm:UAS_transactions":5,"tm:inuse_transactions":1}`, []any{"all"}},
		{"get group", "get_statistics", `{"tm:UAS_transactions":5,"tm:inuse_transactions":1}`, []any{"tm:"}},
		{"list", "list_statistics", `{"core:rcv_requests":"incremental","tm:UAS_transactions":"incremental","tm:inuse_transactions":"non-incremental"}`, nil},
		{"reset", "reset_statistics", `"OK"`, []any{"tm:"}},
		{"after reset", "get_statistics", `{"tm:UAS_transactions":0,"tm:inuse_transactions":1}`, []any{"tm:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := call(tc.cmd, tc.list...)
			if err != nil || got != tc.want {
				t.Errorf("%s = %s, %v; want %s", tc.cmd, got, err, tc.want)
			}
		})
	}
	if _, err := call("get_statistics", "no:such"); err == nil {
		t.Error("unknown statistic: no error")
	}
}
