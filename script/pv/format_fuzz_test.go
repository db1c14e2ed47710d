package pv

import (
	"testing"

	"switchboard/engine"
	"switchboard/sip"
)

// FuzzParseFormat: format strings never panic at compile or run time, and
// a format without variables is its own text with $$ unescaped.
func FuzzParseFormat(f *testing.F) {
	for _, s := range []string{"$rU@$rd", "plain", "$$", "a$(ru{uri.user}{s.len})b", "$avp(x)[1]", "$hdr(Via)", "$time(%H:%M)", "$", "$(", "$var($rU)"} {
		f.Add(s)
	}
	r := engine.NewRegistry()
	r.Register(&engine.Module{Name: "core", PVs: CorePVs()})
	p := &Parser{Registry: r}
	m, err := sip.ParseString("INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := p.ParseFormat(s)
		if err != nil {
			return
		}
		ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs()}
		ctx.Reset(m, engine.RequestRoute)
		out := fm.String(ctx)
		if text, ok := fm.Constant(); ok && text != out {
			t.Fatalf("constant %q evaluates to %q", text, out)
		}
	})
}
