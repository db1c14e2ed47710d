package tracer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/internal/hep"
	"switchboard/mi"
	_ "switchboard/modules/proto_tcp"
	_ "switchboard/modules/proto_udp"
	_ "switchboard/modules/sl"
	"switchboard/transport"
)

func TestParseHEPURI(t *testing.T) {
	cases := []struct {
		uri, network, addr, err string
	}{
		{"hep:127.0.0.1:9061;transport=tcp;version=3", "tcp", "127.0.0.1:9061", ""},
		{"hep:127.0.0.1", "udp", "127.0.0.1:9060", ""},
		{"hep:[::1]:7000;transport=UDP", "udp", "[::1]:7000", ""},
		{"hep:[::1]", "udp", "[::1]:9060", ""},
		{"hep:collector.example.com:9060", "udp", "collector.example.com:9060", ""},
		{"sip:127.0.0.1", "", "", "not a hep: URI"},
		{"hep:127.0.0.1:0", "", "", "bad port"},
		{"hep:127.0.0.1:99999", "", "", "bad port"},
		{"hep::9060", "", "", "bad host"},
		{"hep:1.2.3.4:5:6", "", "", "bad host"},
		{"hep:::1", "udp", "[::1]:9060", ""},
		{"hep:127.0.0.1;transport=sctp", "", "", "not supported: HEP transport"},
		{"hep:127.0.0.1;version=2", "", "", "not supported: HEP version"},
		{"hep:127.0.0.1;foo=bar", "", "", "unknown HEP uri parameter"},
	}
	for _, c := range cases {
		t.Run(c.uri, func(t *testing.T) {
			network, addr, err := parseHEPURI(c.uri)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || network != c.network || addr != c.addr {
				t.Fatalf("got %s %s %v, want %s %s", network, addr, err, c.network, c.addr)
			}
		})
	}
}

func TestParseFilterAndScope(t *testing.T) {
	filters := []struct {
		in   string
		kind filterKind
		err  string
	}{
		{"caller=alice", filterCaller, ""},
		{"CALLEE=bob@example.com", filterCallee, ""},
		{"ip=::ffff:127.0.0.1", filterIP, ""},
		{"ip=300.1.1.1", 0, "not an IP address"},
		{"caller=", 0, "not condition=value"},
		{"from=alice", 0, "unknown filter"},
	}
	for _, c := range filters {
		f, err := parseFilter(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseFilter(%q) err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || f.kind != c.kind {
			t.Errorf("parseFilter(%q) = %+v, %v", c.in, f, err)
		}
	}
	scopes := []struct {
		in   string
		want byte
		err  string
	}{
		{"m", 'm', ""}, {"T", 't', ""}, {"d", 'd', ""}, {"mt", 't', ""}, {"td", 'd', ""}, {"dt", 'd', ""}, {" ", 'd', ""},
		{"b", 0, "not supported"}, {"x", 0, "invalid trace scope"},
	}
	for _, c := range scopes {
		got, err := parseScope(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseScope(%q) err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("parseScope(%q) = %c, %v; want %c", c.in, got, err, c.want)
		}
	}
}

// server runs a real switchboard core on 127.0.0.1 with the tracer
// loaded and sl answering OPTIONS.
func server(t *testing.T) (sipAddr string) {
	t.Helper()
	// The UDP and TCP sockets share a port that was free for UDP; TCP may
	// find it taken (another package's connection), so try a few ports.
	for attempt := 1; ; attempt++ {
		addr, err := startServer(t)
		if err == nil {
			return addr
		}
		if attempt == 5 || !strings.Contains(err.Error(), "address already in use") {
			t.Fatal(err)
		}
	}
}

func startServer(t *testing.T) (string, error) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	c.Close()
	cfg := fmt.Sprintf(`socket=udp:127.0.0.1:%d
socket=tcp:127.0.0.1:%d
loadmodule "proto_udp.so"
loadmodule "proto_tcp.so"
loadmodule "sl.so"
loadmodule "tracer.so"
route {
	if ($rm == "OPTIONS") { sl_send_reply(200, "OK"); exit; }
	sl_send_reply(404, "Not Here");
}
`, port, port)
	path := filepath.Join(t.TempDir(), "tracer.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		return "", err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := core.NewServer(path, core.ServerOptions{Loggers: &core.Loggers{Core: quiet, Script: quiet}})
	if err != nil {
		return "", err
	}
	if err := srv.Start(); err != nil {
		srv.Stop()
		return "", err
	}
	t.Cleanup(func() { srv.Stop() })
	return fmt.Sprintf("127.0.0.1:%d", port), nil
}

func call(t *testing.T, method string, params any) (json.RawMessage, string) {
	t.Helper()
	req, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Data    string `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(mi.Dispatch(context.Background(), core.MIRegistry(), req), &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Error != nil {
		return nil, fmt.Sprintf("%d %s %s", resp.Error.Code, resp.Error.Message, resp.Error.Data)
	}
	return resp.Result, ""
}

func options(t *testing.T, sipAddr, from, ruri, callID string) string {
	t.Helper()
	c, err := net.Dial("udp", sipAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	local := c.LocalAddr().String()
	msg := fmt.Sprintf("OPTIONS %s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-%s\r\nMax-Forwards: 70\r\n"+
		"From: <%s>;tag=1\r\nTo: <%s>\r\nCall-ID: %s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", ruri, local, callID, from, ruri, callID)
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return string(buf[:n])
}

// collector accepts the tracer's TCP connection and decodes its stream.
func collector(t *testing.T) (net.Listener, chan hep.Packet) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	out := make(chan hep.Packet, 64)
	go func() {
		defer close(out)
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		var buf []byte
		chunk := make([]byte, 65536)
		for {
			n, err := conn.Read(chunk)
			buf = append(buf, chunk[:n]...)
			for {
				p, used, derr := hep.Decode(buf)
				if derr != nil {
					break
				}
				p.Payload = append([]byte(nil), p.Payload...)
				out <- p
				buf = buf[used:]
			}
			if err != nil {
				return
			}
		}
	}()
	return l, out
}

func TestTraceOverHEP(t *testing.T) {
	sipAddr := server(t)
	l, packets := collector(t)
	uri := "hep:" + l.Addr().String() + ";transport=tcp;version=3"

	errs := []struct {
		name   string
		params map[string]any
		want   string
	}{
		{"db uri", map[string]any{"id": "x", "uri": "mysql://u@h/db"}, "406 DB not acceptable"},
		{"sip uri", map[string]any{"id": "x", "uri": "sip:127.0.0.1"}, "not supported: sip"},
		{"bad filter", map[string]any{"id": "x", "uri": uri, "filter": []string{"from=alice"}}, "unknown filter"},
		{"xlog type", map[string]any{"id": "x", "uri": uri, "filter": []string{}, "scope": "t", "type": "xlog"}, "not supported: trace type xlog"},
		{"stop unknown", map[string]any{"id": "nope"}, "400 Bad parameter value"},
	}
	for _, e := range errs {
		method := "trace_start"
		if e.name == "stop unknown" {
			method = "trace_stop"
		}
		if _, err := call(t, method, e.params); !strings.Contains(err, e.want) {
			t.Errorf("%s: error %q, want %q", e.name, err, e.want)
		}
	}

	if _, err := call(t, "trace_start", map[string]any{"id": "cli", "uri": uri,
		"filter": []string{"caller=alice@example.com"}, "scope": "t", "type": "sip"}); err != "" {
		t.Fatal(err)
	}
	if _, err := call(t, "trace_start", map[string]any{"id": "cli", "uri": uri}); !strings.Contains(err, "already used") {
		t.Fatalf("second trace_start with the same id: %q", err)
	}
	// Not from alice: not traced.
	options(t, sipAddr, "sip:bob@example.com", "sip:x@127.0.0.1", "not-traced")
	reply := options(t, sipAddr, "sip:alice@example.com", "sip:x@127.0.0.1", "traced-call")
	if !strings.HasPrefix(reply, "SIP/2.0 200 OK") {
		t.Fatalf("reply %q", reply)
	}
	var got []hep.Packet
	timeout := time.After(3 * time.Second)
	for len(got) < 2 {
		select {
		case p := <-packets:
			got = append(got, p)
		case <-timeout:
			t.Fatalf("got %d HEP packets, want the request and the reply", len(got))
		}
	}
	if !strings.HasPrefix(string(got[0].Payload), "OPTIONS sip:x@127.0.0.1") || got[0].Dst.String() != sipAddr ||
		got[0].Correlation != "traced-call" || got[0].Type != hep.TypeSIP || got[0].Proto != hep.ProtoUDP {
		t.Errorf("first packet %+v (%q)", got[0], got[0].Payload)
	}
	if !strings.HasPrefix(string(got[1].Payload), "SIP/2.0 200 OK") || got[1].Src.String() != sipAddr {
		t.Errorf("second packet %+v (%q)", got[1], got[1].Payload)
	}

	list, err := call(t, "trace", map[string]any{})
	if err != "" || !strings.Contains(string(list), `"name":"cli"`) || !strings.Contains(string(list), `"filters":[{"caller":"alice@example.com"}]`) ||
		!strings.Contains(string(list), `"global":"on"`) {
		t.Fatalf("trace listing %s %s", list, err)
	}
	if _, err := call(t, "trace", map[string]any{"mode": "maybe"}); !strings.Contains(err, "on' or 'off") {
		t.Fatalf("bad mode: %q", err)
	}
	if _, err := call(t, "trace_stop", map[string]any{"id": "cli"}); err != "" {
		t.Fatal(err)
	}
	// The collector's stream ends when the trace stops.
	for p := range packets {
		t.Errorf("packet after the traced call: %q", p.Payload)
	}
	if transportTapSet() {
		t.Fatal("the transport tap is still set with no trace running")
	}
}

func TestGlobalSwitch(t *testing.T) {
	server(t)
	if _, err := call(t, "trace_start", map[string]any{"id": "a", "uri": "hep:127.0.0.1:9"}); err != "" {
		t.Fatal(err)
	}
	if !transportTapSet() {
		t.Fatal("no tap while a trace runs")
	}
	if _, err := call(t, "trace", map[string]any{"mode": "off"}); err != "" {
		t.Fatal(err)
	}
	if transportTapSet() {
		t.Fatal("tap set while tracing is off")
	}
	out, _ := call(t, "trace", map[string]any{"id": "a"})
	if !strings.Contains(string(out), `"global":"off"`) || !strings.Contains(string(out), `"scope":"d"`) {
		t.Fatalf("trace id=a: %s", out)
	}
	if _, err := call(t, "trace", map[string]any{"id": "zz"}); !strings.Contains(err, "no trace id") {
		t.Fatalf("unknown id: %q", err)
	}
	if _, err := call(t, "trace", map[string]any{"mode": "on"}); err != "" || !transportTapSet() {
		t.Fatalf("mode=on: %q", err)
	}
}

func transportTapSet() bool { return transport.CurrentTap() != nil }

// TestUDPCollectorAndDrops: a udp hep: uri gets one datagram per
// message; a TCP collector that is down costs dropped packets, counted
// in the listing, and never an answer to the SIP client.
func TestUDPCollectorAndDrops(t *testing.T) {
	sipAddr := server(t)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := closed.Addr().String()
	closed.Close()
	if _, err := call(t, "trace_start", map[string]any{"id": "udp", "uri": "hep:" + pc.LocalAddr().String(),
		"filter": []string{"ip=127.0.0.1"}, "scope": "m", "type": "sip"}); err != "" {
		t.Fatal(err)
	}
	if _, err := call(t, "trace_start", map[string]any{"id": "dead", "uri": "hep:" + deadAddr + ";transport=tcp",
		"filter": []string{}, "scope": "t", "type": "sip"}); err != "" {
		t.Fatal(err)
	}
	reply := options(t, sipAddr, "sip:alice@example.com", "sip:x@127.0.0.1", "udp-call")
	if !strings.HasPrefix(reply, "SIP/2.0 200 OK") {
		t.Fatalf("reply %q", reply)
	}
	var kinds []string
	buf := make([]byte, 65536)
	pc.SetReadDeadline(time.Now().Add(3 * time.Second))
	for len(kinds) < 2 {
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatalf("after %v: %v", kinds, err)
		}
		p, used, err := hep.Decode(buf[:n])
		if err != nil || used != n {
			t.Fatalf("datagram of %d bytes: %v (used %d)", n, err, used)
		}
		kinds = append(kinds, strings.SplitN(string(p.Payload), " ", 2)[0])
	}
	if kinds[0] != "OPTIONS" || kinds[1] != "SIP/2.0" {
		t.Fatalf("packets %v, want the OPTIONS then its reply", kinds)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		out, _ := call(t, "trace", map[string]any{"id": "dead"})
		if strings.Contains(string(out), `"sent":0,"dropped":2`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("listing of the dead collector: %s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// FuzzParseHEPURI: no uri crashes the parser, and what it accepts is a
// network and address a dialer takes.
func FuzzParseHEPURI(f *testing.F) {
	for _, s := range []string{"hep:127.0.0.1:9061;transport=tcp;version=3", "hep:[::1]", "hep:h:1;foo", "hep:[::1]:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		network, addr, err := parseHEPURI(uri)
		if err != nil {
			return
		}
		if network != "udp" && network != "tcp" {
			t.Fatalf("%q: network %q", uri, network)
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil || host == "" || port == "" {
			t.Fatalf("%q: address %q does not split: %v", uri, addr, err)
		}
	})
}

// FuzzParseFilter: no filter crashes the parser; an accepted ip filter
// holds a valid address.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"caller=alice", "ip=127.0.0.1", "callee=bob@example.com", "IP=::1", "x="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fl, err := parseFilter(s)
		if err == nil && fl.kind == filterIP && !fl.ip.IsValid() {
			t.Fatalf("%q accepted without an address", s)
		}
	})
}

// TestTraceTCP: a request received on a TCP connection and the reply
// written back on it are traced with the TCP protocol and the
// connection's addresses.
func TestTraceTCP(t *testing.T) {
	sipAddr := server(t)
	l, packets := collector(t)
	if _, err := call(t, "trace_start", map[string]any{"id": "tcp", "uri": "hep:" + l.Addr().String() + ";transport=tcp",
		"filter": []string{"callee=tcpuser"}, "scope": "t", "type": "sip"}); err != "" {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", sipAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	local := c.LocalAddr().String()
	msg := fmt.Sprintf("OPTIONS sip:tcpuser@%s SIP/2.0\r\nVia: SIP/2.0/TCP %s;branch=z9hG4bK-tcp\r\nMax-Forwards: 70\r\n"+
		"From: <sip:a@example.com>;tag=1\r\nTo: <sip:tcpuser@%s>\r\nCall-ID: tcp-call\r\nCSeq: 7 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		sipAddr, local, sipAddr)
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 4096)
	if n, err := c.Read(buf); err != nil || !strings.HasPrefix(string(buf[:n]), "SIP/2.0 200 OK") {
		t.Fatalf("reply %q, %v", buf[:n], err)
	}
	var got []hep.Packet
	timeout := time.After(3 * time.Second)
	for len(got) < 2 {
		select {
		case p := <-packets:
			got = append(got, p)
		case <-timeout:
			t.Fatalf("got %d HEP packets, want 2", len(got))
		}
	}
	if got[0].Proto != hep.ProtoTCP || got[0].Src.String() != local || got[0].Dst.String() != sipAddr ||
		!strings.HasPrefix(string(got[0].Payload), "OPTIONS sip:tcpuser@") {
		t.Errorf("request packet %+v", got[0])
	}
	if got[1].Proto != hep.ProtoTCP || got[1].Src.String() != sipAddr || got[1].Dst.String() != local ||
		!strings.HasPrefix(string(got[1].Payload), "SIP/2.0 200 OK") {
		t.Errorf("reply packet %+v", got[1])
	}
}
