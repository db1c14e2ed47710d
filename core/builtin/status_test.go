package builtin

import (
	"math"
	"testing"

	"switchboard/status"
)

func TestSRCheckStatus(t *testing.T) {
	g := status.Default.MustRegister("builtin_test", true)
	g.MustAdd(status.MainIdentifier, status.Ready, "", 0)
	loading := g.MustAdd("loading", status.NotReady, "", 0)
	g.MustAdd("reloading", status.ReloadingData, "", 0)
	ctx := newCtx(t)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"main by default", []string{"builtin_test"}, status.Ready},
		{"named identifier", []string{"builtin_test", "reloading"}, status.ReloadingData},
		{"not ready", []string{"builtin_test", "loading"}, status.NotReady},
		{"aggregate with one not ready", []string{"builtin_test", "all"}, status.NotReady},
		{"unknown identifier", []string{"builtin_test", "nope"}, math.MinInt32},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got int
			if len(tc.args) == 1 {
				got = call(t, ctx, "sr_check_status", S(tc.args[0]))
			} else {
				got = call(t, ctx, "sr_check_status", S(tc.args[0]), S(tc.args[1]))
			}
			if got != tc.want {
				t.Errorf("sr_check_status%v = %d, want %d", tc.args, got, tc.want)
			}
		})
	}
	loading.Set(status.Ready, "done", true)
	if got := call(t, ctx, "sr_check_status", S("builtin_test"), S("ALL")); got != status.Ready {
		t.Errorf("aggregate after loading = %d, want ready", got)
	}
	if _, err := fixupStatusGroup("no_such_group"); err == nil {
		t.Error("a constant unknown group passed the fixup")
	}
}
