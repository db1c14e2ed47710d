package resolver

import (
	"context"
	"errors"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name    string
		uri     string
		config  Config
		want    []string
		wantErr error
	}{
		{name: "§4.1 numeric IPv4: UDP, default port", uri: "sip:192.0.2.7",
			want: []string{"udp:192.0.2.7:5060"}},
		{name: "§4.1 numeric IPv4 sips: TLS 5061", uri: "sips:192.0.2.7",
			want: []string{"tls:192.0.2.7:5061"}},
		{name: "§4.1 numeric IPv6 in brackets with port", uri: "sip:[2001:db8::7]:5070",
			want: []string{"udp:[2001:db8::7]:5070"}},
		{name: "§4.1 numeric IPv6 with transport param", uri: "sip:[2001:db8::7];transport=tcp",
			want: []string{"tcp:[2001:db8::7]:5060"}},
		{name: "§4.1 transport=tcp on sips means TLS", uri: "sips:192.0.2.7;transport=tcp",
			want: []string{"tls:192.0.2.7:5061"}},
		{name: "§4.1 transport=udp on sips is refused", uri: "sips:192.0.2.7;transport=udp",
			wantErr: errUnsupported("")},
		{name: "§4.1 unknown transport is refused", uri: "sip:plain.test;transport=foo",
			wantErr: errUnsupported("")},
		{name: "§4.2 port given: A only, UDP", uri: "sip:plain.test:5080",
			want: []string{"udp:192.0.2.10:5080"}},
		{name: "§4.2 port given on sips: TLS", uri: "sips:plain.test:5081",
			want: []string{"tls:192.0.2.10:5081"}},
		{name: "§4.2 port and transport: A only", uri: "sip:srv.test:5090;transport=tcp",
			want: []string{"tcp:192.0.2.99:5090"}},
		{name: "§4.2 port given with TryIPv6: A then AAAA", uri: "sip:plain.test:5080", config: Config{TryIPv6: true},
			want: []string{"udp:192.0.2.10:5080", "udp:[2001:db8::10]:5080"}},
		{name: "§4.2 AAAA only host without TryIPv6 is not found", uri: "sip:v6only.test:5060",
			wantErr: ErrNotFound},
		{name: "§4.2 AAAA only host with TryIPv6", uri: "sip:v6only.test:5060", config: Config{TryIPv6: true},
			want: []string{"udp:[2001:db8::60]:5060"}},
		{name: "§4.2 explicit transport: SRV of that transport", uri: "sip:srv.test;transport=tcp",
			want: []string{"tcp:192.0.2.10:5072"}},
		{name: "§4.2 explicit transport without SRV: A with default port", uri: "sip:plain.test;transport=tcp",
			want: []string{"tcp:192.0.2.10:5060"}},
		{name: "§4.2 transport=tls on sip uses _sips SRV, then 5061", uri: "sip:plain.test;transport=tls",
			want: []string{"tls:192.0.2.10:5061"}},
		{name: "§4.2 transport=ws: default port 80", uri: "sip:plain.test;transport=ws",
			want: []string{"ws:192.0.2.10:80"}},
		{name: "§4.2 sips transport=ws means wss 443", uri: "sips:plain.test;transport=ws",
			want: []string{"wss:192.0.2.10:443"}},
		{name: "§4.1 NAPTR ordered by order then preference", uri: "sip:naptr.test", config: Config{TryNAPTR: true},
			want: []string{"tls:192.0.2.1:5061", "udp:192.0.2.3:5060", "tcp:192.0.2.2:5060"}},
		{name: "§4.1 NAPTR for sips keeps SIPS services only", uri: "sips:naptr.test", config: Config{TryNAPTR: true},
			want: []string{"tls:192.0.2.1:5061"}},
		{name: "§4.1 NAPTR limited to the transports we speak", uri: "sip:naptr.test",
			config: Config{TryNAPTR: true, Protos: []string{"tcp", "udp"}},
			want:   []string{"udp:192.0.2.3:5060", "tcp:192.0.2.2:5060"}},
		{name: "§4.1 NAPTR with no usable service: SRV", uri: "sip:nosup.test", config: Config{TryNAPTR: true},
			want: []string{"udp:192.0.2.3:5062"}},
		{name: "§4.1 NAPTR leading to no SRV: §4.2 A fallback", uri: "sip:deadnaptr.test", config: Config{TryNAPTR: true},
			want: []string{"udp:192.0.2.77:5060"}},
		{name: "§4.1 without TryNAPTR: SRV per transport in preference order", uri: "sip:naptr.test",
			want: []string{"udp:192.0.2.3:5060", "tcp:192.0.2.2:5060", "tls:192.0.2.1:5061"}},
		{name: "§4.1 no NAPTR: SRV by priority, CNAME target followed", uri: "sip:srv.test", config: Config{TryNAPTR: true},
			want: []string{"udp:192.0.2.11:5070", "udp:192.0.2.12:5071", "tcp:192.0.2.10:5072"}},
		{name: "§4.1 no NAPTR with TryIPv6: AAAA after A per SRV target", uri: "sip:srv.test",
			config: Config{TryIPv6: true, Protos: []string{"udp"}},
			want:   []string{"udp:192.0.2.11:5070", "udp:192.0.2.12:5071", "udp:[2001:db8::12]:5071"}},
		{name: "§4.2 sips, no _sips._tcp SRV: A with TLS 5061", uri: "sips:srv.test", config: Config{TryNAPTR: true},
			want: []string{"tls:192.0.2.99:5061"}},
		{name: "§4.2 no NAPTR, no SRV: A with UDP 5060", uri: "sip:plain.test", config: Config{TryNAPTR: true},
			want: []string{"udp:192.0.2.10:5060"}},
		{name: "§4.2 SRV target '.' means not available, no A fallback", uri: "sip:dot.test", config: Config{Protos: []string{"udp"}},
			wantErr: ErrNotFound},
		{name: "CNAME chain in one answer", uri: "sip:alias.test",
			want: []string{"udp:192.0.2.10:5060"}},
		{name: "CNAME answered alone is chased with a second query", uri: "sip:dangling.test:5060",
			want: []string{"udp:192.0.2.10:5060"}},
		{name: "truncated UDP answer retried over TCP", uri: "sip:tc.test:5060",
			want: []string{"udp:192.0.2.20:5060"}},
		{name: "NXDOMAIN is ErrNotFound", uri: "sip:nx.test", config: Config{TryNAPTR: true},
			wantErr: ErrNotFound},
		{name: "SERVFAIL is ErrServer", uri: "sip:servfail.test:5060", config: Config{Attempts: 1},
			wantErr: ErrServer},
		{name: "tel URI is refused", uri: "tel:+441234", wantErr: errUnsupported("")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, _ := newTestResolver(t, tt.config)
			got, err := r.Resolve(context.Background(), mustURI(t, tt.uri))
			if tt.wantErr != nil {
				var unsupported errUnsupported
				if _, isUnsupported := tt.wantErr.(errUnsupported); isUnsupported && errors.As(err, &unsupported) {
					return
				}
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Resolve(%s) = %v, %v; want error %v", tt.uri, targetStrings(got), err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve(%s): %v", tt.uri, err)
			}
			if g := targetStrings(got); !slices.Equal(g, tt.want) {
				t.Errorf("Resolve(%s) =\n  %v\nwant\n  %v", tt.uri, g, tt.want)
			}
		})
	}
}

func TestResolveHostField(t *testing.T) {
	r, _, _ := newTestResolver(t, Config{})
	tests := []struct{ name, uri, want string }{
		{"numeric keeps the literal", "sip:[2001:db8::1]", "2001:db8::1"},
		{"SRV target name", "sip:srv.test;transport=udp", "a.srv.test"},
		{"alias keeps the name asked", "sip:alias.test:5060", "alias.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Resolve(context.Background(), mustURI(t, tt.uri))
			if err != nil {
				t.Fatal(err)
			}
			if got[0].Host != tt.want {
				t.Errorf("Host = %q, want %q", got[0].Host, tt.want)
			}
		})
	}
}

// §4.2: with a port in the URI, no NAPTR or SRV question may leave.
func TestResolvePortAsksOnlyA(t *testing.T) {
	r, s, _ := newTestResolver(t, Config{TryNAPTR: true})
	if _, err := r.Resolve(context.Background(), mustURI(t, "sip:plain.test:5080")); err != nil {
		t.Fatal(err)
	}
	if n := s.count("plain.test", dns.TypeNAPTR); n != 0 {
		t.Errorf("NAPTR queries = %d, want 0", n)
	}
	if n := s.total(); n != 1 {
		t.Errorf("queries = %d, want 1 (A)", n)
	}
}

func TestTruncatedGoesTCP(t *testing.T) {
	r, s, _ := newTestResolver(t, Config{})
	if _, err := r.LookupHost(context.Background(), "tc.test"); err != nil {
		t.Fatal(err)
	}
	if u, c := s.countOn("tc.test", dns.TypeA, "udp"), s.countOn("tc.test", dns.TypeA, "tcp"); u != 1 || c != 1 {
		t.Errorf("udp, tcp queries = %d, %d; want 1, 1", u, c)
	}
}

func TestLookupHost(t *testing.T) {
	r, s, _ := newTestResolver(t, Config{TryIPv6: true})
	tests := []struct {
		name, host string
		want       []string
		wantErr    error
	}{
		{"IPv4 literal", "192.0.2.1", []string{"192.0.2.1"}, nil},
		{"IPv6 literal in brackets", "[2001:db8::1]", []string{"2001:db8::1"}, nil},
		{"A then AAAA", "plain.test", []string{"192.0.2.10", "2001:db8::10"}, nil},
		{"trailing dot", "plain.test.", []string{"192.0.2.10", "2001:db8::10"}, nil},
		{"NXDOMAIN", "nx.test", nil, ErrNotFound},
		{"not a domain name", "bad..name", nil, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.LookupHost(context.Background(), tt.host)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			var g []string
			for _, a := range got {
				g = append(g, a.String())
			}
			if !slices.Equal(g, tt.want) {
				t.Errorf("got %v, want %v", g, tt.want)
			}
		})
	}
	if s.count("192.0.2.1", dns.TypeA) != 0 {
		t.Error("a literal went to DNS")
	}
}

// A server that refuses is skipped for the next one in Servers.
func TestServerFailover(t *testing.T) {
	s := startServer(t, testZone)
	dead, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.LocalAddr().String()
	dead.Close()
	r, err := New(Config{Servers: []string{deadAddr, s.addr}, Timeout: 200 * time.Millisecond, Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := r.LookupHost(context.Background(), "plain.test")
	if err != nil || len(addrs) != 1 || addrs[0].String() != "192.0.2.10" {
		t.Errorf("LookupHost = %v, %v; want 192.0.2.10 from the second server", addrs, err)
	}
}
