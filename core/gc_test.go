package core

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	tests := []struct {
		name string
		env  string // GOGC; "" for unset
		want int
	}{
		{"unset: the server's default", "", DefaultGCPercent},
		{"set: what the runtime took from it stays", "150", 77},
		{"off: stays as the runtime set it", "off", 77},
	}
	saved, had := os.LookupEnv("GOGC")
	before := debug.SetGCPercent(100)
	t.Cleanup(func() {
		debug.SetGCPercent(before)
		if had {
			os.Setenv("GOGC", saved)
		} else {
			os.Unsetenv("GOGC")
		}
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env == "" {
				os.Unsetenv("GOGC")
			} else {
				os.Setenv("GOGC", tc.env)
			}
			debug.SetGCPercent(77) // stands for what the runtime read at start
			TuneGC()
			if got := debug.SetGCPercent(100); got != tc.want {
				t.Fatalf("GC percent %d, want %d", got, tc.want)
			}
		})
	}
}
