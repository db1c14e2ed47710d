package event_virtual

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"switchboard/core/coretest"
	"switchboard/events"
	"switchboard/modules/event_datagram"
	"switchboard/modules/event_flatstore"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		name, in string
		want     Spec
	}{
		{"parallel", "PARALLEL udp:127.0.0.1:8888 flatstore:/tmp/x", Spec{Parallel, []string{"udp:127.0.0.1:8888", "flatstore:/tmp/x"}}},
		{"failover, tabs and spaces", " \tFAILOVER  a:1\t\tb:2 ", Spec{Failover, []string{"a:1", "b:2"}}},
		{"round-robin", "ROUND-ROBIN a:1", Spec{RoundRobin, []string{"a:1"}}},
		{"lower case accepted", "round-robin a:1 b:2", Spec{RoundRobin, []string{"a:1", "b:2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSpec(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	errs := []struct{ in, want string }{
		{"", "empty virtual socket"},
		{"   ", "empty virtual socket"},
		{"PARALLEL", "no subscriber"},
		{"PARALLELudp:127.0.0.1:1", "unknown policy"},
		{"RANDOM a:1", "unknown policy"},
	}
	for _, tt := range errs {
		if _, err := ParseSpec(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSpec(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

// setup is a private registry with the virtual and flatstore backends
// and the event E_V.
func setup(t *testing.T, failoverTimeout time.Duration) (*events.Registry, *events.Event) {
	t.Helper()
	reg := events.NewRegistry(slog.New(slog.DiscardHandler))
	flat, err := event_flatstore.NewBackend(event_flatstore.DefaultConfig(), nil, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []events.Backend{flat, NewBackend(reg, failoverTimeout)} {
		if err := reg.RegisterBackend(b); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { reg.Close(); flat.Close() })
	return reg, reg.MustPublish("E_V")
}

// lines returns the lines of path ("" when missing).
func lines(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// waitFor waits until every file has its lines, and fails with all of
// them otherwise.
func waitFor(t *testing.T, want map[string][]string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok := true
		for path, l := range want {
			if !reflect.DeepEqual(lines(path), l) {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			for path, l := range want {
				t.Errorf("%s: %q, want %q", filepath.Base(path), lines(path), l)
			}
			t.FailNow()
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// raise raises E_V with n and waits for the subscriber to be done with it
// (the files tell; see waitFor).
func raise(ev *events.Event, n int) { ev.Raise(events.Params{{Value: n}}) }

func TestParallel(t *testing.T) {
	reg, ev := setup(t, time.Minute)
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	if err := reg.Subscribe("E_V", fmt.Sprintf("virtual:PARALLEL flatstore:%s flatstore:%s\tflatstore:%s", a, b, c), 0); err != nil {
		t.Fatal(err)
	}
	raise(ev, 1)
	raise(ev, 2)
	all := []string{"E_V,1", "E_V,2"}
	waitFor(t, map[string][]string{a: all, b: all, c: all})
	subs := ev.Subscribers()
	if want := fmt.Sprintf("virtual:PARALLEL flatstore:%s flatstore:%s flatstore:%s", a, b, c); len(subs) != 1 || subs[0].Socket != want {
		t.Errorf("subscribers %+v, want %s", subs, want)
	}
}

func TestRoundRobin(t *testing.T) {
	reg, ev := setup(t, time.Minute)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := reg.Subscribe("E_V", fmt.Sprintf("virtual:ROUND-ROBIN flatstore:%s flatstore:%s", a, b), 0); err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 5; n++ {
		raise(ev, n)
	}
	waitFor(t, map[string][]string{a: {"E_V,1", "E_V,3", "E_V,5"}, b: {"E_V,2", "E_V,4"}})
}

// TestFailover: a dead subscriber (its directory is gone, so the file
// cannot be created) is skipped; after failover_timeout it is tried
// again.
func TestFailover(t *testing.T) {
	reg, ev := setup(t, 300*time.Millisecond)
	dir := t.TempDir()
	deadDir := filepath.Join(dir, "dead")
	if err := os.Mkdir(deadDir, 0o755); err != nil {
		t.Fatal(err)
	}
	dead, b, c := filepath.Join(deadDir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	if err := reg.Subscribe("E_V", fmt.Sprintf("virtual:FAILOVER flatstore:%s flatstore:%s flatstore:%s", dead, b, c), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(deadDir); err != nil { // parsed fine, now it cannot be written
		t.Fatal(err)
	}
	raise(ev, 1)
	raise(ev, 2)
	waitFor(t, map[string][]string{b: {"E_V,1", "E_V,2"}, c: nil, dead: nil})

	// The dead one comes back: within the timeout it is still skipped,
	// after it the first subscriber takes the events again.
	if err := os.Mkdir(deadDir, 0o755); err != nil {
		t.Fatal(err)
	}
	raise(ev, 3)
	waitFor(t, map[string][]string{b: {"E_V,1", "E_V,2", "E_V,3"}, dead: nil})
	time.Sleep(400 * time.Millisecond)
	raise(ev, 4)
	waitFor(t, map[string][]string{dead: {"E_V,4"}, b: {"E_V,1", "E_V,2", "E_V,3"}, c: nil})
}

func TestParseErrors(t *testing.T) {
	reg, _ := setup(t, time.Minute)
	dir := t.TempDir()
	tests := []struct{ socket, want string }{
		{"virtual:PARALLEL nosuch:1", "subscriber 1"},
		{"virtual:FAILOVER flatstore:" + dir + "/a flatstore:/no/such/dir/b", "subscriber 2"},
		{"virtual:PARALLEL virtual:PARALLEL", "cannot hold another"},
		{"virtual:SOMETIMES flatstore:" + dir + "/a", "unknown policy"},
		{"virtual:PARALLEL nocolon", "subscriber 1"},
	}
	for _, tt := range tests {
		if err := reg.Subscribe("E_V", tt.socket, 0); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Subscribe(%q) = %v, want %q", tt.socket, err, tt.want)
		}
	}
}

func TestMatch(t *testing.T) {
	reg, _ := setup(t, time.Minute)
	b := NewBackend(reg, time.Minute)
	dir := t.TempDir()
	x, y := "flatstore:"+dir+"/x", "flatstore:"+dir+"/y"
	tests := []struct {
		a, b string
		want bool
	}{
		{"PARALLEL " + x + " " + y, "PARALLEL " + y + " " + x, true},
		{"FAILOVER " + x + " " + y, "FAILOVER " + y + " " + x, false},
		{"FAILOVER " + x + " " + y, "FAILOVER " + x + " " + y, true},
		{"ROUND-ROBIN " + x + " " + y, "FAILOVER " + x + " " + y, false},
		{"PARALLEL " + x, "PARALLEL " + x + " " + y, false},
		{"PARALLEL " + x + " " + x, "PARALLEL " + x + " " + y, false},
	}
	for _, tt := range tests {
		sa, err := b.Parse(tt.a)
		if err != nil {
			t.Fatal(err)
		}
		sb, err := b.Parse(tt.b)
		if err != nil {
			t.Fatal(err)
		}
		if got := sa.Match(sb); got != tt.want {
			t.Errorf("Match(%q, %q) = %v", tt.a, tt.b, got)
		}
		sa.Close()
		sb.Close()
	}
}

// TestModule loads event_virtual with event_flatstore from a script: the
// virtual backend parses flatstore subscribers through the process's
// registry.
func TestModule(t *testing.T) {
	l, _ := coretest.Compile(t, `loadmodule "event_flatstore.so"
loadmodule "event_virtual.so"
modparam("event_virtual", "failover_timeout", 5)
route { exit; }
`)
	if err := l.InitModules(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		for i := len(l.Program.Modules) - 1; i >= 0; i-- {
			if m := l.Program.Modules[i]; m.Shutdown != nil {
				m.Shutdown()
			}
		}
	}()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	ev := events.Default.MustPublish("E_SB_VIRTUAL")
	sock := fmt.Sprintf("virtual:ROUND-ROBIN flatstore:%s flatstore:%s", a, b)
	if err := events.Default.Subscribe(ev.Name(), sock, time.Minute); err != nil {
		t.Fatal(err)
	}
	defer events.Default.Unsubscribe(ev.Name(), sock)
	ev.Raise(events.Params{{Value: "x"}})
	ev.Raise(events.Params{{Value: "y"}})
	waitFor(t, map[string][]string{a: {"E_SB_VIRTUAL,x"}, b: {"E_SB_VIRTUAL,y"}})

	if got := coretest.CompileErrors(t, `loadmodule "event_virtual.so"
modparam("event_virtual", "failover_timeout", -1)`); !strings.Contains(got, "failover_timeout must be") {
		t.Errorf("negative failover_timeout: %s", got)
	}
}

// FuzzParseSpec: any address parses or fails cleanly; what parses prints
// back to the same spec.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"PARALLEL udp:127.0.0.1:8888 flatstore:/tmp/x", " FAILOVER\ta:1  b:2", "ROUND-ROBIN a", "PARALLEL", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		spec, err := ParseSpec(in)
		if err != nil {
			return
		}
		again, err := ParseSpec(spec.String())
		if err != nil || !reflect.DeepEqual(again, spec) {
			t.Fatalf("%q: %+v prints %q, parses to %+v, %v", in, spec, spec.String(), again, err)
		}
	})
}

// udpReceiver is a UDP socket on loopback collecting event payloads.
type udpReceiver struct {
	conn *net.UDPConn
	got  chan string
}

func newUDPReceiver(t *testing.T) *udpReceiver {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	r := &udpReceiver{conn: conn, got: make(chan string, 16)}
	go func() {
		buf := make([]byte, 65536)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(r.got)
				return
			}
			r.got <- string(buf[:n])
		}
	}()
	t.Cleanup(func() { conn.Close() })
	return r
}

func (r *udpReceiver) socket() string { return "udp:" + r.conn.LocalAddr().String() }

// expect checks the n values the receiver got, in order, and that
// nothing more arrives.
func (r *udpReceiver) expect(t *testing.T, name string, values ...int) {
	t.Helper()
	for _, v := range values {
		select {
		case p := <-r.got:
			if want := fmt.Sprintf(`{"jsonrpc":"2.0","method":"E_V","params":[%d]}`, v); p != want {
				t.Errorf("%s: got %s, want %s", name, p, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: event %d not received", name, v)
		}
	}
	select {
	case p := <-r.got:
		t.Errorf("%s: unexpected %s", name, p)
	case <-time.After(100 * time.Millisecond):
	}
}

// TestDatagramReceivers runs the three policies over event_datagram's
// udp: and unix: sockets with real receivers on loopback; the dead
// subscriber is a unix socket nobody listens on (its send fails at once;
// a UDP send to a closed port only fails on the send after the ICMP
// error, so it loses one event before failover notices).
func TestDatagramReceivers(t *testing.T) {
	newReg := func(t *testing.T) (*events.Registry, *events.Event) {
		reg := events.NewRegistry(slog.New(slog.DiscardHandler))
		for _, b := range []events.Backend{event_datagram.UDP, event_datagram.Unix, NewBackend(reg, time.Minute)} {
			if err := reg.RegisterBackend(b); err != nil {
				t.Fatal(err)
			}
		}
		t.Cleanup(reg.Close)
		return reg, reg.MustPublish("E_V")
	}
	dead := "unix:" + filepath.Join(t.TempDir(), "nobody.sock")
	tests := []struct {
		policy string
		dead   bool
		wantA  []int
		wantB  []int
	}{
		{"PARALLEL", false, []int{1, 2, 3}, []int{1, 2, 3}},
		{"ROUND-ROBIN", false, []int{1, 3}, []int{2}},
		{"FAILOVER", true, []int{1, 2, 3}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			reg, ev := newReg(t)
			a, b := newUDPReceiver(t), newUDPReceiver(t)
			sock := "virtual:" + tt.policy
			if tt.dead {
				sock += " " + dead
			}
			sock += " " + a.socket() + " " + b.socket()
			if err := reg.Subscribe("E_V", sock, 0); err != nil {
				t.Fatal(err)
			}
			for n := 1; n <= 3; n++ {
				raise(ev, n)
			}
			a.expect(t, "a", tt.wantA...)
			b.expect(t, "b", tt.wantB...)
		})
	}
}
