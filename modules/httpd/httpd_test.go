package httpd

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"switchboard/core"
	"switchboard/modules/mi_http"
	"switchboard/modules/prometheus"
	"switchboard/stats"
)

// TestMounted runs the listener on loopback with mi_http and prometheus
// mounted through the core, as a script loading all three does.
func TestMounted(t *testing.T) {
	cfg := DefaultConfig()
	cfg.IP, cfg.Port, cfg.PostBufSize = "127.0.0.1", 0, 1024
	srv, err := Listen(cfg, core.HTTPRoutes(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	core.HTTPHandle("mi", mi_http.Handler(core.MIRegistry))
	defer core.HTTPUnhandle("mi")
	pcfg := prometheus.DefaultConfig()
	pcfg.Statistics, pcfg.GroupMode = []string{"core:", "shmem:"}, prometheus.GroupName
	core.HTTPHandle("/metrics", prometheus.Handler(pcfg, stats.Default))
	defer core.HTTPUnhandle("metrics")
	stats.Core.RcvRequests.Inc()
	base := "http://" + srv.Addr().String()

	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		contains                 string
	}{
		{"mi call", "POST", "/mi", `{"jsonrpc":"2.0","method":"get_statistics","params":[["core:rcv_requests"]],"id":1}`, 200, `"core:rcv_requests":`},
		{"post over post_buf_size", "POST", "/mi", `{"pad":"` + strings.Repeat("x", 2000) + `"}`, 413, `-32600`},
		{"metrics", "GET", "/metrics", "", 200, "opensips_core_rcv_requests"},
		{"unknown root", "GET", "/nothing", "", 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, base+tc.path, strings.NewReader(tc.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.contains) {
				t.Fatalf("got %d %s, want %d with %q", resp.StatusCode, body, tc.status, tc.contains)
			}
			if tc.path == "/metrics" {
				p := expfmt.NewTextParser(model.LegacyValidation)
				fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
				if err != nil {
					t.Fatal(err)
				}
				if f := fams["opensips_core_rcv_requests"]; f == nil || f.GetMetric()[0].GetCounter().GetValue() < 1 {
					t.Errorf("rcv_requests missing or zero: %v", f)
				}
				if fams["opensips_shmem_used_size"] == nil {
					t.Errorf("no shmem family")
				}
			}
		})
	}
}

func TestBusyPortFails(t *testing.T) {
	cfg := DefaultConfig()
	cfg.IP, cfg.Port = "127.0.0.1", 0
	first, err := Listen(cfg, http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	cfg.Port = first.Addr().(*net.TCPAddr).Port
	if second, err := Listen(cfg, http.NotFoundHandler(), slog.New(slog.DiscardHandler)); err == nil {
		second.Close()
		t.Error("a second listener on a busy port started")
	}
}
