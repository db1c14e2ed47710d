package registrar

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"switchboard/core/coretest"
	"switchboard/engine"
	"switchboard/sip"
)

// BenchmarkSave is one REGISTER through save("location") (usrloc in
// memory), the 200 OK built and handed to the sender: the registrar's and
// usrloc's share of a registration, without parsing or the network. The
// AORs cycle over 1000 users with two Call-IDs each, taken in turn, so
// after the first round every save replaces a binding registered under
// the other Call-ID, as in bench/load's register workload.
func BenchmarkSave(b *testing.B) {
	e := newEnv(b, "", `"location"`, `"location"`)
	const users = 1000
	msgs := make([]*sip.Msg, 2*users)
	for i := range msgs {
		text := reg{user: fmt.Sprintf("user%d", i%users), callID: fmt.Sprintf("call-%d", i), expires: "3600",
			contacts: []string{fmt.Sprintf("<sip:user%d@192.0.2.10:5060>", i%users)},
			extra:    []string{"User-Agent: Yealink SIP-T46S 66.86.0.15"}}.String()
		m, err := sip.ParseString(strings.ReplaceAll(text, "\n", "\r\n"))
		if err != nil {
			b.Fatal(err)
		}
		msgs[i] = m
	}
	sent := &coretest.Recorder{}
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Sender: sent,
		Log: slog.New(slog.DiscardHandler)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		ctx.Reset(msgs[i%len(msgs)], engine.RequestRoute)
		ctx.Received = coretest.Source
		sent.Replies = sent.Replies[:0]
		e.l.Program.Main.Run(ctx)
		if rc, _ := ctx.Vars.Get("rc").AsInt(); rc != 1 || len(sent.Replies) != 1 {
			b.Fatalf("save returned %d with %d replies", rc, len(sent.Replies))
		}
		if i == len(msgs) && !strings.Contains(string(sent.Replies[0]), "Contact: <sip:user0@192.0.2.10:5060>;expires=") {
			b.Fatalf("200 OK of a re-registration: %s", sent.Replies[0])
		}
	}
}
