//go:build pprof

// Profiling build (go build -tags pprof): with SWITCHBOARD_PPROF set to a
// loopback address, the server serves net/http/pprof and expvar
// (/debug/vars, with the runtime's memstats: Mallocs, NumGC) there, so
// bench/load/profile.sh can take CPU and allocation profiles of a server
// under load and count its allocations. Release builds do not contain it.
package main

import (
	_ "expvar" // registers /debug/vars on the default mux
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on the default mux
	"os"
)

func init() {
	addr := os.Getenv("SWITCHBOARD_PPROF")
	if addr == "" {
		return
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		fmt.Fprintf(os.Stderr, "switchboard: SWITCHBOARD_PPROF=%q: want a loopback host:port\n", addr)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard: pprof:", err)
		os.Exit(1)
	}
	go http.Serve(ln, nil)
}
