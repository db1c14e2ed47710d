package e2e

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStockConfig runs OpenSIPS 3.6's stock etc/opensips.cfg unchanged:
// a phone registers (registrar, usrloc), a caller calls it by its AOR
// (lookup, record_route, t_relay) and hangs up along the recorded route
// (loose_route), and acc logs each transaction. The script wants
// 127.0.0.1:5060 and /run/opensips/opensips_fifo, so the test runs itself
// again in private network and mount namespaces, where both are free.
func TestStockConfig(t *testing.T) {
	if os.Getenv(netnsEnv) == "" {
		script := fmt.Sprintf("mount -t tmpfs tmpfs /run && mkdir -p /run/opensips && ip link set lo up && "+
			"exec env %s=1 %q -test.run '^TestStockConfig$' -test.v", netnsEnv, os.Args[0])
		out, err := exec.Command("unshare", "--net", "--mount", "sh", "-c", script).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("--- PASS: TestStockConfig")) {
			t.Fatalf("the stock config run in private namespaces failed: %v\n%s", err, out)
		}
		return
	}
	cfg, err := filepath.Abs("../../script/testdata/opensips.cfg")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "-f", cfg, "-E")
	log := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(log.String(), "msg=listening") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := os.Stat("/run/opensips/opensips_fifo"); err != nil {
		t.Errorf("mi_fifo did not create its FIFO: %v\n%s", err, log.String())
	}

	// The callee registers its contact (RFC 3261 §10).
	reg, err := net.ListenPacket("udp", "127.0.0.2:5299")
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	register := strings.ReplaceAll(`REGISTER sip:127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.2:5299;branch=z9hG4bKstock1;rport
Max-Forwards: 70
From: <sip:bob@127.0.0.1>;tag=r1
To: <sip:bob@127.0.0.1>
Call-ID: stock-reg@127.0.0.2
CSeq: 1 REGISTER
Contact: <sip:bob@127.0.0.2:5298>
Expires: 300
Content-Length: 0

`, "\n", "\r\n")
	reg.WriteTo([]byte(register), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5060})
	reg.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 65535)
	n, _, err := reg.ReadFrom(buf)
	if err != nil || !strings.HasPrefix(string(buf[:n]), "SIP/2.0 200 OK\r\n") || !strings.Contains(string(buf[:n]), "<sip:bob@127.0.0.2:5298>;expires=") {
		t.Fatalf("REGISTER: %v\n%s\nserver:\n%s", err, buf[:n], log.String())
	}

	// Calls to bob@127.0.0.1 reach the registered callee and are hung up
	// along the Route set.
	uas := startSipp(t, "-sf", "testdata/uas_rr.xml", "-i", "127.0.0.2", "-p", "5298")
	out, err := run(t, 30*time.Second, "sipp", "-sf", "testdata/uac_rr.xml", "-s", "bob", "-key", "uas", "127.0.0.1",
		"-i", "127.0.0.1", "-p", "5297", "-m", "3", "-r", "10", "-nostdin", "-timeout", "20s", "-timeout_error", "127.0.0.1:5060")
	if err != nil {
		t.Fatalf("calls failed: %v\n%s\nserver:\n%s\nuas:\n%s", err, tail(out), log.String(), uas())
	}
	if got := strings.Count(log.String(), "ACC: transaction answered"); got != 6 {
		t.Errorf("acc logged %d answered transactions, want 6 (3 INVITEs, 3 BYEs):\n%s", got, log.String())
	}
}
