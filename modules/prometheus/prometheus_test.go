package prometheus

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"switchboard/stats"
)

func TestMetricsParse(t *testing.T) {
	r := stats.NewRegistry()
	r.Counter("core", "rcv_requests", 0).Add(12)
	var uas atomic.Int64
	uas.Store(4)
	r.Mirror("tm", "UAS_transactions", uas.Load, func() { uas.Store(0) })
	r.Computed("tm", "inuse_transactions", stats.NoReset, func() int64 { return 2 }, nil)
	r.Computed("usrloc", "location-users", stats.NoReset, func() int64 { return 3 }, nil)
	r.Computed("load", "load1m-all", stats.NoReset, func() int64 { return 1 }, nil)
	rule, err := ParseLabelRule(`usrloc: /^(.*)-(.*)$/\2:domain="\1"/`)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		cfg  func(*Config)
		want map[string]float64 // family -> value of its first sample
		kind map[string]dto.MetricType
	}{
		{name: "all, group in name", cfg: func(c *Config) { c.Statistics = []string{"all"}; c.GroupMode = GroupName },
			want: map[string]float64{"opensips_core_rcv_requests": 12, "opensips_tm_UAS_transactions": 4,
				"opensips_tm_inuse_transactions": 2, "opensips_load_load1m_all": 1, "opensips_usrloc_location_users": 3},
			kind: map[string]dto.MetricType{"opensips_core_rcv_requests": dto.MetricType_COUNTER,
				"opensips_tm_inuse_transactions": dto.MetricType_GAUGE}},
		{name: "group as label", cfg: func(c *Config) { c.Statistics = []string{"tm:"}; c.GroupMode = GroupLabel },
			want: map[string]float64{"opensips_UAS_transactions": 4, "opensips_inuse_transactions": 2}},
		{name: "selected names, prefix", cfg: func(c *Config) { c.Statistics = []string{"rcv_requests"}; c.Prefix = "sb" },
			want: map[string]float64{"sb_rcv_requests": 12}},
		{name: "labels rule", cfg: func(c *Config) {
			c.Statistics = []string{"usrloc:"}
			c.Labels = []LabelRule{rule}
		}, want: map[string]float64{"opensips_users": 3}},
		{name: "nothing selected", cfg: func(*Config) {}, want: map[string]float64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.cfg(&cfg)
			srv := httptest.NewServer(Handler(cfg, r))
			defer srv.Close()
			resp, err := http.Get(srv.URL + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "version=0.0.4") {
				t.Errorf("Content-Type %q", ct)
			}
			parser := expfmt.NewTextParser(model.LegacyValidation)
			families, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, body)
			}
			if len(families) != len(tc.want) {
				t.Errorf("%d families, want %d:\n%s", len(families), len(tc.want), body)
			}
			for name, want := range tc.want {
				f, ok := families[name]
				if !ok {
					t.Errorf("no family %s in\n%s", name, body)
					continue
				}
				m := f.GetMetric()[0]
				got := m.GetCounter().GetValue() + m.GetGauge().GetValue()
				if got != want {
					t.Errorf("%s = %v, want %v", name, got, want)
				}
				if k, ok := tc.kind[name]; ok && f.GetType() != k {
					t.Errorf("%s type %v, want %v", name, f.GetType(), k)
				}
				if cfg.GroupMode == GroupLabel && m.GetLabel()[0].GetName() != "group" {
					t.Errorf("%s labels %v", name, m.GetLabel())
				}
			}
			if f, ok := families["opensips_users"]; ok {
				l := f.GetMetric()[0].GetLabel()
				if len(l) != 1 || l[0].GetName() != "domain" || l[0].GetValue() != "location" {
					t.Errorf("labels %v, want domain=location", l)
				}
			}
		})
	}
}

func TestParseLabelRuleErrors(t *testing.T) {
	for _, bad := range []string{"", "usrloc", "usrloc: nope", "usrloc: /(/x/", "usrloc: /only/"} {
		if _, err := ParseLabelRule(bad); err == nil {
			t.Errorf("ParseLabelRule(%q) accepted", bad)
		}
	}
}
