package textops

import (
	"strings"
	"testing"

	"switchboard/core/coretest"
	"switchboard/sip"
)

const load = "loadmodule \"textops.so\"\n"

const sdp = "v=0\r\no=alice 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n"

func invite(body string) string {
	return "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: Bob <sip:bob@biloxi.example.com>\r\n" +
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
		"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
		"CSeq: 314159 INVITE\r\n" +
		"User-Agent: softphone 1.0\r\n" +
		"Content-Type: application/sdp\r\n" +
		"Content-Length: " + itoa(len(body)) + "\r\n\r\n" + body
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}

type result struct {
	rc  int
	out string
}

func run(t *testing.T, stmts, msg string) result {
	t.Helper()
	r := coretest.RunScript(t, load+"route {\n"+stmts+"\n$var(rc) = $rc;\n}\n", msg)
	rc, _ := r.Ctx.Vars.Get("rc").AsInt()
	return result{rc: rc, out: r.Out()}
}

func TestSearch(t *testing.T) {
	msg := invite(sdp)
	tests := []struct {
		name, stmt string
		rc         int
	}{
		{"doc search: matches the first line too", `search("^INVITE sip:bob");`, 1},
		{"doc search: case-insensitive (REG_ICASE)", `search("user-agent: SOFTPHONE");`, 1},
		{"doc search: '^' matches at every line (REG_NEWLINE)", `search("^Max-Forwards: 70\\r");`, 1},
		{"doc search: no match is false", `search("X-Missing");`, -1},
		{"doc search_body: matches the body", `search_body("^m=audio 49170");`, 1},
		{"doc search_body: not the headers", `search_body("User-Agent");`, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := run(t, tt.stmt, msg); r.rc != tt.rc || r.out != msg {
				t.Errorf("rc %d want %d; message changed: %v", r.rc, tt.rc, r.out != msg)
			}
		})
	}
}

func TestEdits(t *testing.T) {
	msg := invite(sdp)
	tests := []struct {
		name, stmts string
		rc          int
		want        string
	}{
		{"doc replace: first match after the first line, ignoring case",
			`replace("bob", "carol");`, 1,
			strings.Replace(msg, "To: Bob <", "To: carol <", 1)},
		{"doc replace_all: every match after the first line",
			`replace_all("biloxi", "example");`, 1,
			strings.Replace(msg, "<sip:bob@biloxi.", "<sip:bob@example.", 1)},
		{"doc replace: no match is false and changes nothing",
			`replace("nothing-here", "x");`, -1, msg},
		{"doc search_append: text after the match",
			`search_append("User-Agent: softphone", " (via proxy)");`, 1,
			strings.Replace(msg, "softphone 1.0", "softphone (via proxy) 1.0", 1)},
		{"doc replace_body: first match in the body",
			`replace_body("10\.0\.0\.1", "192.0.2.1");`, 1,
			strings.Replace(msg, "10.0.0.1", "192.0.2.1", 1)},
		{"doc replace_body_all: every match in the body",
			`replace_body_all("10\.0\.0\.1", "192.0.2.1");`, 1,
			strings.ReplaceAll(msg, "10.0.0.1", "192.0.2.1")},
		{"doc replace_body_atonce: '^' only at the start of the body",
			`replace_body_atonce("^.=", "X=");`, 1,
			strings.Replace(msg, "\r\n\r\nv=0", "\r\n\r\nX=0", 1)},
		{"doc replace_body_all: '^' at every line",
			`replace_body_all("^c=IN IP4 [0-9.]+", "c=IN IP4 192.0.2.1");`, 1,
			strings.Replace(msg, "c=IN IP4 10.0.0.1", "c=IN IP4 192.0.2.1", 1)},
		{"doc search_append_body",
			`search_append_body("m=audio 49170 RTP/AVP 0", " 8");`, 1,
			strings.Replace(msg, "RTP/AVP 0", "RTP/AVP 0 8", 1)},
		{"edits compose: two replaces on different text",
			`replace("softphone", "phone"); replace("Alice", "Carol");`, 1,
			strings.Replace(strings.Replace(msg, "softphone", "phone", 1), "From: Alice", "From: Carol", 1)},
		{"edits compose: replace then search sees the received message",
			`replace("softphone", "phone"); search("softphone");`, 1,
			strings.Replace(msg, "softphone", "phone", 1)},
		{"edits compose: replace_all then subst on overlapping lines",
			`replace_all("atlanta", "a"); subst("/^User-Agent: ([a-z]+)/User-Agent: x \1/");`, 1,
			strings.Replace(strings.ReplaceAll(msg, "atlanta", "a"), "User-Agent: softphone 1.0", "User-Agent: x softphone 1.0", 1)},
		{"doc subst: backreferences and first match only",
			`subst("/^(To|From): ([^<]*)</\1: Anonymous </");`, 1,
			strings.Replace(msg, "To: Bob <", "To: Anonymous <", 1)},
		{"doc subst: flag g replaces every match",
			`subst("/^(To|From): ([^<]*)</\1: Anonymous </g");`, 1,
			strings.Replace(strings.Replace(msg, "To: Bob <", "To: Anonymous <", 1), "From: Alice <", "From: Anonymous <", 1)},
		{"doc subst: case-sensitive without flag i",
			`subst("/user-agent/X/");`, -1, msg},
		{"doc subst: flag i",
			`subst("/user-agent: [^\r]*/User-Agent: hidden/i");`, 1,
			strings.Replace(msg, "User-Agent: softphone 1.0", "User-Agent: hidden", 1)},
		{"doc subst_body",
			`subst_body("/49170/50000/");`, 1,
			strings.Replace(msg, "49170", "50000", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.stmts, msg)
			if r.rc != tt.rc {
				t.Errorf("rc %d, want %d", r.rc, tt.rc)
			}
			if r.out != tt.want {
				t.Errorf("message out:\n%q\nwant:\n%q", r.out, tt.want)
			}
			if _, err := sip.ParseString(r.out); err != nil {
				t.Errorf("output does not parse: %v", err)
			}
		})
	}
}

// Two replacements of the same received text both land at its offset in
// call order, as OpenSIPS's lumps do; the message stays well formed.
func TestSameTextReplacedTwice(t *testing.T) {
	msg := invite("")
	r := run(t, `replace("softphone", "a"); replace("softphone", "b");`, msg)
	want := strings.Replace(msg, "softphone", "ab", 1)
	if r.out != want {
		t.Errorf("message out:\n%q\nwant:\n%q", r.out, want)
	}
	if _, err := sip.ParseString(r.out); err != nil {
		t.Errorf("output does not parse: %v", err)
	}
}

func TestSubstURI(t *testing.T) {
	tests := []struct {
		name, stmt string
		rc         int
		ruri       string
	}{
		{"doc subst_uri: rewrites the Request-URI", `subst_uri("/^sip:([a-z]+)@biloxi/sip:\1@atlanta/");`, 1, "sip:bob@atlanta.example.com"},
		{"doc subst_uri: no match is false", `subst_uri("/^tel:/sip:/");`, -1, "sip:bob@biloxi.example.com"},
		{"subst_uri: a result that is not a URI is refused", `subst_uri("/^sip:/bad uri /");`, -1, "sip:bob@biloxi.example.com"},
		{"doc subst_user: rewrites the user", `subst_user("/^bob$/+4412345/");`, 1, "sip:+4412345@biloxi.example.com"},
		{"doc subst_user: empty result removes the user", `subst_user("/.*//");`, 1, "sip:biloxi.example.com"},
		{"doc subst_user: \\u is the Request-URI", `subst_user("/bob/x/"); subst_uri("/^.*$/\u;lr/");`, 1, "sip:x@biloxi.example.com;lr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := coretest.RunScript(t, load+"route {\n"+tt.stmt+"\n$var(rc) = $rc;\n}\n", invite(""))
			if rc, _ := r.Ctx.Vars.Get("rc").AsInt(); rc != tt.rc {
				t.Errorf("rc %d, want %d", rc, tt.rc)
			}
			if got := r.Msg.NewRequestURI(); got != tt.ruri {
				t.Errorf("R-URI %q, want %q", got, tt.ruri)
			}
			if _, err := sip.ParseString(r.Out()); err != nil {
				t.Errorf("output does not parse: %v", err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, stmt, want string }{
		{"subst without separators", `subst("/abc");`, "no separator"},
		{"subst unknown flag", `subst("/a/b/x");`, "unknown flag"},
		{"subst bad regex", `subst("/a(/b/");`, "bad regular expression"},
		{"subst pseudo-variable in replacement", `subst("/a/$ru/");`, "pseudo-variables in the replacement"},
		{"subst from a variable", `subst($var(x));`, "must be a constant"},
		{"subst too short", `subst("/a");`, "too short"},
		{"replace bad regex", `replace("a(", "b");`, "bad regular expression"},
		{"subst_uri not in local_route", "", "local_route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := load + "route {\n" + tt.stmt + "\n}\n"
			if tt.stmt == "" {
				cfg = load + "route {\nexit;\n}\nlocal_route {\nsubst_uri(\"/a/b/\");\n}\n"
			}
			if got := coretest.CompileErrors(t, cfg); !strings.Contains(got, tt.want) {
				t.Errorf("errors %q, want one containing %q", got, tt.want)
			}
		})
	}
}
