package tm

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"switchboard/engine"
	"switchboard/sip"
)

// runMI runs an MI command's function with named parameters, as the
// dispatcher does once a recipe matched.
func runMI(t *testing.T, name string, params map[string]any, ctx ...context.Context) (any, error) {
	t.Helper()
	c := context.Background()
	if len(ctx) > 0 {
		c = ctx[0]
	}
	for _, cmd := range miCommands() {
		if cmd.Name == name {
			names := make([]string, 0, len(params))
			for k := range params {
				names = append(names, k)
			}
			return cmd.Run(c, engine.NewMIParams(names, params))
		}
	}
	t.Fatalf("no MI command %s", name)
	return nil, nil
}

// TestMIReply: t_reply answers the server transaction $T_id names (the
// identifier round-trips, in both of OpenSIPS's forms) with the given To
// tag, headers and body; a second final reply, an unknown or malformed
// identifier and a bad code are refused with OpenSIPS's errors.
func TestMIReply(t *testing.T) {
	h := newHarness(t, `loadmodule "sipmsgops.so"
route {
	t_newtran();
	append_to_reply("X-Id: $T_id\r\n");
	t_reply(183, "Progress");
}
`)
	message := withMethod(invite, "MESSAGE")
	h.request(message)
	if len(h.rec.Replies) != 1 {
		t.Fatalf("replies %v", h.rec.Replies)
	}
	first, _ := sip.ParseString(h.rec.Replies[0])
	idHeader, _ := first.HeaderNamed("X-Id")
	if idHeader == nil {
		t.Fatalf("no $T_id in %s", h.rec.Replies[0])
	}
	id := idHeader.Value
	m, _ := sip.ParseString(message)
	tx := lookupRequest(m)
	if tx == nil || id != transID(tx) || !strings.Contains(id, ".") {
		t.Fatalf("$T_id %q does not name the transaction", id)
	}
	hash, label, err := parseTransID(id)
	if err != nil || lookupTransID(hash, label) != tx {
		t.Fatalf("$T_id %q does not round-trip: %d %d %v", id, hash, label, err)
	}
	old := strings.Join([]string{itoa(servers.shard(tx.key)), itoa(int(tx.id))}, ":")
	tests := []struct {
		name   string
		params map[string]any
		want   string // "" for OK, else the error text
	}{
		{"bad code", map[string]any{"code": "700", "reason": "x", "trans_id": id, "to_tag": ""}, "400 Invalid reply code"},
		{"malformed id", map[string]any{"code": "404", "reason": "x", "trans_id": "zz", "to_tag": ""}, "400 Invalid trans_id"},
		{"malformed hex id", map[string]any{"code": "404", "reason": "x", "trans_id": "xyz.1", "to_tag": ""}, "400 Invalid trans_id"},
		{"unknown id", map[string]any{"code": "404", "reason": "x", "trans_id": "fffff.0", "to_tag": ""}, "404 Transaction not found"},
		{"headers with From", map[string]any{"code": "404", "reason": "x", "trans_id": id, "to_tag": "", "new_headers": "From: <sip:a@b>"}, "400 Bad headers"},
		{"the reply, by the old form", map[string]any{"code": "480", "reason": "Gone Fishing", "trans_id": old, "to_tag": "mi-tag",
			"new_headers": `X-Why: fishing\r\nContent-Type: text/plain`, "body": "back at 5"}, ""},
		{"a second final reply", map[string]any{"code": "500", "reason": "x", "trans_id": id, "to_tag": ""}, "500 Reply failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runMI(t, "t_reply", tc.params)
			got := ""
			if err != nil {
				var merr *engine.MIError
				if e, ok := err.(*engine.MIError); ok {
					merr = e
				}
				if merr == nil {
					t.Fatalf("not an MI error: %v", err)
				}
				got = itoa(merr.Code) + " " + merr.Message
			} else if res != "OK" {
				t.Fatalf("result %v", res)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if len(h.rec.Replies) != 2 {
		t.Fatalf("%d replies, want the 183 and the MI's 480", len(h.rec.Replies))
	}
	r, err := sip.ParseString(h.rec.Replies[1])
	if err != nil {
		t.Fatal(err)
	}
	to, _ := r.To()
	why, _ := r.HeaderNamed("X-Why")
	if r.StatusCode() != 480 || r.Reason() != "Gone Fishing" || to.Tag() != "mi-tag" || why == nil ||
		why.Value != "fishing" || r.Body() != "back at 5" || r.Value(sip.HdrContentType) != "text/plain" {
		t.Errorf("wrong reply:\n%s", h.rec.Replies[1])
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestMIHash: t_hash lists every shard of the table with the
// transactions in it now and ever.
func TestMIHash(t *testing.T) {
	h := newHarness(t, "route { t_newtran(); }\n")
	before, _ := runMI(t, "t_hash", nil)
	h.request(withMethod(invite, "MESSAGE"))
	after, _ := runMI(t, "t_hash", nil)
	b, a := before.([]hashEntry), after.([]hashEntry)
	if len(a) != shardCount {
		t.Fatalf("%d entries, want %d", len(a), shardCount)
	}
	current, total := 0, uint64(0)
	for i := range a {
		if a[i].Index != i {
			t.Errorf("entry %d has index %d", i, a[i].Index)
		}
		current += a[i].Current - b[i].Current
		total += a[i].Total - b[i].Total
	}
	if current != 1 || total != 1 {
		t.Errorf("one new transaction shows as %d current, %d total", current, total)
	}
	out, _ := json.Marshal(a[0])
	if !strings.HasPrefix(string(out), `{"index":0,"Current":`) || !strings.Contains(string(out), `"Total":`) {
		t.Errorf("not OpenSIPS's shape: %s", out)
	}
}

// TestParseUACHeaders: t_uac_dlg's headers, with OpenSIPS's \r\n
// escapes, LF line ends and folding; From, To, Call-ID, CSeq and
// Content-Length are taken out.
func TestParseUACHeaders(t *testing.T) {
	tests := []struct {
		name, in string
		want     uacHeaders
		err      string
	}{
		{"escaped", `From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nX-A: 1\r\n`,
			uacHeaders{from: "<sip:a@b>;tag=1", to: "<sip:c@d>", hasFrom: true, hasTo: true, lines: "X-A: 1\r\n"}, ""},
		{"compact and LF", "f: <sip:a@b>\nt: <sip:c@d>\ni: id1\nCSeq: 2 MESSAGE\nc: text/plain\nl: 0\n",
			uacHeaders{from: "<sip:a@b>", to: "<sip:c@d>", hasFrom: true, hasTo: true, callID: "id1", cseq: "2 MESSAGE",
				contentType: true, contentLength: "0", lines: "c: text/plain\r\n"}, ""},
		{"folded", "Subject: a\r\n  b\r\nTo: <sip:c@d>", uacHeaders{to: "<sip:c@d>", hasTo: true, lines: "Subject: a b\r\n"}, ""},
		{"no trailing CRLF", "X-A: 1", uacHeaders{lines: "X-A: 1\r\n"}, ""},
		{"not a header", "nonsense\r\n", uacHeaders{}, "not a header line"},
		{"fold first", " x\r\n", uacHeaders{}, "folded line"},
		{"bare CR", "X-A: 1\rX-B: 2", uacHeaders{}, "bare CR"},
		{"substitution", "Contact: <sip:!!>\r\n", uacHeaders{}, "not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseUACHeaders(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %+v %v, want %+v", got, err, tc.want)
			}
		})
	}
}

// FuzzParseUACHeaders: any input is refused or gives header lines that
// are each one "Name: value" ended by CRLF.
func FuzzParseUACHeaders(f *testing.F) {
	for _, s := range []string{`From: <sip:a@b>\r\nTo: <sip:c@d>\r\n`, "f: a\nt: b\n x\n", "X: 1\r\n\r\nbody", "::\r\n", "!!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseUACHeaders(s)
		if err != nil {
			return
		}
		if h.lines == "" {
			return
		}
		if !strings.HasSuffix(h.lines, "\r\n") {
			t.Fatalf("lines not CRLF-ended: %q", h.lines)
		}
		for _, line := range strings.Split(strings.TrimSuffix(h.lines, "\r\n"), "\r\n") {
			name, _, ok := strings.Cut(line, ": ")
			if !ok || !isToken(name) || strings.ContainsAny(line, "\r\n") {
				t.Fatalf("bad line %q from %q", line, s)
			}
		}
		if _, err := headerLines(h.lines); err != nil {
			t.Fatalf("t_add_hdrs would refuse %q: %v", h.lines, err)
		}
	})
}

// TestTransID: the identifier round-trips in both forms.
func TestTransID(t *testing.T) {
	tests := []struct {
		in    string
		hash  int
		label uint64
		ok    bool
	}{
		{"0.0", 0, 0, true},
		{"a1.3", 3, 0x1a, true},
		{"21:300", 21, 300, true},
		{"A1.3", 3, 0x1a, true},
		{"1.", 0, 0, false},
		{".1", 0, 0, false},
		{"x:1", 0, 0, false},
		{"11111111111111111.1", 0, 0, false},
		{"nodot", 0, 0, false},
	}
	for _, tc := range tests {
		hash, label, err := parseTransID(tc.in)
		if (err == nil) != tc.ok || (tc.ok && (hash != tc.hash || label != tc.label)) {
			t.Errorf("%q: %d %d %v", tc.in, hash, label, err)
		}
	}
	for _, n := range []uint64{0, 1, 0x1a, 1 << 40, 1<<64 - 1} {
		got, ok := parseReverseHex(string(appendReverseHex(nil, n)))
		if !ok || got != n {
			t.Errorf("%d does not round-trip: %d", n, got)
		}
	}
}
