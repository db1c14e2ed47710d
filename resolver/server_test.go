package resolver

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// testServer is a real DNS server on 127.0.0.1 (UDP and TCP on one random
// port) that answers from a zone given as text, the way a recursive server
// would: CNAME chains are followed inside the zone, NXDOMAIN and NODATA
// carry an SOA. Names can be told to fail, to be slow, to be truncated over
// UDP, or to answer a CNAME without chasing it.
type testServer struct {
	addr string
	stop chan struct{}

	mu       sync.Mutex
	zone     map[string][]dns.RR
	queries  map[string]int // "name/TYPE/net"
	servfail map[string]bool
	delay    map[string]time.Duration
	truncate map[string]bool
	noChase  map[string]bool
}

const testSOA = "test. 3600 IN SOA ns.test. admin.test. 1 3600 600 86400 60"

func startServer(t testing.TB, zone string) *testServer {
	t.Helper()
	s := &testServer{
		stop:     make(chan struct{}),
		zone:     make(map[string][]dns.RR),
		queries:  make(map[string]int),
		servfail: make(map[string]bool),
		delay:    make(map[string]time.Duration),
		truncate: make(map[string]bool),
		noChase:  make(map[string]bool),
	}
	for line := range strings.SplitSeq(zone, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == ';' {
			continue
		}
		rr, err := dns.NewRR(line)
		if err != nil {
			t.Fatalf("zone line %q: %v", line, err)
		}
		name := strings.ToLower(rr.Header().Name)
		s.zone[name] = append(s.zone[name], rr)
	}
	pc, ln := listenPair(t)
	s.addr = pc.LocalAddr().String()
	handler := dns.HandlerFunc(s.serve)
	servers := []*dns.Server{{PacketConn: pc, Handler: handler}, {Listener: ln, Handler: handler}}
	for _, srv := range servers {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		go func() { _ = srv.ActivateAndServe() }()
		<-started
	}
	t.Cleanup(func() {
		close(s.stop)
		for _, srv := range servers {
			_ = srv.Shutdown()
		}
	})
	return s
}

// listenPair opens UDP and TCP on the same random loopback port, retrying
// when another process holds the TCP side.
func listenPair(t testing.TB) (net.PacketConn, net.Listener) {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln
		}
		pc.Close()
	}
	t.Fatal("no free port pair on 127.0.0.1")
	return nil, nil
}

func (s *testServer) serve(w dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Authoritative = true
	m.RecursionAvailable = true
	name := strings.ToLower(q.Question[0].Name)
	qtype := q.Question[0].Qtype
	udp := w.LocalAddr().Network() == "udp"

	s.mu.Lock()
	network := "tcp"
	if udp {
		network = "udp"
	}
	s.queries[name+"/"+dns.TypeToString[qtype]+"/"+network]++
	fail, delay, truncate := s.servfail[name], s.delay[name], s.truncate[name]
	s.mu.Unlock()

	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-s.stop:
			return
		}
	}
	switch {
	case fail:
		m.Rcode = dns.RcodeServerFailure
	case truncate && udp:
		m.Truncated = true
	default:
		s.answer(m, name, qtype)
	}
	_ = w.WriteMsg(m)
}

func (s *testServer) answer(m *dns.Msg, name string, qtype uint16) {
	soa, _ := dns.NewRR(testSOA)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.zone[name]; !ok {
		m.Rcode = dns.RcodeNameError
		m.Ns = []dns.RR{soa}
		return
	}
	for range 10 {
		var cname *dns.CNAME
		for _, rr := range s.zone[name] {
			if rr.Header().Rrtype == qtype {
				m.Answer = append(m.Answer, rr)
			} else if c, ok := rr.(*dns.CNAME); ok {
				cname = c
			}
		}
		if cname == nil || qtype == dns.TypeCNAME {
			break
		}
		m.Answer = append(m.Answer, cname)
		if s.noChase[name] {
			break
		}
		name = strings.ToLower(cname.Target)
	}
	if len(m.Answer) == 0 {
		m.Ns = []dns.RR{soa}
	}
}

// configure changes the server's behaviour while it runs.
func (s *testServer) configure(change func(s *testServer)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(s)
}

// count returns how many queries for name and type arrived, over both
// networks.
func (s *testServer) count(name string, qtype uint16) int {
	return s.countOn(name, qtype, "udp") + s.countOn(name, qtype, "tcp")
}

func (s *testServer) countOn(name string, qtype uint16, network string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries[dns.Fqdn(name)+"/"+dns.TypeToString[qtype]+"/"+network]
}

func (s *testServer) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.queries {
		n += c
	}
	return n
}

// fakeClock is the injected Config.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
