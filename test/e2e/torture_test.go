package e2e

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The torture messages carry RFC example addresses (192.0.2.x,
// example.com): a server answers to their Via and forwards to their
// Request-URI. So this test replays them only inside private network and
// mount namespaces, where nothing can leave the machine: the test runs
// itself again under `unshare --net --mount`, with 192.0.2.0/24 and the
// IPv6 example addresses on the loopback interface and /etc/resolv.conf
// pointing at a DNS server the test runs, which says every name is
// 192.0.2.1. Then every reply the server sends can be caught.
const netnsEnv = "SWITCHBOARD_E2E_NETNS"

const tortureCfg = `
log_level=3
stderror_enabled=yes
syslog_enabled=no
udp_workers=2
socket=udp:127.0.0.1:PORT
socket=udp:[::1]:PORT

loadmodule "proto_udp.so"
loadmodule "sl.so"
loadmodule "signaling.so"
loadmodule "maxfwd.so"
loadmodule "sipmsgops.so"

route {
	if (!mf_process_maxfwd_header(10)) {
		send_reply(483, "Too Many Hops");
		exit;
	}
	send_reply(404, "Not Here");
}

error_route {
	sl_send_reply($err.rcode, $err.rreason);
}
`

// TestTortureMessagesInNetns replays every RFC 4475 and RFC 5118 message
// at the running server: it must answer each request with the reply the
// RFC expects of a proxy at the parse level (400 or 505 for the invalid
// ones, through error_route; a reply from the script for the valid ones),
// never answer a response, and stay up.
func TestTortureMessagesInNetns(t *testing.T) {
	if os.Getenv(netnsEnv) == "" {
		if _, err := exec.LookPath("unshare"); err != nil {
			t.Fatal("unshare (util-linux) is needed to replay foreign messages in a private network namespace")
		}
		dir := t.TempDir()
		resolv := filepath.Join(dir, "resolv.conf")
		if err := os.WriteFile(resolv, []byte("nameserver 127.0.0.1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		script := fmt.Sprintf("mount --bind %q /etc/resolv.conf && ip link set lo up && ip addr add 192.0.2.1/24 dev lo && "+
			"ip -6 addr add 2001:db8::9:1/128 dev lo && ip -6 addr add 2001:db8::9:255/128 dev lo && ip -6 addr add 2001:db8::20/128 dev lo && "+
			"exec env %s=1 %q -test.run '^TestTortureMessagesInNetns$' -test.v", resolv, netnsEnv, os.Args[0])
		out, err := exec.Command("unshare", "--net", "--mount", "sh", "-c", script).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("--- PASS: TestTortureMessagesInNetns")) {
			t.Fatalf("the replay in a private network namespace failed: %v\n%s", err, out)
		}
		return
	}
	startExampleDNS(t)
	s := start(t, tortureCfg)
	files, err := filepath.Glob("../../sip/testdata/rfc4475/*.dat")
	if err != nil || len(files) != 49 {
		t.Fatalf("found %d RFC 4475 files: %v", len(files), err)
	}
	more, _ := filepath.Glob("../../sip/testdata/rfc5118/*.dat")
	files = append(files, more...)
	// Replies to the messages' Vias go to 192.0.2.x, local in this
	// namespace: catch them on every port they name.
	catcher := newViaCatcher(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		catcher.reset()
		// Sent from a socket the catcher reads: replies to an rport
		// Via come back to the source port.
		if _, err := catcher.send.WriteTo(data, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.port}); err != nil {
			t.Fatal(err)
		}
		want, ok := tortureReplies[name]
		got := catcher.first(400 * time.Millisecond)
		switch {
		case !ok:
			t.Errorf("%s: no expectation in the table", name)
		case want == "" && got != "":
			t.Errorf("%s: expected no reply, got %q", name, firstLine(got))
		case want != "" && !strings.HasPrefix(got, want):
			t.Errorf("%s: reply %q, want %q", name, firstLine(got), want)
		}
	}
	// Still alive and answering.
	if reply := exchange(t, s, strings.Replace(options, "Max-Forwards: 0", "Max-Forwards: 70", 1)); !strings.HasPrefix(reply, "SIP/2.0 404") {
		t.Fatalf("server no longer answers after the torture run: %q\n%s", reply, s.Log())
	}
}

// tortureReplies is the first line each message is answered with, ""
// for none. Replies go where RFC 3261 §18.2.2 says: to the received
// address the server adds (the replay comes from 127.0.0.1), at the
// Via's port or rport.
var tortureReplies = map[string]string{
	// Valid requests reach the script, which answers 404 (483 for
	// Max-Forwards 0: RFC 4475 zeromf).
	"wsinv.dat": "SIP/2.0 404", "intmeth.dat": "SIP/2.0 404", "esc01.dat": "SIP/2.0 404",
	"escnull.dat": "SIP/2.0 404", "esc02.dat": "SIP/2.0 404", "lwsdisp.dat": "SIP/2.0 404",
	"longreq.dat": "SIP/2.0 404", "dblreq.dat": "SIP/2.0 404", "semiuri.dat": "SIP/2.0 404",
	"transports.dat": "SIP/2.0 404", "mpart01.dat": "SIP/2.0 404", "baddate.dat": "SIP/2.0 404",
	"regbadct.dat": "SIP/2.0 404", "badbranch.dat": "SIP/2.0 404", "unkscm.dat": "SIP/2.0 404",
	"novelsc.dat": "SIP/2.0 404", "unksm2.dat": "SIP/2.0 404", "bext01.dat": "SIP/2.0 404",
	"invut.dat": "SIP/2.0 404", "regaut01.dat": "SIP/2.0 404", "zeromf.dat": "SIP/2.0 483",
	"cparam01.dat": "SIP/2.0 404", "cparam02.dat": "SIP/2.0 404", "regescrt.dat": "SIP/2.0 404",
	"sdp01.dat": "SIP/2.0 404", "inv2543.dat": "SIP/2.0 404",
	// Invalid requests go to error_route, which answers $err.rcode: 400,
	// or 505 for SIP/7.0 (RFC 4475 §3.1.2).
	"clerr.dat": "SIP/2.0 400", "ncl.dat": "SIP/2.0 400", "scalar02.dat": "SIP/2.0 400",
	"quotbal.dat": "SIP/2.0 400", "ltgtruri.dat": "SIP/2.0 400", "escruri.dat": "SIP/2.0 400",
	"badaspec.dat": "SIP/2.0 400", "baddn.dat": "SIP/2.0 400", "badvers.dat": "SIP/2.0 505",
	"mismatch01.dat": "SIP/2.0 400", "mismatch02.dat": "SIP/2.0 400", "multi01.dat": "SIP/2.0 400",
	"mcl01.dat": "SIP/2.0 400",
	// Dropped: the RFC allows discarding what cannot be answered. Their
	// Via is broken (badinv01), they lack the To and From a reply copies
	// (insuf), or their request line does not parse, so no message exists
	// to answer (lwsruri, lwsstart, trws).
	"badinv01.dat": "", "insuf.dat": "", "lwsruri.dat": "", "lwsstart.dat": "", "trws.dat": "",
	// Responses are never answered; bcast's is not forwarded to its
	// broadcast Via either (RFC 4475 §3.3.10).
	"unreason.dat": "", "noreason.dat": "", "scalarlg.dat": "", "bigcode.dat": "", "bcast.dat": "",
	// RFC 5118: IPv6 references parse and are answered; the invalid ones
	// (IPv6 not in brackets, three colons) get 400.
	"ipv6-good.dat": "SIP/2.0 404", "port-ambiguous.dat": "SIP/2.0 404", "port-unambiguous.dat": "SIP/2.0 404",
	"ipv6-bad.dat": "SIP/2.0 400", "via-received-param-with-delim.dat": "SIP/2.0 404",
	"via-received-param-no-delim.dat": "SIP/2.0 404", "ipv6-in-sdp.dat": "SIP/2.0 404",
	"mult-ip-in-header.dat": "SIP/2.0 404", "mult-ip-in-sdp.dat": "SIP/2.0 404",
	"ipv4-mapped-ipv6.dat": "SIP/2.0 404", "ipv6-bug-abnf-3-colons.dat": "SIP/2.0 400",
	"ipv6-correct-abnf-2-colons.dat": "SIP/2.0 404",
}

func firstLine(s string) string { return strings.SplitN(s, "\r\n", 2)[0] }

// viaCatcher listens on 192.0.2.0/24 addresses for replies.
type viaCatcher struct {
	conns []net.PacketConn
	send  net.PacketConn
	got   chan string
}

func newViaCatcher(t *testing.T) *viaCatcher {
	t.Helper()
	v := &viaCatcher{got: make(chan string, 64)}
	// The addresses and ports the torture messages' Vias name (every
	// name resolves to 192.0.2.1; no port means 5060).
	for _, addr := range []string{"127.0.0.1:5060", "127.0.0.1:5070", "127.0.0.1:6050", "127.0.0.1:19823", "127.0.0.1:5050", "192.0.2.1:5060", "192.0.2.1:6050", "192.0.2.2:5060", "192.0.2.5:5060",
		"192.0.2.15:5060", "192.0.2.21:5060", "192.0.2.25:5060", "192.0.2.53:5060", "192.0.2.59:5050", "192.0.2.125:5060",
		"192.0.2.253:5060", "192.0.2.198:5060", "192.0.2.105:5060", "192.0.2.10:19823", "[2001:db8::20]:5060",
		"[2001:db8::9:1]:5060", "[2001:db8::9:1]:6050", "[2001:db8::9:255]:5060"} {
		c, err := net.ListenPacket("udp", addr)
		if err != nil {
			t.Fatalf("catching replies on %s: %v", addr, err)
		}
		v.conns = append(v.conns, c)
		if v.send == nil {
			v.send = c // 127.0.0.1:5060, the first
		}
		go func() {
			buf := make([]byte, 65535)
			for {
				n, _, err := c.ReadFrom(buf)
				if err != nil {
					return
				}
				v.got <- string(buf[:n])
			}
		}()
	}
	// Replies to a TCP Via come over TCP.
	l, err := net.Listen("tcp", "192.0.2.1:5060")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				buf := make([]byte, 65535)
				conn.SetReadDeadline(time.Now().Add(2 * time.Second))
				if n, err := conn.Read(buf); err == nil {
					v.got <- string(buf[:n])
				}
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for _, c := range v.conns {
			c.Close()
		}
	})
	return v
}

func (v *viaCatcher) reset() {
	for {
		select {
		case <-v.got:
		default:
			return
		}
	}
}

func (v *viaCatcher) first(wait time.Duration) string {
	select {
	case s := <-v.got:
		return s
	case <-time.After(wait):
		return ""
	}
}
