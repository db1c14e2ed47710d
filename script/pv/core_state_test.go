package pv

import (
	"net/netip"
	"strings"
	"testing"

	"switchboard/engine"
)

func TestStatePVs(t *testing.T) {
	r := engine.NewRegistry()
	r.Register(&engine.Module{Name: "core", PVs: CorePVs()})
	p := &Parser{Registry: r}
	ctx := &engine.Context{}
	ctx.Reset(nil, engine.ErrorRoute)
	ctx.MsgID = 42
	ctx.Path = "<sip:p1.example.com;lr>"
	ctx.Err = engine.ErrorInfo{Class: 1, Level: -1, Info: "bad Via", RCode: 400, RReason: "Bad Request"}
	tests := []struct {
		pv, want string
	}{
		{"$ru_q", "-1"}, // Q_UNSPECIFIED until set (Script-CoreVar $ru_q)
		{"$path", "<sip:p1.example.com;lr>"},
		{"$mi", "42"},
		{"$err.class", "1"}, {"$err.level", "-1"}, {"$err.info", "bad Via"},
		{"$err.rcode", "400"}, {"$err.rreason", "Bad Request"},
	}
	for _, tc := range tests {
		s, _, err := p.ParsePV(tc.pv)
		if err != nil {
			t.Fatalf("%s: %v", tc.pv, err)
		}
		if got := s.Get(ctx).String(); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.pv, got, tc.want)
		}
	}
	q, _, _ := p.ParsePV("$ru_q")
	if err := q.Set(ctx, engine.Int(500), false); err != nil || ctx.RURIQ != 500 {
		t.Errorf("$ru_q = 500: %v, RURIQ %d", err, ctx.RURIQ)
	}
	if err := q.Set(ctx, engine.Int(2000), false); err == nil {
		t.Error("$ru_q = 2000 accepted")
	}
}

func TestNetPVs(t *testing.T) {
	r := engine.NewRegistry()
	r.Register(&engine.Module{Name: "core", PVs: CorePVs()})
	p := &Parser{Registry: r}
	ctx := &engine.Context{}
	ctx.Reset(nil, engine.RequestRoute)
	ctx.Received = engine.Received{Proto: "udp", Src: netip.MustParseAddrPort("[::1]:40000"),
		Local: netip.MustParseAddrPort("[::1]:5060"), Socket: "udp:[::1]:5060"}
	tests := []struct{ pv, want string }{
		{"$si", "::1"}, // IPv6 without brackets, as OpenSIPS prints it
		{"$src_ip", "::1"},
		{"$sp", "40000"},
		{"$socket_in", "udp:[::1]:5060"},
		{"$socket_in(ip)", "::1"}, {"$socket_in(port)", "5060"}, {"$socket_in(proto)", "udp"}, {"$socket_in(af)", "INET6"},
		{"$socket_out", ""},
	}
	for _, tc := range tests {
		s, _, err := p.ParsePV(tc.pv)
		if err != nil {
			t.Fatalf("%s: %v", tc.pv, err)
		}
		if got := s.Get(ctx).String(); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.pv, got, tc.want)
		}
	}
	// advertised_ip and advertised_port are the socket's own "as": null
	// without one.
	for _, tc := range []struct {
		handle   any
		ip, port string
	}{
		{nil, "", ""},
		{asSocket{}, "", ""},
		{asSocket{"203.0.113.5", 5080, true}, "203.0.113.5", "5080"},
	} {
		ctx.Received.Handle = tc.handle
		for pv, want := range map[string]string{"$socket_in(advertised_ip)": tc.ip, "$socket_in(advertised_port)": tc.port} {
			s, _, err := p.ParsePV(pv)
			if err != nil {
				t.Fatalf("%s: %v", pv, err)
			}
			if got := s.Get(ctx); got.String() != want || (want == "") != got.IsNull() {
				t.Errorf("%s with %v = %v, want %q", pv, tc.handle, got, want)
			}
		}
	}
	if _, _, err := p.ParsePV("$socket_in(tag)"); err == nil || !strings.HasSuffix(err.Error(), "not supported: $socket_in(tag)") {
		t.Errorf("$socket_in(tag): %v", err)
	}
}

// asSocket is a receiving socket with or without an "as" address.
type asSocket struct {
	host string
	port int
	ok   bool
}

func (a asSocket) AsAddress() (string, int, bool) { return a.host, a.port, a.ok }
