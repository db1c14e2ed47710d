package usrloc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"switchboard/db"
	"switchboard/db/schema"
)

// BenchmarkMillionContacts measures what a location table costs in memory.
// N AORs with one binding each (default 1,000,000; SWITCHBOARD_CONTACTS
// overrides), two ways in:
//
//   - load: the bulk path an operator hits, a restart (db_mode 1 or 2)
//     that loads every row of the location table. The rows are written to
//     a SQLite file once, then loaded into a new instance.
//   - save: the bindings arrive as save() stores them, through
//     Domain.Update, with every string field a slice of a ~600-byte
//     REGISTER, as the SIP parser hands them out.
//
// Reported per run:
//
//   - heap-B/contact: live heap after the load (after a GC) less before,
//     per contact: what the table itself holds;
//   - rss-B/contact: the process's resident set after the load (after a
//     GC and returning freed pages to the OS) less before, per contact;
//   - load-s: seconds the load (or the N updates) took.
//
// Run it alone, once: go test -run '^$' -bench MillionContacts -benchtime 1x ./modules/usrloc/
// bench/usrloc/million.sh measures the real binary's resident set.
func BenchmarkMillionContacts(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("SWITCHBOARD_CONTACTS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("SWITCHBOARD_CONTACTS=%q is not a positive number", s)
		}
		n = v
	}
	b.Run("load", func(b *testing.B) {
		url := "sqlite://" + filepath.Join(b.TempDir(), "location.db")
		if err := WriteLocationRows(url, n, time.Now()); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			measureTable(b, n, func() (*Usrloc, *Domain) {
				u, err := New(Config{DBMode: WriteThrough, DBURL: url, NoTimer: true})
				if err != nil {
					b.Fatal(err)
				}
				d, err := u.Domain("location")
				if err != nil {
					b.Fatal(err)
				}
				return u, d
			})
		}
	})
	b.Run("save", func(b *testing.B) {
		for range b.N {
			measureTable(b, n, func() (*Usrloc, *Domain) {
				u, err := New(Config{DBMode: NoDB, NoTimer: true})
				if err != nil {
					b.Fatal(err)
				}
				d, err := u.Domain("location")
				if err != nil {
					b.Fatal(err)
				}
				now := time.Now()
				for i := range n {
					aor, c := registerBinding(i, now)
					if _, err := d.Update(aor, func(time.Time, []Contact) ([]Contact, error) {
						return []Contact{c}, nil
					}); err != nil {
						b.Fatal(err)
					}
				}
				return u, d
			})
		}
	})
}

// measureTable builds a table of n contacts with fill and reports its
// memory per contact and the time fill took.
func measureTable(b *testing.B, n int, fill func() (*Usrloc, *Domain)) {
	heap0, rss0 := settle()
	start := time.Now()
	u, d := fill()
	took := time.Since(start)
	if got := d.Stats().Contacts; got != int64(n) {
		b.Fatalf("table has %d contacts, want %d", got, n)
	}
	heap1, rss1 := settle()
	b.ReportMetric(float64(heap1-heap0)/float64(n), "heap-B/contact")
	b.ReportMetric(float64(rss1-rss0)/float64(n), "rss-B/contact")
	b.ReportMetric(took.Seconds(), "load-s")
	runtime.KeepAlive(d)
	if err := u.Close(); err != nil {
		b.Fatal(err)
	}
}

// registerBinding is binding i as save() stores it: the AOR, URI,
// Call-ID and User-Agent are slices of the REGISTER they came in.
func registerBinding(i int, now time.Time) (string, Contact) {
	host := fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256)
	msg := fmt.Sprintf("REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK%08x;rport\r\n"+
		"From: <sip:user%d@example.com>;tag=%08x\r\nTo: <sip:user%d@example.com>\r\nCall-ID: %08x%08x-%d@%s\r\n"+
		"CSeq: 2 REGISTER\r\nContact: <sip:user%d@%s:5060;transport=udp>;expires=3600\r\nMax-Forwards: 70\r\n"+
		"User-Agent: Yealink SIP-T46S 66.86.0.15\r\nAllow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, OPTIONS, INFO, UPDATE\r\n"+
		"Authorization: Digest username=\"user%d\", realm=\"example.com\", nonce=\"AQi7nk39AAAAAAAAAAEAAAAAawhvifof2y5oLplt2nsLrkdFEWo\", "+
		"uri=\"sip:example.com\", response=\"%032x\", algorithm=MD5, cnonce=\"%08x\", qop=auth, nc=00000001\r\n"+
		"Expires: 3600\r\nContent-Length: 0\r\n\r\n",
		host, i, i, i, i, i*7, i*13, i, host, i, host, i, i, i)
	slice := func(prefix, end string) string {
		from := strings.Index(msg, prefix) + len(prefix)
		return msg[from : from+strings.Index(msg[from:], end)]
	}
	uri := slice("Contact: <", ">")
	aor := slice("To: <sip:", "@")
	return aor, Contact{URI: uri, CallID: slice("Call-ID: ", "\r"), CSeq: 2, Expires: now.Unix() + 3600,
		Q: QUnspecified, UserAgent: slice("User-Agent: ", "\r"), Socket: "udp:127.0.0.1:5060",
		Methods: MethodMask(slice("Allow: ", "\r")), LastModified: now}
}

// settle collects garbage, returns freed memory to the OS and reads the
// live heap and the resident set, in bytes.
func settle() (heap, rss int64) {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc), residentBytes()
}

// residentBytes is VmRSS from /proc/self/status (0 where there is none).
func residentBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	var kb int64
	for _, line := range splitLines(string(data)) {
		if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &kb); err == nil {
			return kb * 1024
		}
	}
	return 0
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}

// WriteLocationRows fills the location table of url with n one-contact
// AORs shaped like a phone's registration (user<i>, a contact URI with
// an address and port, a 40-character Call-ID, one of four user agents,
// one socket, expiring an hour after now), in one statement.
func WriteLocationRows(url string, n int, now time.Time) error {
	conn, err := db.OpenConfig(url, db.Config{Timeout: 10 * time.Minute})
	if err != nil {
		return err
	}
	defer conn.Close()
	raw, ok := conn.(db.RawConn)
	if !ok {
		return fmt.Errorf("%s: not an SQL database", db.Redact(url))
	}
	ctx := context.Background()
	if _, err := schema.Migrate(ctx, conn, []string{"location"}); err != nil {
		return err
	}
	_, err = raw.Exec(ctx, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO location (contact_id, username, contact, expires, q, callid, cseq, last_modified, flags, user_agent, socket, methods)
SELECT i + 1, 'user' || i,
	'sip:user' || i || '@10.' || (i / 65536 % 256) || '.' || (i / 256 % 256) || '.' || (i % 256) || ':' || (5060 + i % 1000) || ';transport=udp',
	?, -0.001, printf('%08x%08x-%d@10.%d.%d.%d', i * 2654435761 % 4294967296, i * 40503 % 4294967296, i, i / 65536 % 256, i / 256 % 256, i % 256),
	1 + i % 100, ?, 0,
	CASE i % 4 WHEN 0 THEN 'Yealink SIP-T46S 66.86.0.15' WHEN 1 THEN 'Grandstream GXP2170 1.0.11.23'
		WHEN 2 THEN 'Linphone/5.2.5 (belle-sip/5.2.0)' ELSE 'PolycomVVX-VVX_411-UA/6.4.3.5018' END,
	'udp:127.0.0.1:5060', -1
FROM n`, int64(n-1), now.Unix()+3600, now.UTC().Format("2006-01-02 15:04:05"))
	return err
}
