package e2e

import (
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/db/dbtest"
)

// The residential example (examples/residential.cfg) run as users run it:
// phones register with digest authentication against the subscriber table,
// calls find them through the location table, and a restart loses no
// binding. The suite runs on SQLite, PostgreSQL and MariaDB; the server
// databases are started from the Debian packages on loopback.

// TestResidentialDatabases runs the registration and restart tests on
// every database switchboard supports.
func TestResidentialDatabases(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres", "mysql"} {
		t.Run(kind, func(t *testing.T) {
			var srv *dbtest.Server
			driver := ""
			switch kind {
			case "postgres":
				srv, driver = startDBServer(t, dbtest.StartPostgres), "db_postgres"
			case "mysql":
				srv, driver = startDBServer(t, dbtest.StartMariaDB), "db_mysql"
			}
			opts := func(mode int) residentialOptions {
				return residentialOptions{url: newResidentialDB(t, kind, srv), dbMode: mode, timer: 1,
					sipPort: freePort(t, "127.0.0.1"), driverModule: driver}
			}
			t.Run("digest", func(t *testing.T) { testDigestRegister(t, opts(1)) })
			t.Run("restart-write-through", func(t *testing.T) { testRestart(t, opts(1)) })
			t.Run("restart-write-back", func(t *testing.T) { testRestart(t, opts(2)) })
		})
	}
}

func startDBServer(t *testing.T, start func() (*dbtest.Server, error)) *dbtest.Server {
	t.Helper()
	srv, err := start()
	if err != nil {
		// A missing package must not look like a pass.
		t.Fatalf("cannot start the database server: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// sipp runs one sipp scenario to completion (-m 1): nil when its call
// ended as the scenario says.
func sipp(t *testing.T, serverPort int, scenario string, args ...string) (string, error) {
	t.Helper()
	all := append([]string{fmt.Sprintf("127.0.0.1:%d", serverPort), "-sf", "testdata/" + scenario, "-m", "1", "-nostdin"}, args...)
	return run(t, 15*time.Second, "sipp", all...)
}

// sippPort picks a free local port for a sipp instance on ip.
func sippPort(t *testing.T, ip string) string { return fmt.Sprint(freePort(t, ip)) }

// testDigestRegister: sipp registers with [authentication] (401 then
// 200), a wrong password is challenged again, and a replayed
// Authorization (same nonce, same nonce-count) is refused.
func testDigestRegister(t *testing.T, opts residentialOptions) {
	s := startKillable(t, residentialCfg(t, opts), opts.sipPort)

	if out, err := sipp(t, s.port, "reg_auth.xml", "-s", "alice", "-au", "alice", "-ap", "secret",
		"-i", "127.0.0.1", "-p", sippPort(t, "127.0.0.1")); err != nil {
		t.Fatalf("REGISTER with the right password: %v\n%s\nserver:\n%s", err, tail(out), s.log.String())
	}
	if out, err := sipp(t, s.port, "reg_auth_wrong.xml", "-s", "alice", "-au", "alice", "-ap", "wrong",
		"-i", "127.0.0.1", "-p", sippPort(t, "127.0.0.1")); err != nil {
		t.Fatalf("REGISTER with a wrong password was not challenged again: %v\n%s", err, tail(out))
	}
	if got := locationContacts(t, opts.url, "alice"); len(got) != 1 {
		t.Fatalf("location rows of alice after one accepted REGISTER: %q", got)
	}

	u := newUAC(t, "127.0.0.1", s.port)
	reply, authorization := u.register("alice", "secret", "sip:alice@"+u.addr(), 300)
	if statusCode(reply) != 200 {
		t.Fatalf("raw digest REGISTER: want 200, got\n%s", reply)
	}
	replay := fmt.Sprintf("REGISTER sip:%s SIP/2.0\nVia: SIP/2.0/UDP %s;branch=BRANCH;rport\nMax-Forwards: 70\n"+
		"From: <sip:alice@127.0.0.1>;tag=replay\nTo: <sip:alice@127.0.0.1>\nCall-ID: replay@test\nCSeq: 7 REGISTER\n"+
		"Contact: <sip:mallory@192.0.2.1>\nExpires: 300\nAuthorization: %s\nContent-Length: 0\n\n",
		u.to, u.addr(), authorization)
	reply = u.send(replay)
	if statusCode(reply) != 401 || !strings.Contains(headerValue(reply, "WWW-Authenticate"), "stale=true") {
		t.Fatalf("replayed Authorization: want 401 with stale=true, got\n%s", reply)
	}
	for _, c := range locationContacts(t, opts.url, "alice") {
		if strings.Contains(c, "mallory") {
			t.Fatalf("the replayed REGISTER was saved: %q", c)
		}
	}
}

// testRestart registers two contacts of alice, kills the server with
// SIGKILL (after a write-back flush in db_mode 2), starts it again on
// the same database: a call to alice reaches a contact, and the location
// table and MI's ul_dump (over mi_datagram) hold the same contacts.
func testRestart(t *testing.T, opts residentialOptions) {
	miPort := freePort(t, "127.0.0.1")
	cfg := strings.Replace(residentialCfg(t, opts), `loadmodule "proto_udp.so"`, fmt.Sprintf(`loadmodule "proto_udp.so"
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:127.0.0.1:%d")`, miPort), 1)
	s := startKillable(t, cfg, opts.sipPort)
	phones := []*phone{newPhone(t, "127.0.0.1"), newPhone(t, "127.0.0.1")}
	u := newUAC(t, "127.0.0.1", s.port)
	var want []string
	for _, p := range phones {
		if reply, _ := u.register("alice", "secret", p.contact("alice"), 300); statusCode(reply) != 200 {
			t.Fatalf("REGISTER: want 200, got\n%s\nserver:\n%s", reply, s.log.String())
		}
		want = append(want, p.contact("alice"))
	}
	slices.Sort(want)
	if opts.dbMode == 2 {
		time.Sleep(time.Duration(opts.timer)*time.Second + 1500*time.Millisecond) // one flush
	}
	if got := locationContacts(t, opts.url, "alice"); !slices.Equal(got, want) {
		t.Fatalf("location table before the kill: got %q, want %q", got, want)
	}
	s.kill()

	s = startKillable(t, cfg, opts.sipPort)
	caller := newUAC(t, "127.0.0.1", s.port)
	if reply := caller.invite("alice"); statusCode(reply) != 486 {
		t.Fatalf("call after the restart: want the phones' 486, got\n%s\nserver:\n%s", reply, s.log.String())
	}
	for i, p := range phones {
		if !p.gotInvite() {
			t.Errorf("contact %d did not get the INVITE after the restart", i)
		}
	}
	if got := locationContacts(t, opts.url, "alice"); !slices.Equal(got, want) {
		t.Fatalf("location table after the restart: got %q, want %q", got, want)
	}
	dump := miCall(t, miPort, `{"jsonrpc":"2.0","id":1,"method":"ul_dump"}`)
	for _, c := range want {
		if !strings.Contains(dump, `"Contact":"`+c+`"`) {
			t.Errorf("ul_dump after the restart lacks %s:\n%s", c, dump)
		}
	}
}

// miCall sends one JSON-RPC request to mi_datagram and returns the reply.
func miCall(t *testing.T, port int, request string) string {
	t.Helper()
	c, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(request)); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 65535)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("MI %s: %v", request, err)
	}
	return string(buf[:n])
}

// sqliteResidential starts the example on a fresh SQLite database in
// write-through mode, with edit applied to the options.
func sqliteResidential(t *testing.T, edit func(*residentialOptions)) *killable {
	t.Helper()
	opts := residentialOptions{url: newResidentialDB(t, "sqlite", nil), dbMode: 1, timer: 1, sipPort: freePort(t, "127.0.0.1")}
	if edit != nil {
		edit(&opts)
	}
	s := startKillable(t, residentialCfg(t, opts), opts.sipPort)
	s.url = opts.url
	return s
}

// TestResidentialSipsak: sipsak's usrloc mode registers with -a.
func TestResidentialSipsak(t *testing.T) {
	s := sqliteResidential(t, nil)
	// -u: sipsak 0.9.8 takes "alice@" as the user name from -s otherwise;
	// -x: its default of 15 s is below the example's min_expires.
	out, err := run(t, 10*time.Second, "sipsak", "-U", "-s", fmt.Sprintf("sip:alice@127.0.0.1:%d", s.port),
		"-a", "secret", "-u", "alice", "-x", "300", "-i")
	if err != nil {
		t.Fatalf("sipsak -U: %v\n%s\nserver:\n%s", err, out, s.log.String())
	}
	if got := locationContacts(t, s.url, "alice"); len(got) != 1 {
		t.Fatalf("location rows of alice after sipsak registered: %q", got)
	}
}

// TestResidentialCall: alice and bob register with sipp, alice calls bob
// (the INVITE is challenged with 407 and sent again with credentials),
// the call is answered and hung up along the recorded route. Then bob
// registers a second phone and the next call forks to both in parallel:
// one answers, the other, ringing, gets a CANCEL.
func TestResidentialCall(t *testing.T) {
	s := sqliteResidential(t, nil)
	alicePort, bob1Port, bob2Port := sippPort(t, "127.0.0.1"), sippPort(t, "127.0.0.2"), sippPort(t, "127.0.0.3")
	register := func(user, password, ip, port string) {
		t.Helper()
		if out, err := sipp(t, s.port, "reg_auth.xml", "-s", user, "-au", user, "-ap", password, "-i", ip, "-p", port); err != nil {
			t.Fatalf("REGISTER %s from %s:%s: %v\n%s", user, ip, port, err, tail(out))
		}
	}
	register("alice", "secret", "127.0.0.1", alicePort)
	register("bob", "bobsecret", "127.0.0.2", bob1Port)

	call := func(callees ...[]string) {
		t.Helper()
		var waits []func() (string, error)
		for _, c := range callees {
			waits = append(waits, sippBackground(t, s.port, c...))
		}
		time.Sleep(200 * time.Millisecond) // let the callees bind
		if out, err := sipp(t, s.port, "uac_auth_rr.xml", "-s", "bob", "-au", "alice", "-ap", "secret",
			"-i", "127.0.0.1", "-p", alicePort); err != nil {
			t.Fatalf("caller: %v\n%s\nserver:\n%s", err, tail(out), s.log.String())
		}
		for i, wait := range waits {
			if out, err := wait(); err != nil {
				t.Fatalf("callee %d: %v\n%s", i, err, tail(out))
			}
		}
	}
	t.Run("call", func(t *testing.T) {
		call([]string{"uas_rr.xml", "-i", "127.0.0.2", "-p", bob1Port})
	})
	t.Run("parallel-fork", func(t *testing.T) {
		register("bob", "bobsecret", "127.0.0.3", bob2Port)
		call([]string{"uas_rr_slow.xml", "-i", "127.0.0.2", "-p", bob1Port},
			[]string{"uas_ring.xml", "-i", "127.0.0.3", "-p", bob2Port})
	})
}

// sippBackground starts a one-call sipp scenario and returns a wait for
// its end, bounded like run's.
func sippBackground(t *testing.T, serverPort int, args ...string) func() (string, error) {
	t.Helper()
	out := &lockedBuffer{}
	all := append([]string{fmt.Sprintf("127.0.0.1:%d", serverPort), "-sf", "testdata/" + args[0], "-m", "1", "-nostdin"}, args[1:]...)
	cmd := exec.Command("sipp", all...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("sipp: %v (the test command installs it)", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return func() (string, error) {
		select {
		case err := <-done:
			return out.String(), err
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
			return out.String(), fmt.Errorf("sipp %s timed out", args[0])
		}
	}
}

// TestResidentialExpiry: a binding is gone once its Expires has passed
// (the next call to the AOR is 404), and an Expires below min_expires
// is refused with 423 and Min-Expires (RFC 3261 10.3 step 7).
func TestResidentialExpiry(t *testing.T) {
	s := sqliteResidential(t, func(o *residentialOptions) { o.minExpires = 2 })
	p := newPhone(t, "127.0.0.1")
	u := newUAC(t, "127.0.0.1", s.port)

	reply, _ := u.register("bob", "bobsecret", p.contact("bob"), 1)
	if statusCode(reply) != 423 || headerValue(reply, "Min-Expires") != "2" {
		t.Fatalf("Expires 1 with min_expires 2: want 423 with Min-Expires: 2, got\n%s", reply)
	}
	if reply, _ := u.register("bob", "bobsecret", p.contact("bob"), 2); statusCode(reply) != 200 {
		t.Fatalf("REGISTER with Expires 2: want 200, got\n%s", reply)
	}
	caller := newUAC(t, "127.0.0.1", s.port)
	if reply := caller.invite("bob"); statusCode(reply) != 486 || !p.gotInvite() {
		t.Fatalf("call while registered: want the phone's 486, got\n%s", reply)
	}
	time.Sleep(3 * time.Second)
	if reply := caller.invite("bob"); statusCode(reply) != 404 {
		t.Fatalf("call after the binding expired: want 404, got\n%s", reply)
	}
}
