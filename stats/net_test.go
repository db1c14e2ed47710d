package stats

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestParseProcNetLine(t *testing.T) {
	cases := []struct {
		name string
		line string
		addr string
		rx   int64
		bad  bool
	}{
		{"header", "  sl  local_address rem_address   st tx_queue rx_queue tr", "", 0, true},
		{"udp4", " 1968: 0100007F:13C4 00000000:0000 07 00000000:00000300 00:00000000 00000000     0", "127.0.0.1:5060", 0x300, false},
		{"any4", "12: 00000000:22B8 00000000:0000 07 00000000:00000000 00:00000000", "0.0.0.0:8888", 0, false},
		{"udp6 loopback", "  0: 00000000000000000000000001000000:13C4 00000000000000000000000000000000:0000 07 00000000:0000000A 00", "[::1]:5060", 10, false},
		{"v4-mapped", "  0: 0000000000000000FFFF00000100007F:13C4 00000000000000000000000000000000:0000 07 00000000:00000001 00", "127.0.0.1:5060", 1, false},
		{"short address", " 1: 0100007:13C4 00000000:0000 07 00000000:00000000", "", 0, true},
		{"bad hex", " 1: 0100007G:13C4 00000000:0000 07 00000000:00000000", "", 0, true},
		{"bad port", " 1: 0100007F:13C 00000000:0000 07 00000000:00000000", "", 0, true},
		{"no queue colon", " 1: 0100007F:13C4 00000000:0000 07 00000000", "", 0, true},
		{"bad queue", " 1: 0100007F:13C4 00000000:0000 07 00000000:zz", "", 0, true},
		{"too few fields", " 1: 0100007F:13C4", "", 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr, rx, err := parseProcNetLine([]byte(c.line))
			if c.bad {
				if err == nil {
					t.Fatalf("parsed %v %d, want an error", addr, rx)
				}
				return
			}
			if err != nil || addr != netip.MustParseAddrPort(c.addr) || rx != c.rx {
				t.Fatalf("got %v %d %v, want %s %d", addr, rx, err, c.addr, c.rx)
			}
		})
	}
}

func TestSumQueues(t *testing.T) {
	table := "  sl  local_address rem_address   st tx_queue rx_queue\n" +
		" 1: 0100007F:13C4 00000000:0000 07 00000000:00000010 00\n" +
		" 2: 0100007F:13C5 00000000:0000 07 00000000:00000100 00\n" +
		" 3: 0100007F:13C4 0100007F:9C40 01 00000000:00000001 00\n" +
		"garbage\n"
	ours := map[netip.AddrPort]bool{netip.MustParseAddrPort("127.0.0.1:5060"): true}
	got, err := sumQueues(strings.NewReader(table), ours)
	if err != nil || got != 0x11 {
		t.Fatalf("sum = %d, %v; want 17", got, err)
	}
}

// TestWaitingUDP fills a real socket's receive queue and reads it back
// through the kernel's table.
func TestWaitingUDP(t *testing.T) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	local := conn.LocalAddr().(*net.UDPAddr).AddrPort()
	SetNetListeners(func() []Listener { return []Listener{{Proto: "udp", Addr: local}} })
	defer SetNetListeners(nil)
	if got := waiting("udp"); got != 0 {
		t.Fatalf("waiting_udp = %d before anything was sent", got)
	}
	peer, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(local))
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	for range 3 {
		if _, err := peer.Write([]byte("OPTIONS sip:x SIP/2.0\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for waiting("udp") == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := waiting("udp"); got < 3*26 {
		t.Fatalf("waiting_udp = %d, want at least the 78 bytes queued", got)
	}
	if got := waiting("tcp"); got != 0 {
		t.Fatalf("waiting_tcp = %d with no tcp listener", got)
	}
	if s, ok := Default.Lookup("net:waiting_udp"); !ok || s.Value() < 78 {
		t.Fatalf("net:waiting_udp in the registry: %v", ok)
	}
}

func FuzzParseProcNetLine(f *testing.F) {
	f.Add([]byte(" 1968: 0100007F:13C4 00000000:0000 07 00000000:00000300 00:00000000 00000000     0"))
	f.Add([]byte("  0: 00000000000000000000000001000000:13C4 00000000000000000000000000000000:0000 07 00000000:0000000A 00"))
	f.Fuzz(func(t *testing.T, line []byte) {
		addr, rx, err := parseProcNetLine(line)
		if err == nil && (!addr.IsValid() || rx < 0) {
			t.Fatalf("accepted %q as %v %d", line, addr, rx)
		}
	})
}
