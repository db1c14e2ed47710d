package sipmsgops

import (
	"log/slog"
	"strings"
	"testing"

	"switchboard/core/coretest"
	"switchboard/engine"
	"switchboard/script/ast"
	"switchboard/sip"
)

const load = "loadmodule \"sipmsgops.so\"\n"

const invite = "INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0\r\n" +
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
	"Max-Forwards: 70\r\n" +
	"To: Bob <sip:bob@biloxi.example.com>\r\n" +
	"f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
	"CSeq: 314159 INVITE\r\n" +
	"Supported: timer, 100rel\r\n" +
	"X-Billing-Account: 42\r\n" +
	"X-Billing-Price: 7\r\n" +
	"Privacy: id;header\r\n" +
	"Content-Length: 0\r\n\r\n"

const reply = "SIP/2.0 603 Decline\r\n" +
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
	"To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n" +
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
	"CSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n"

func run(t *testing.T, stmts, msg string) *coretest.Result {
	t.Helper()
	return coretest.RunScript(t, load+"route {\n"+stmts+"\n$var(rc) = $rc;\n}\n", msg)
}

func rc(r *coretest.Result) int {
	n, _ := r.Ctx.Vars.Get("rc").AsInt()
	return n
}

func TestChecks(t *testing.T) {
	tests := []struct {
		name, stmt string
		want       int
	}{
		{"doc is_method: known method", `is_method("INVITE");`, 1},
		{"doc is_method: list", `is_method("BYE|INVITE|ACK");`, 1},
		{"doc is_method: list without the method", `is_method("BYE|CANCEL");`, -1},
		{"doc is_method: unknown method compared by name", `is_method("FOO");`, -1},
		{"doc has_totag: no tag on To", `has_totag();`, -1},
		{"doc is_present_hf: compact form matches long name", `is_present_hf("From");`, 1},
		{"doc is_present_hf: other header without case", `is_present_hf("x-billing-price");`, 1},
		{"doc is_present_hf: absent", `is_present_hf("User-Agent");`, -1},
		{"doc has_body: no body", `has_body();`, -1},
		{"doc is_privacy: listed value", `is_privacy("header");`, 1},
		{"doc is_privacy: unlisted value", `is_privacy("user");`, -1},
		{"doc ruri_has_param: with value", `ruri_has_param("transport", "udp");`, 1},
		{"doc ruri_has_param: without value needs none", `ruri_has_param("transport");`, -1},
		{"doc is_uri_user_e164: yes", `is_uri_user_e164("sip:+4412345678@example.com");`, 1},
		{"doc is_uri_user_e164: no plus", `is_uri_user_e164("sip:4412345678@example.com");`, -1},
		{"doc list_hdr_has_option: listed", `list_hdr_has_option("Supported", "100REL");`, 1},
		{"doc list_hdr_has_option: not listed", `list_hdr_has_option("Supported", "path");`, -1},
		{"doc sipmsg_validate: valid INVITE", `sipmsg_validate("hrft");`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rc(run(t, tt.stmt, invite)); got != tt.want {
				t.Errorf("rc %d, want %d", got, tt.want)
			}
		})
	}
}

func TestHeaderEdits(t *testing.T) {
	tests := []struct {
		name, stmts string
		want        int
		out         string
	}{
		{"doc append_hf: after the last header", `append_hf("P-hint: VOICEMAIL\r\n");`, 1,
			strings.Replace(invite, "Content-Length: 0\r\n", "Content-Length: 0\r\nP-hint: VOICEMAIL\r\n", 1)},
		{"doc append_hf: after the anchor header", `append_hf("P-hint: a\r\n", "Call-ID"); append_hf("P-hint: b\r\n", "Call-ID");`, 1,
			strings.Replace(invite, "CSeq:", "P-hint: a\r\nP-hint: b\r\nCSeq:", 1)},
		{"doc insert_hf: before the first header", `insert_hf("P-hint: VOICEMAIL\r\n");`, 1,
			strings.Replace(invite, "Via:", "P-hint: VOICEMAIL\r\nVia:", 1)},
		{"doc insert_hf: before the anchor (compact From)", `insert_hf("P-hint: x\r\n", "From");`, 1,
			strings.Replace(invite, "f: Alice", "P-hint: x\r\nf: Alice", 1)},
		{"doc append_urihf: received R-URI between prefix and suffix", `append_urihf("CC-Diversion: ", "\r\n");`, 1,
			strings.Replace(invite, "Content-Length: 0\r\n", "Content-Length: 0\r\nCC-Diversion: sip:bob@biloxi.example.com;transport=udp\r\n", 1)},
		{"doc remove_hf: all instances, true", `remove_hf("Privacy");`, 1,
			strings.Replace(invite, "Privacy: id;header\r\n", "", 1)},
		{"doc remove_hf: none found is false", `remove_hf("User-Agent");`, -1, invite},
		{"doc remove_hf_re", `remove_hf_re("^X-Billing-[a-z]+$");`, 1,
			strings.Replace(invite, "X-Billing-Account: 42\r\nX-Billing-Price: 7\r\n", "", 1)},
		{"doc remove_hf_glob", `remove_hf_glob("x-billing*");`, 1,
			strings.Replace(invite, "X-Billing-Account: 42\r\nX-Billing-Price: 7\r\n", "", 1)},
		{"doc list_hdr_add_option: twice, in order", `list_hdr_add_option("Supported", "path"); list_hdr_add_option("Supported", "gruu");`, 1,
			strings.Replace(invite, "timer, 100rel", "timer, 100rel, path, gruu", 1)},
		{"doc list_hdr_remove_option: last option", `list_hdr_remove_option("Supported", "100rel");`, 1,
			strings.Replace(invite, "timer, 100rel", "timer", 1)},
		{"doc list_hdr_remove_option: both options remove the header", `list_hdr_remove_option("Supported", "timer"); list_hdr_remove_option("Supported", "100rel");`, 1,
			strings.Replace(invite, "Supported: timer, 100rel\r\n", "Supported: \r\n", 1)},
		{"doc ruri_add_param", `ruri_add_param("nat=yes");`, 1,
			strings.Replace(invite, "transport=udp SIP", "transport=udp;nat=yes SIP", 1)},
		{"doc ruri_del_param", `ruri_del_param("transport");`, 1,
			strings.Replace(invite, ";transport=udp SIP", " SIP", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.stmts, invite)
			if rc(r) != tt.want {
				t.Errorf("rc %d, want %d", rc(r), tt.want)
			}
			if r.Out() != tt.out {
				t.Errorf("message out:\n%q\nwant:\n%q", r.Out(), tt.out)
			}
			if _, err := sip.ParseString(r.Out()); err != nil {
				t.Errorf("output does not parse: %v", err)
			}
		})
	}
}

func TestTel2SIP(t *testing.T) {
	msg := strings.Replace(invite, "sip:bob@biloxi.example.com;transport=udp", "tel:+4412345", 1)
	r := run(t, `ruri_tel2sip();`, msg)
	if got := r.Msg.NewRequestURI(); rc(r) != 1 || got != "sip:+4412345@atlanta.example.com;user=phone" {
		t.Errorf("rc %d R-URI %q", rc(r), got)
	}
}

func TestGlobHeadersValues(t *testing.T) {
	r := run(t, `get_glob_headers_values("X-*", $avp(names), $avp(vals));`, invite)
	if rc(r) != 1 || r.Ctx.AVPs.Count("names") != 2 || r.Ctx.AVPs.Get("vals", -1).Str != "42" {
		t.Errorf("rc %d names %v vals %v", rc(r), r.Ctx.AVPs.All("names"), r.Ctx.AVPs.All("vals"))
	}
}

func TestValidateFailures(t *testing.T) {
	tests := []struct {
		name, msg string
		want      int
	}{
		{"doc -3 no Call-ID", strings.Replace(invite, "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n", "", 1), -3},
		{"doc -13 no Max-Forwards", strings.Replace(invite, "Max-Forwards: 70\r\n", "", 1), -13},
		{"doc -15 Path in non-REGISTER", strings.Replace(invite, "CSeq:", "Path: <sip:p.example.com;lr>\r\nCSeq:", 1), -15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, `sipmsg_validate("", $var(reason));`, tt.msg)
			if rc(r) != tt.want || r.Ctx.Vars.Get("reason").Str == "" {
				t.Errorf("rc %d want %d, reason %q", rc(r), tt.want, r.Ctx.Vars.Get("reason").Str)
			}
		})
	}
}

// change_reply_status runs in onreply_route on a reply.
func TestChangeReplyStatus(t *testing.T) {
	tests := []struct {
		name, stmt string
		want       int
		out        string
	}{
		{"doc: 603 becomes 404 Not Found", `change_reply_status(404, "Not Found");`, 1,
			strings.Replace(reply, "603 Decline", "404 Not Found", 1)},
		{"doc: a final reply cannot become 2xx", `change_reply_status(200, "OK");`, -1, reply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := coretest.Compile(t, load+"route {\nexit;\n}\nonreply_route {\n"+tt.stmt+"\n$var(rc) = $rc;\n}\n")
			m, err := sip.ParseString(reply)
			if err != nil {
				t.Fatal(err)
			}
			ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Log: slog.New(slog.DiscardHandler)}
			ctx.Reset(m, engine.OnReplyRoute)
			l.Program.Routes[ast.OnReplyRoute][""].Run(ctx)
			if got, _ := ctx.Vars.Get("rc").AsInt(); got != tt.want {
				t.Errorf("rc %d, want %d", got, tt.want)
			}
			if out := string(m.Bytes()); out != tt.out {
				t.Errorf("out:\n%q\nwant:\n%q", out, tt.out)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, stmt, want string }{
		{"is_method unknown method in a list", `is_method("INVITE|FOO");`, "may hold only known methods"},
		{"is_privacy bad value", `is_privacy("secret");`, "invalid privacy value"},
		{"has_body bad mime", `has_body("sdp");`, "invalid MIME type"},
		{"remove_hf bad name", `remove_hf("X Y");`, "invalid header name"},
		{"remove_hf_glob bad pattern", `remove_hf_glob("X-[");`, "bad glob pattern"},
		{"change_reply_status outside onreply_route", `change_reply_status(404, "x");`, "request_route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := coretest.CompileErrors(t, load+"route {\n"+tt.stmt+"\n}\n"); !strings.Contains(got, tt.want) {
				t.Errorf("errors %q, want one containing %q", got, tt.want)
			}
		})
	}
}
