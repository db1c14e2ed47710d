package resolver

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// seeded makes orderSRV reproducible.
func seeded(seed uint64) func(int) int {
	rng := rand.New(rand.NewPCG(seed, seed))
	return rng.IntN
}

func TestOrderSRV(t *testing.T) {
	tests := []struct {
		name    string
		records []srvRecord
		first   map[string]float64 // expected share of first picks
	}{
		{name: "RFC 2782 weights 60/30/10", records: []srvRecord{
			{10, 60, 5060, "a"}, {10, 30, 5060, "b"}, {10, 10, 5060, "c"}, {20, 100, 5060, "backup"}},
			first: map[string]float64{"a": 0.6, "b": 0.3, "c": 0.1}},
		{name: "zero weight almost never first among weighted", records: []srvRecord{
			{10, 0, 5060, "zero"}, {10, 100, 5060, "hundred"}},
			first: map[string]float64{"zero": 1.0 / 101, "hundred": 100.0 / 101}},
		{name: "all zero weights share evenly", records: []srvRecord{
			{10, 0, 5060, "a"}, {10, 0, 5060, "b"}},
			first: map[string]float64{"a": 0.5, "b": 0.5}},
		{name: "lower priority value always first", records: []srvRecord{
			{20, 100, 5060, "late"}, {10, 1, 5060, "early"}},
			first: map[string]float64{"early": 1}},
	}
	const draws = 20000
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Resolver{randIntN: seeded(42)}
			counts := map[string]int{}
			for range draws {
				out := r.orderSRV(append([]srvRecord(nil), tt.records...))
				if len(out) != len(tt.records) {
					t.Fatalf("orderSRV returned %d records, want %d", len(out), len(tt.records))
				}
				for i := 1; i < len(out); i++ {
					if out[i].priority < out[i-1].priority {
						t.Fatalf("priority order broken: %v", out)
					}
				}
				counts[out[0].target]++
			}
			for target, want := range tt.first {
				got := float64(counts[target]) / draws
				if math.Abs(got-want) > 0.015 {
					t.Errorf("%s first %.3f of the time, want %.3f ± 0.015", target, got, want)
				}
			}
		})
	}
}

// The same distribution end to end: one SRV query, the order drawn anew
// for every Resolve.
func TestResolveSRVWeights(t *testing.T) {
	r, s, _ := newTestResolver(t, Config{Protos: []string{"udp"}})
	r.randIntN = seeded(7)
	u := mustURI(t, "sip:weights.test")
	counts := map[string]int{}
	const n = 5000
	for range n {
		got, err := r.Resolve(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 || got[3].String() != "udp:192.0.2.200:5060" {
			t.Fatalf("got %v, want the priority 20 backup last", targetStrings(got))
		}
		counts[got[0].Addr.Addr().String()]++
	}
	for addr, want := range map[string]float64{"192.0.2.60": 0.6, "192.0.2.30": 0.3, "192.0.2.10": 0.1} {
		if got := float64(counts[addr]) / n; math.Abs(got-want) > 0.03 {
			t.Errorf("%s first %.3f of the time, want %.2f ± 0.03", addr, got, want)
		}
	}
	if q := s.total(); q != 5 { // SRV + 4 A
		t.Errorf("queries = %d, want 5", q)
	}
}
