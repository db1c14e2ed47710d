package core

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Command-line parameters (-l, -n, -A) are read after the script's own.
func TestLoadParams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.cfg")
	script := "socket=udp:127.0.0.1:5060\nudp_workers=8\nroute { exit; }\n"
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		params  []string
		sockets int
		workers int
		adv     string
		wantErr string
	}{
		{name: "none", sockets: 1, workers: 8},
		{name: "a socket is added", params: []string{"socket=tcp:127.0.0.1:5061"}, sockets: 2, workers: 8},
		{name: "workers replaced", params: []string{"udp_workers=2"}, sockets: 1, workers: 2},
		{name: "advertised address", params: []string{`advertised_address="203.0.113.9"`}, sockets: 1, workers: 8, adv: "203.0.113.9"},
		{name: "bad socket", params: []string{"socket=bogus:1.2.3.4"}, wantErr: "command line:1"},
		{name: "out of range", params: []string{"udp_workers=0"}, wantErr: "command line:1"},
		{name: "not a parameter", params: []string{"route { exit; }"}, wantErr: "only global parameters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Load(path, LoadOptions{Params: tc.params})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := len(l.Config.Sockets); got != tc.sockets {
				t.Errorf("%d sockets, want %d", got, tc.sockets)
			}
			if l.Config.UDPWorkers != tc.workers {
				t.Errorf("udp_workers %d, want %d", l.Config.UDPWorkers, tc.workers)
			}
			if l.Config.AdvertisedAddress != tc.adv {
				t.Errorf("advertised_address %q, want %q", l.Config.AdvertisedAddress, tc.adv)
			}
		})
	}
}

func TestMaxBufferParam(t *testing.T) {
	for _, tc := range []struct {
		name    string
		line    string
		want    int
		wantErr bool
	}{
		{"OpenSIPS's default", "", 262144, false},
		{"set", "maxbuffer=1048576\n", 1048576, false},
		{"0 keeps the system's", "maxbuffer=0\n", 0, false},
		{"negative", "maxbuffer=-1\n", 0, true},
		{"not a number", "maxbuffer=big\n", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.cfg")
			script := "socket=udp:127.0.0.1:5060\n" + tc.line + "route { exit; }\n"
			if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
				t.Fatal(err)
			}
			l, err := Load(path, LoadOptions{})
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), "maxbuffer") {
					t.Fatalf("error %v, want one naming maxbuffer", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.Config.MaxBuffer != tc.want {
				t.Errorf("maxbuffer %d, want %d", l.Config.MaxBuffer, tc.want)
			}
		})
	}
}
