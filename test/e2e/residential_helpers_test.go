package e2e

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"switchboard/db"
	"switchboard/db/dbtest"
	"switchboard/db/schema"
	"switchboard/modules/auth_db"
	"switchboard/sip"

	// The drivers register the URL schemes the tests open.
	_ "switchboard/modules/db_mysql"
	_ "switchboard/modules/db_postgres"
	_ "switchboard/modules/db_sqlite"
)

// The users every residential test database holds, in the domain the
// example serves (its socket address, so is_myself matches).
var residentialUsers = map[string]string{"alice": "secret", "bob": "bobsecret"}

// residentialOptions are the edits a test makes to examples/residential.cfg;
// the example itself stays the file users copy.
type residentialOptions struct {
	url          string // db_url of usrloc and auth_db
	dbMode       int    // usrloc db_mode
	timer        int    // usrloc timer_interval, seconds
	minExpires   int    // registrar min_expires; 0 keeps the example's
	sipPort      int    // 0: a free one
	driverModule string // "" for sqlite
}

// residentialCfg returns the example with opts applied. Every edit must
// hit, so a change to the example cannot silently turn a test into one
// of the default configuration.
func residentialCfg(t *testing.T, opts residentialOptions) string {
	t.Helper()
	text, err := os.ReadFile("../../examples/residential.cfg")
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(text)
	replace := func(old, new string) {
		t.Helper()
		if !strings.Contains(cfg, old) {
			t.Fatalf("examples/residential.cfg has no %q to replace", old)
		}
		cfg = strings.ReplaceAll(cfg, old, new)
	}
	replace("socket=udp:127.0.0.1:5060", fmt.Sprintf("socket=udp:127.0.0.1:%d", opts.sipPort))
	replace("sqlite:///var/lib/switchboard/switchboard.db", opts.url)
	replace(`modparam("usrloc", "db_mode", 2)`, fmt.Sprintf(`modparam("usrloc", "db_mode", %d)`, opts.dbMode))
	replace(`modparam("usrloc", "timer_interval", 10)`, fmt.Sprintf(`modparam("usrloc", "timer_interval", %d)`, opts.timer))
	if opts.minExpires != 0 {
		replace(`modparam("registrar", "min_expires", 60)`, fmt.Sprintf(`modparam("registrar", "min_expires", %d)`, opts.minExpires))
	}
	if opts.driverModule != "" {
		replace(`loadmodule "db_sqlite.so"`, fmt.Sprintf(`loadmodule "%s.so"`, opts.driverModule))
	}
	return cfg
}

// newResidentialDB creates the OpenSIPS tables and the test users in a
// fresh database of kind ("sqlite", "postgres", "mysql") and returns its
// URL. The servers for postgres and mysql come from srv.
func newResidentialDB(t *testing.T, kind string, srv *dbtest.Server) string {
	t.Helper()
	var url string
	if kind == "sqlite" {
		url = "sqlite://" + filepath.Join(t.TempDir(), "switchboard.db")
	} else {
		var err error
		if url, err = srv.NewDatabase(); err != nil {
			t.Fatalf("create a %s database: %v", kind, err)
		}
	}
	conn, err := db.OpenConfig(url, db.Config{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	// What `switchboard-cli db create` and `user add` do.
	if err := schema.CreateSchema(ctx, conn, nil); err != nil {
		t.Fatal(err)
	}
	for user, password := range residentialUsers {
		if err := auth_db.AddUser(ctx, conn, user, "127.0.0.1", password, false); err != nil {
			t.Fatal(err)
		}
	}
	return url
}

// locationContacts returns the contacts the location table holds for
// user, sorted, read through the db API as another process would.
func locationContacts(t *testing.T, url, user string) []string {
	t.Helper()
	conn, err := db.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(context.Background(), "location", []string{"contact"},
		[]db.Cond{{Col: "username", Val: user}}, "contact", 0)
	if err != nil {
		t.Fatal(err)
	}
	var contacts []string
	for _, r := range rows {
		contacts = append(contacts, fmt.Sprint(r["contact"]))
	}
	return contacts
}

// killable is a switchboard the test may kill -9 and start again on the
// same port and database, which start() cannot do.
type killable struct {
	cmd  *exec.Cmd
	port int
	url  string // its database, when the test needs to read it
	log  *lockedBuffer
	done chan error
}

func startKillable(t *testing.T, cfg string, port int) *killable {
	t.Helper()
	path := filepath.Join(t.TempDir(), "residential.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &killable{port: port, log: &lockedBuffer{}, done: make(chan error, 1)}
	s.cmd = exec.Command(binary, "-f", path, "-E")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.log.String(), "msg=listening") {
		select {
		case err := <-s.done:
			t.Fatalf("switchboard exited at start-up (%v):\n%s", err, s.log.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.cmd.Process.Kill()
			t.Fatalf("switchboard did not start:\n%s", s.log.String())
		}
	}
	t.Cleanup(func() {
		if s.done == nil {
			return // killed by the test
		}
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.done:
			if err != nil {
				t.Errorf("switchboard exited with %v:\n%s", err, s.log.String())
			}
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			t.Errorf("switchboard did not stop on SIGTERM:\n%s", s.log.String())
		}
	})
	return s
}

// kill is kill -9: no Shutdown hook runs, so nothing is flushed.
func (s *killable) kill() {
	s.cmd.Process.Kill()
	<-s.done
	s.done = nil
}

// uac is a raw SIP client on its own UDP socket.
type uac struct {
	t    *testing.T
	conn net.PacketConn
	to   *net.UDPAddr
	seq  int
}

func newUAC(t *testing.T, ip string, serverPort int) *uac {
	t.Helper()
	c, err := net.ListenPacket("udp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &uac{t: t, conn: c, to: &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: serverPort}}
}

func (u *uac) addr() string { return u.conn.LocalAddr().String() }

// send sends msg (LF line ends) with BRANCH replaced by a fresh branch
// and returns the final response, skipping provisional ones; "" when
// none comes in 3 s.
func (u *uac) send(msg string) string {
	u.t.Helper()
	u.seq++
	branch := fmt.Sprintf("z9hG4bKres%d%d", time.Now().UnixNano(), u.seq)
	msg = strings.ReplaceAll(msg, "BRANCH", branch)
	msg = strings.ReplaceAll(msg, "\n", "\r\n")
	if _, err := u.conn.WriteTo([]byte(msg), u.to); err != nil {
		u.t.Fatal(err)
	}
	buf := make([]byte, 65535)
	u.conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		n, _, err := u.conn.ReadFrom(buf)
		if err != nil {
			return ""
		}
		// Retransmitted replies of an earlier transaction are not ours.
		reply := string(buf[:n])
		if statusCode(reply) >= 200 && strings.Contains(headerValue(reply, "Via"), "branch="+branch) {
			if strings.HasPrefix(msg, "INVITE ") {
				u.ackNegative(msg, reply)
			}
			return reply
		}
	}
}

// ackNegative acknowledges a non-2xx final response to an INVITE, in its
// transaction (RFC 3261 17.1.1.3), so the server stops retransmitting it.
func (u *uac) ackNegative(invite, reply string) {
	if statusCode(reply) < 300 {
		return
	}
	requestURI := strings.Fields(invite)[1]
	ack := fmt.Sprintf("ACK %s SIP/2.0\r\nVia: %s\r\nMax-Forwards: 70\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s ACK\r\nContent-Length: 0\r\n\r\n",
		requestURI, headerValue(invite, "Via"), headerValue(invite, "From"), headerValue(reply, "To"),
		headerValue(invite, "Call-ID"), strings.Fields(headerValue(invite, "CSeq"))[0])
	u.conn.WriteTo([]byte(ack), u.to)
}

// register sends REGISTER for user with contact and expires, answering a
// challenge with password. It returns the final response and the
// Authorization value it sent (for the replay test).
func (u *uac) register(user, password, contact string, expires int) (reply, authorization string) {
	u.t.Helper()
	callID := fmt.Sprintf("reg-%s-%d@test", user, time.Now().UnixNano())
	build := func(cseq int, auth string) string {
		if auth != "" {
			auth = "Authorization: " + auth + "\n"
		}
		return fmt.Sprintf("REGISTER sip:%s SIP/2.0\nVia: SIP/2.0/UDP %s;branch=BRANCH;rport\nMax-Forwards: 70\n"+
			"From: <sip:%s@127.0.0.1>;tag=r%d\nTo: <sip:%s@127.0.0.1>\nCall-ID: %s\nCSeq: %d REGISTER\n"+
			"Contact: <%s>\nExpires: %d\n%sContent-Length: 0\n\n",
			u.to, u.addr(), user, cseq, user, callID, cseq, contact, expires, auth)
	}
	reply = u.send(build(1, ""))
	if statusCode(reply) != 401 {
		return reply, ""
	}
	authorization = digestAnswer(u.t, reply, "WWW-Authenticate", user, password, "REGISTER", "sip:"+u.to.String())
	return u.send(build(2, authorization)), authorization
}

// digestAnswer computes the credentials for the challenge of reply
// (RFC 2617 3.2.2, MD5 with qop=auth, the first nonce-count).
func digestAnswer(t *testing.T, reply, header, user, password, method, uri string) string {
	t.Helper()
	ch, err := sip.ParseChallenge(headerValue(reply, header))
	if err != nil {
		t.Fatalf("challenge: %v\n%s", err, reply)
	}
	if ch.Algorithm != "" && !strings.EqualFold(ch.Algorithm, "MD5") {
		t.Fatalf("the example challenges with %s, the test computes MD5", ch.Algorithm)
	}
	md5hex := func(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }
	cr := sip.Credentials{Username: user, Realm: ch.Realm, Nonce: ch.Nonce, URI: uri,
		Algorithm: ch.Algorithm, Opaque: ch.Opaque, QOP: "auth", NC: "00000001", CNonce: "0a4f113b"}
	ha1 := md5hex(user + ":" + ch.Realm + ":" + password)
	ha2 := md5hex(method + ":" + uri)
	cr.Response = md5hex(strings.Join([]string{ha1, cr.Nonce, cr.NC, cr.CNonce, cr.QOP, ha2}, ":"))
	return string(sip.AppendCredentials(nil, &cr))
}

// invite sends an INVITE for user@127.0.0.1 from outside the domain (no
// authentication asked) and returns the final response.
func (u *uac) invite(user string) string {
	u.t.Helper()
	return u.send(fmt.Sprintf("INVITE sip:%s@127.0.0.1:%d SIP/2.0\nVia: SIP/2.0/UDP %s;branch=BRANCH;rport\n"+
		"Max-Forwards: 70\nFrom: <sip:carol@example.org>;tag=c%d\nTo: <sip:%s@127.0.0.1>\n"+
		"Call-ID: inv-%d@test\nCSeq: 1 INVITE\nContact: <sip:carol@%s>\nContent-Length: 0\n\n",
		user, u.to.Port, u.addr(), u.seq, user, time.Now().UnixNano(), u.addr()))
}

// phone is a registered contact that answers every INVITE with 486, so
// the proxy's transaction ends at once; it counts the INVITEs it got.
type phone struct {
	conn    net.PacketConn
	invites chan string
}

func newPhone(t *testing.T, ip string) *phone {
	t.Helper()
	c, err := net.ListenPacket("udp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	p := &phone{conn: c, invites: make(chan string, 16)}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			msg := string(buf[:n])
			if !strings.HasPrefix(msg, "INVITE ") {
				continue // the ACK of the 486
			}
			p.invites <- msg
			c.WriteTo([]byte(busyReply(msg)), from)
		}
	}()
	return p
}

func (p *phone) contact(user string) string { return "sip:" + user + "@" + p.conn.LocalAddr().String() }

// gotInvite reports whether an INVITE reached the phone.
func (p *phone) gotInvite() bool {
	select {
	case <-p.invites:
		return true
	case <-time.After(2 * time.Second):
		return false
	}
}

// busyReply is a 486 to req (RFC 3261 8.2.6.2: its Vias, From, Call-ID
// and CSeq, the To with a tag).
func busyReply(req string) string {
	var b strings.Builder
	b.WriteString("SIP/2.0 486 Busy Here\r\n")
	for _, line := range strings.Split(req, "\r\n") {
		name, _, _ := strings.Cut(line, ":")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "via", "v", "from", "f", "call-id", "i", "cseq":
			b.WriteString(line + "\r\n")
		case "to", "t":
			b.WriteString(line + ";tag=busy\r\n")
		}
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	return b.String()
}

// statusCode is the status code of a response, 0 for anything else.
func statusCode(msg string) int {
	if !strings.HasPrefix(msg, "SIP/2.0 ") || len(msg) < 11 {
		return 0
	}
	code, _ := strconv.Atoi(msg[8:11])
	return code
}

// headerValue is the value of the first header called name.
func headerValue(msg, name string) string {
	for _, line := range strings.Split(msg, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
