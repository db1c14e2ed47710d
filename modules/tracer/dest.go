package tracer

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// hepDest is where one dynamic trace sends its HEPv3 packets: a UDP
// peer or a TCP connection (what opensips-cli opens). The SIP paths only
// queue packets; one goroutine per destination writes them, so a slow or
// dead collector never holds up a message. A full queue drops packets,
// counted in dropped.
type hepDest struct {
	network string // "udp" or "tcp"
	addr    string // host:port
	queue   chan []byte
	quit    chan struct{}
	done    chan struct{}
	stopped atomic.Bool
	// sent and dropped count packets for the trace MI command.
	sent, dropped atomic.Int64
	log           *slog.Logger
	closeOnce     sync.Once
}

// queueLen bounds the packets waiting for one destination.
const queueLen = 4096

// dialTimeout bounds a connection attempt; redialPause spaces them out
// while a collector is down.
const (
	dialTimeout = 2 * time.Second
	writeTimout = 2 * time.Second
	redialPause = time.Second
)

// defaultHEPPort is HEP's customary port, for a uri without one.
const defaultHEPPort = 9060

// parseHEPURI reads "hep:HOST[:PORT][;transport=udp|tcp][;version=3]",
// what trace_start's uri carries.
func parseHEPURI(uri string) (network, addr string, err error) {
	rest, ok := strings.CutPrefix(uri, "hep:")
	if !ok {
		return "", "", fmt.Errorf("uri %q is not a hep: URI", uri)
	}
	hostport, params, _ := strings.Cut(rest, ";")
	network = "udp"
	for p := range strings.SplitSeq(params, ";") {
		if p == "" {
			continue
		}
		name, value, _ := strings.Cut(p, "=")
		switch strings.ToLower(name) {
		case "transport":
			switch strings.ToLower(value) {
			case "udp", "tcp":
				network = strings.ToLower(value)
			default:
				return "", "", fmt.Errorf("not supported: HEP transport %q (udp or tcp)", value)
			}
		case "version":
			if value != "3" {
				return "", "", fmt.Errorf("not supported: HEP version %q (only 3)", value)
			}
		default:
			return "", "", fmt.Errorf("unknown HEP uri parameter %q", name)
		}
	}
	host, port := hostport, strconv.Itoa(defaultHEPPort)
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		host, port = h, p
	} else if strings.HasPrefix(hostport, "[") && strings.HasSuffix(hostport, "]") {
		host = hostport[1 : len(hostport)-1]
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", "", fmt.Errorf("uri %q: bad port %q", uri, port)
	}
	if host == "" || strings.ContainsAny(host, "[]/ ") {
		return "", "", fmt.Errorf("uri %q: bad host %q", uri, host)
	}
	if strings.Contains(host, ":") {
		if _, err := netip.ParseAddr(host); err != nil {
			return "", "", fmt.Errorf("uri %q: bad host %q", uri, host)
		}
	}
	return network, net.JoinHostPort(host, port), nil
}

func newHEPDest(network, addr string, log *slog.Logger) *hepDest {
	d := &hepDest{network: network, addr: addr, queue: make(chan []byte, queueLen),
		quit: make(chan struct{}), done: make(chan struct{}), log: log}
	go d.run()
	return d
}

// send queues one encoded packet; it never blocks.
func (d *hepDest) send(pkt []byte) {
	if d.stopped.Load() {
		return
	}
	select {
	case d.queue <- pkt:
	default:
		d.dropped.Add(1)
	}
}

// close stops the writer and closes the connection: a CLI reading the
// TCP stream sees it end.
func (d *hepDest) close() {
	d.closeOnce.Do(func() {
		d.stopped.Store(true)
		close(d.quit)
		<-d.done
	})
}

func (d *hepDest) run() {
	defer close(d.done)
	var conn net.Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	var lastDial time.Time
	down := false // logged once per outage, not once per packet
	for {
		var pkt []byte
		select {
		case <-d.quit:
			return
		case pkt = <-d.queue:
		}
		if conn == nil {
			if time.Since(lastDial) < redialPause {
				d.dropped.Add(1)
				continue
			}
			lastDial = time.Now()
			c, err := net.DialTimeout(d.network, d.addr, dialTimeout)
			if err != nil {
				if !down {
					d.log.Warn("cannot reach the HEP collector: dropping packets until it answers", "network", d.network, "addr", d.addr, "err", err)
					down = true
				}
				d.dropped.Add(1)
				continue
			}
			if down {
				d.log.Info("the HEP collector answers again", "addr", d.addr)
				down = false
			}
			conn = c
		}
		conn.SetWriteDeadline(time.Now().Add(writeTimout))
		if _, err := conn.Write(pkt); err != nil {
			d.log.Warn("sending to the HEP collector failed", "addr", d.addr, "err", err)
			down = true
			d.dropped.Add(1)
			conn.Close()
			conn = nil
			continue
		}
		d.sent.Add(1)
	}
}
