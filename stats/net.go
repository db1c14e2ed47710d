package stats

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"net/netip"
	"os"
	"strconv"
	"sync/atomic"
)

// The net group (OpenSIPS core_stats.c): the bytes received on our
// sockets that no reader has taken yet, summed per transport from the
// rx_queue column of /proc/net/udp, udp6, tcp and tcp6 for the lines
// whose local address is one we listen on (for TCP that includes the
// connections accepted on it), as OpenSIPS does on Linux. Elsewhere, or
// when the files cannot be read, the values are 0. TLS has no sockets
// yet, so waiting_tls is 0.

// Listener is a local socket whose queue the net group sums.
type Listener struct {
	Proto string // "udp", "tcp", "tls"
	Addr  netip.AddrPort
}

var netListeners atomic.Pointer[func() []Listener]

// SetNetListeners tells the net group where the running server listens;
// nil when it stops.
func SetNetListeners(list func() []Listener) {
	if list == nil {
		netListeners.Store(nil)
		return
	}
	netListeners.Store(&list)
}

// procNetDir is where the kernel's socket tables are; tests point it at
// their own files.
var procNetDir = "/proc/net/"

func registerNet(r *Registry) {
	for _, proto := range []string{"udp", "tcp", "tls"} {
		r.Computed("net", "waiting_"+proto, NoReset, func() int64 { return waiting(proto) }, nil)
	}
}

// waiting sums the receive queues of our sockets of proto.
func waiting(proto string) int64 {
	list := netListeners.Load()
	if list == nil {
		return 0
	}
	ours := map[netip.AddrPort]bool{}
	for _, l := range (*list)() {
		if l.Proto == proto {
			ours[netip.AddrPortFrom(l.Addr.Addr().Unmap(), l.Addr.Port())] = true
		}
	}
	if len(ours) == 0 {
		return 0
	}
	kernel := proto
	if proto == "tls" {
		kernel = "tcp"
	}
	var total int64
	for _, file := range []string{kernel, kernel + "6"} {
		f, err := os.Open(procNetDir + file)
		if err != nil {
			continue
		}
		n, _ := sumQueues(f, ours)
		f.Close()
		total += n
	}
	return total
}

// sumQueues adds up rx_queue over the lines of a /proc/net table whose
// local address is in ours; unreadable lines are skipped.
func sumQueues(r io.Reader, ours map[netip.AddrPort]bool) (int64, error) {
	var total int64
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		local, rx, err := parseProcNetLine(sc.Bytes())
		if err == nil && ours[local] {
			total += rx
		}
	}
	return total, sc.Err()
}

var errProcNetLine = errors.New("stats: not a /proc/net socket line")

// parseProcNetLine reads the local address and the rx_queue of one line
// of /proc/net/{udp,tcp}{,6}:
//
//	"  sl  local_address rem_address   st tx_queue rx_queue ..."
//	" 1: 0100007F:13C4 00000000:0000 07 00000000:00000000 ..."
//
// The address is the kernel's words in host byte order, in hex.
func parseProcNetLine(line []byte) (netip.AddrPort, int64, error) {
	fields := bytes.Fields(line)
	if len(fields) < 5 || !bytes.HasSuffix(fields[0], []byte(":")) {
		return netip.AddrPort{}, 0, errProcNetLine
	}
	hostHex, portHex, ok := bytes.Cut(fields[1], []byte(":"))
	if !ok || len(portHex) != 4 || (len(hostHex) != 8 && len(hostHex) != 32) {
		return netip.AddrPort{}, 0, errProcNetLine
	}
	raw := make([]byte, len(hostHex)/2)
	if _, err := hex.Decode(raw, hostHex); err != nil {
		return netip.AddrPort{}, 0, errProcNetLine
	}
	// Each 32-bit word was printed as a number: undo the host order.
	for i := 0; i < len(raw); i += 4 {
		binary.NativeEndian.PutUint32(raw[i:], binary.BigEndian.Uint32(raw[i:]))
	}
	addr, _ := netip.AddrFromSlice(raw)
	port, err := strconv.ParseUint(string(portHex), 16, 16)
	if err != nil {
		return netip.AddrPort{}, 0, errProcNetLine
	}
	_, rxHex, ok := bytes.Cut(fields[4], []byte(":"))
	if !ok {
		return netip.AddrPort{}, 0, errProcNetLine
	}
	rx, err := strconv.ParseInt(string(rxHex), 16, 64)
	if err != nil || rx < 0 {
		return netip.AddrPort{}, 0, errProcNetLine
	}
	return netip.AddrPortFrom(addr.Unmap(), uint16(port)), rx, nil
}
