package resolver

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"
)

func TestMarkFailed(t *testing.T) {
	udp11 := Target{Proto: "udp", Addr: netip.MustParseAddrPort("192.0.2.11:5070")}
	tcp11 := Target{Proto: "tcp", Addr: netip.MustParseAddrPort("192.0.2.11:5070")}
	udp12 := Target{Proto: "udp", Addr: netip.MustParseAddrPort("192.0.2.12:5071"), Host: "other name, same key"}
	tests := []struct {
		name    string
		marks   []Target
		advance time.Duration
		want    []string
	}{
		{name: "nothing marked", want: []string{"udp:192.0.2.11:5070", "udp:192.0.2.12:5071", "tcp:192.0.2.10:5072"}},
		{name: "first marked goes last", marks: []Target{udp11}, advance: 9 * time.Second,
			want: []string{"udp:192.0.2.12:5071", "tcp:192.0.2.10:5072", "udp:192.0.2.11:5070"}},
		{name: "two marked keep their order at the end", marks: []Target{udp12, udp11},
			want: []string{"tcp:192.0.2.10:5072", "udp:192.0.2.11:5070", "udp:192.0.2.12:5071"}},
		{name: "mark expires", marks: []Target{udp11}, advance: 10 * time.Second,
			want: []string{"udp:192.0.2.11:5070", "udp:192.0.2.12:5071", "tcp:192.0.2.10:5072"}},
		{name: "other transport to the same address is not marked", marks: []Target{tcp11},
			want: []string{"udp:192.0.2.11:5070", "udp:192.0.2.12:5071", "tcp:192.0.2.10:5072"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, clock := newTestResolver(t, Config{})
			for _, m := range tt.marks {
				r.MarkFailed(m, 10*time.Second)
			}
			clock.Advance(tt.advance)
			got, err := r.Resolve(context.Background(), mustURI(t, "sip:srv.test"))
			if err != nil {
				t.Fatal(err)
			}
			if g := targetStrings(got); !slices.Equal(g, tt.want) {
				t.Errorf("got  %v\nwant %v", g, tt.want)
			}
		})
	}
}

func TestBlacklistBound(t *testing.T) {
	b := newBlacklist(4)
	now := time.Unix(0, 0)
	for i := range 10 {
		b.add(Target{Proto: "udp", Addr: netip.AddrPortFrom(netip.MustParseAddr("192.0.2.1"), uint16(i))}, now.Add(time.Minute), now)
	}
	if len(b.until) != 4 {
		t.Errorf("blacklist holds %d, bound 4", len(b.until))
	}
	// Once the first ones expire there is room again.
	later := now.Add(2 * time.Minute)
	b.add(Target{Proto: "tcp"}, later.Add(time.Minute), later)
	if !b.has(Target{Proto: "tcp"}, later) || len(b.until) != 1 {
		t.Errorf("after expiry: %v", b.until)
	}
}
