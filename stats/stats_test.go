package stats

import (
	"slices"
	"sync/atomic"
	"testing"
)

func TestSelectAndReset(t *testing.T) {
	r := NewRegistry()
	rcv := r.Counter("core", "rcv_requests", 0)
	kept := r.Counter("core", "kept", NoReset)
	var uas atomic.Int64
	r.Mirror("tm", "UAS_transactions", uas.Load, func() { uas.Store(0) })
	r.Computed("tm", "inuse_transactions", NoReset, func() int64 { return 7 }, nil)
	rcv.Add(3)
	kept.Inc()
	uas.Store(5)

	names := func(list []*Stat) []string {
		var out []string
		for _, s := range list {
			out = append(out, s.FullName())
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		queries []string
		want    []string
	}{
		{"all", []string{"all"}, []string{"core:rcv_requests", "core:kept", "tm:UAS_transactions", "tm:inuse_transactions"}},
		{"group", []string{"tm:"}, []string{"tm:UAS_transactions", "tm:inuse_transactions"}},
		{"full name", []string{"tm:UAS_transactions"}, []string{"tm:UAS_transactions"}},
		{"bare name", []string{"rcv_requests"}, []string{"core:rcv_requests"}},
		{"unknown", []string{"nope", "nogroup:"}, nil},
		{"twice once", []string{"core:", "rcv_requests"}, []string{"core:rcv_requests", "core:kept"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(r.Select(tc.queries...)); !slices.Equal(got, tc.want) {
				t.Errorf("Select(%v) = %v, want %v", tc.queries, got, tc.want)
			}
		})
	}
	for _, s := range r.All() {
		s.Reset()
	}
	if rcv.Value() != 0 || uas.Load() != 0 || kept.Value() != 1 {
		t.Errorf("after reset: rcv=%d uas=%d kept=%d, want 0 0 1", rcv.Value(), uas.Load(), kept.Value())
	}
	if s, _ := r.Lookup("tm:inuse_transactions"); s.Value() != 7 || s.Incremental() {
		t.Errorf("computed: value %d incremental %v", s.Value(), s.Incremental())
	}
	r.RemoveGroup("tm")
	if got := r.Groups(); !slices.Equal(got, []string{"core"}) {
		t.Errorf("groups after RemoveGroup = %v", got)
	}
}

func TestDuplicatePanics(t *testing.T) {
	r := NewRegistry()
	r.Counter("core", "x", 0)
	defer func() {
		if recover() == nil {
			t.Error("registering core:x twice did not panic")
		}
	}()
	r.Counter("core", "x", 0)
}

func TestDefaultHasCoreAndRuntime(t *testing.T) {
	for _, name := range []string{"core:rcv_requests", "core:timestamp", "shmem:used_size", "load:load", "load:processes_number"} {
		s, ok := Default.Lookup(name)
		if !ok {
			t.Errorf("%s is not registered", name)
			continue
		}
		_ = s.Value()
	}
	if s, _ := Default.Lookup("shmem:total_size"); s.Value() <= 0 {
		t.Errorf("shmem:total_size = %d, want > 0", s.Value())
	}
}
