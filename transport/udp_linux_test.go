//go:build linux

package transport

import (
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestSockaddrRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		family int
		dst    string
		want   string // what recvfrom would report back; "" when the socket cannot send there
	}{
		{"ipv4 on an ipv4 socket", unix.AF_INET, "127.0.0.1:5060", "127.0.0.1:5060"},
		{"high port", unix.AF_INET, "127.0.0.2:65535", "127.0.0.2:65535"},
		{"ipv6 on an ipv6 socket", unix.AF_INET6, "[::1]:5090", "[::1]:5090"},
		{"ipv4 mapped on a dual-stack socket", unix.AF_INET6, "127.0.0.1:5061", "127.0.0.1:5061"},
		{"ipv6 on an ipv4 socket", unix.AF_INET, "[::1]:5060", ""},
		{"scoped ipv6 goes the slow way", unix.AF_INET6, "[fe80::1%lo]:5060", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sa unix.RawSockaddrAny
			n := encodeSockaddr(&sa, tc.family, netip.MustParseAddrPort(tc.dst))
			if tc.want == "" {
				if n != 0 {
					t.Fatalf("encoded %d bytes, want none", n)
				}
				return
			}
			if int(sa.Addr.Family) != tc.family {
				t.Fatalf("family %d, want %d", sa.Addr.Family, tc.family)
			}
			if got := decodeSockaddr(&sa); got.String() != tc.want {
				t.Fatalf("decoded %v, want %s", got, tc.want)
			}
		})
	}
}

// The port is in network byte order, as the kernel reads it.
func TestSockaddrPortByteOrder(t *testing.T) {
	var sa unix.RawSockaddrAny
	encodeSockaddr(&sa, unix.AF_INET, netip.MustParseAddrPort("127.0.0.1:5060"))
	in := (*[4]byte)(unsafe.Pointer(&sa))
	if in[2] != 0x13 || in[3] != 0xc4 {
		t.Fatalf("port bytes %#x %#x, want 0x13 0xc4", in[2], in[3])
	}
}

// TestUDPReceiveBuffer: maxbuffer grows a socket's receive buffer (the
// kernel caps the request at rmem_max and reports twice what it keeps)
// and never shrinks it.
func TestUDPReceiveBuffer(t *testing.T) {
	sysctl := func(name string) int {
		b, err := os.ReadFile("/proc/sys/net/core/" + name)
		if err != nil {
			t.Skip("no", name, err)
		}
		n, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	def, rmemMax := sysctl("rmem_default"), sysctl("rmem_max")
	for _, tc := range []struct {
		name string
		want int // maxbuffer
		got  int // SO_RCVBUF after bind
	}{
		{"0 keeps the system's", 0, def},
		{"less than the default keeps it", def / 4, def},
		{"OpenSIPS's default", 262144, max(def, 2*min(262144, rmemMax))},
		{"more than rmem_max is capped", 2 * rmemMax, max(def, 2*rmemMax)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := startManager(t, Config{UDPReceiveBuffer: tc.want}, func(*Packet) {}, spec(UDP, "127.0.0.1"))
			got, err := receiveBuffer(m.Sockets()[0].udp[0])
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.got {
				t.Errorf("SO_RCVBUF %d, want %d (rmem_default %d, rmem_max %d)", got, tc.got, def, rmemMax)
			}
		})
	}
}
