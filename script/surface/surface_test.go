package surface

import "testing"

// Counts from the inventory's headings: 191 module directories plus
// proto_udp/proto_tcp (b.2), 56 core functions (c.4), 139 core PV names
// (c.5). The c.7 list holds 102 names: the heading says 103 documented.
func TestCounts(t *testing.T) {
	if n := len(Modules()); n != 193 {
		t.Errorf("modules = %d, want 193", n)
	}
	core := 0
	for _, m := range functions {
		if m == "core" {
			core++
		}
	}
	if core != 56 {
		t.Errorf("core functions = %d, want 56", core)
	}
	corePVs := 0
	for _, m := range pvs {
		if m == "core" {
			corePVs++
		}
	}
	if corePVs != 139 {
		t.Errorf("core PVs = %d, want 139", corePVs)
	}
	if n := len(CoreParams()); n != 102 {
		t.Errorf("core params = %d, want 102", n)
	}
	if n := len(modParams["usrloc"]); n != 44 {
		t.Errorf("usrloc params = %d, want 44", n)
	}
}

func TestKnownEntries(t *testing.T) {
	fns := []struct{ fn, module string }{
		{"t_relay", "tm"}, {"save", "registrar"}, {"loose_route", "rr"},
		{"mf_process_maxfwd_header", "maxfwd"}, {"sl_send_reply", "sl"},
		{"setflag", "core"}, {"append_msg_branch", "core"}, {"cache_store", "core"},
		{"ds_select_dst", "dispatcher"}, {"cache_remove_chunk", "cachedb_local"},
	}
	for _, tt := range fns {
		if m, ok := FunctionModule(tt.fn); !ok || m != tt.module {
			t.Errorf("FunctionModule(%s) = %q %v, want %q", tt.fn, m, ok, tt.module)
		}
	}
	if _, ok := FunctionModule("t_relay_typo"); ok {
		t.Error("typo is a function")
	}
	for _, m := range []string{"tm", "proto_udp", "proto_tcp", "cachedb_local", "example", "rtp.io"} {
		if !IsModule(m) {
			t.Errorf("IsModule(%s) = false", m)
		}
	}
	if IsModule("tmm") {
		t.Error("IsModule(tmm)")
	}
	for _, p := range []string{"udp_workers", "log_level", "memdump", "mem_dump", "workdir", "tag", "mem-group"} {
		if !IsCoreParam(p) {
			t.Errorf("IsCoreParam(%s) = false", p)
		}
	}
	if IsCoreParam("children") {
		t.Error("children (removed in 3.1) is a core param")
	}
	mp := []struct {
		mod, param string
		want       bool
	}{
		{"tm", "fr_timeout", true}, {"usrloc", "nat_bflag", true}, {"maxfwd", "max_limit", true},
		{"tm", "nope", false}, {"rtpengine", "rtpengine_sock", false},
	}
	for _, tt := range mp {
		if got := IsModParam(tt.mod, tt.param); got != tt.want {
			t.Errorf("IsModParam(%s, %s) = %v", tt.mod, tt.param, got)
		}
	}
	if !HasModParams("tm") || HasModParams("rtpengine") {
		t.Error("HasModParams")
	}
	pv := []struct{ name, module string }{
		{"ru", "core"}, {"msg.branch.uri", "core"}, {"T_branch_idx", "tm"}, {"DLG_status", "dialog"},
		{"rr_params", "rr"}, {"shv", "cfgutils"}, {"json", "json"}, {"stat", "statistics"},
		{"acc_extra", "acc"}, {"tls_peer_verified", "tls_mgm"},
	}
	for _, tt := range pv {
		if m, ok := PVModule(tt.name); !ok || m != tt.module {
			t.Errorf("PVModule(%s) = %q %v, want %q", tt.name, m, ok, tt.module)
		}
	}
}
