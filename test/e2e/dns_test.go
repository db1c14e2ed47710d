package e2e

import (
	"net"
	"testing"

	"github.com/miekg/dns"
)

// startExampleDNS answers every A query with 192.0.2.1 and every other
// query with an empty answer, on 127.0.0.1:53 (UDP and TCP). It runs only
// inside the torture test's private namespaces, where /etc/resolv.conf
// points at it.
func startExampleDNS(t *testing.T) {
	t.Helper()
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		for _, q := range r.Question {
			if q.Qtype == dns.TypeA {
				m.Answer = append(m.Answer, &dns.A{
					Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60},
					A:   net.IPv4(192, 0, 2, 1),
				})
			}
		}
		w.WriteMsg(m)
	})
	for _, network := range []string{"udp", "tcp"} {
		started := make(chan struct{})
		srv := &dns.Server{Addr: "127.0.0.1:53", Net: network, Handler: handler, NotifyStartedFunc: func() { close(started) }}
		go srv.ListenAndServe()
		<-started
		t.Cleanup(func() { srv.Shutdown() })
	}
}
