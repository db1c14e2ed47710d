package pv

import (
	"strings"
	"testing"
)

// pv_parse_format: text and PVs, "$$" a literal '$', any other '$' a PV.
func TestFormat(t *testing.T) {
	p := testParser()
	ctx := newCtx(t, inviteText)
	tests := []struct {
		name, text, want string
		constant         bool
		wantErr          string
	}{
		{name: "empty", text: "", want: "", constant: true},
		{name: "literal", text: "hello", want: "hello", constant: true},
		{name: "dollar escape", text: "cost $$5", want: "cost $5", constant: true},
		{name: "pv at start and end", text: "$rU@$rd", want: "alice@example.com"},
		{name: "pv only", text: "$ci", want: "call-1@host"},
		{name: "int pv", text: "len=$ml;", want: "len=" + itoa(len(inviteText)) + ";"},
		{name: "null prints nothing", text: "[$tt]", want: "[]"},
		{name: "wrapped and indexed", text: "$(hdr(Via)[1]) | $hdr(Via)[0]", want: "SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2 | SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1"},
		{name: "trailing dot", text: "to $rd.", want: "to example.com."},
		{name: "bare dollar is an error", text: "5$ only", wantErr: "must be followed"},
		{name: "dollar at end", text: "5$", wantErr: "starts with '$'"},
		{name: "unknown pv", text: "x $foo y", wantErr: "unknown pseudo-variable $foo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := p.ParseFormat(tc.text)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.String(ctx); got != tc.want {
				t.Errorf("String = %q, want %q", got, tc.want)
			}
			if got := string(f.Append(ctx, []byte(">"))); got != ">"+tc.want {
				t.Errorf("Append = %q", got)
			}
			if s, ok := f.Constant(); ok != tc.constant || ok && s != tc.want {
				t.Errorf("Constant = %q, %v", s, ok)
			}
		})
	}
}

func itoa(n int) string {
	var b []byte
	return string(appendValue(b, intValue(n)))
}

// A format over message PVs into a reused buffer allocates nothing.
func TestFormatAppendAllocs(t *testing.T) {
	p := testParser()
	ctx := newCtx(t, inviteText)
	f, err := p.ParseFormat("$rm $ru from $fu ($fU@$fd) to $tu cid=$ci cseq=$cs len=$ml ua=$ua $hdr(Via) $(hdr(Via)[-1]) $rU@$rd:$rp $du")
	if err != nil {
		t.Fatal(err)
	}
	buf := f.Append(ctx, nil)
	allocs := testing.AllocsPerRun(100, func() {
		buf = f.Append(ctx, buf[:0])
	})
	if allocs != 0 {
		t.Errorf("Append allocates %v times per run", allocs)
	}
}

func BenchmarkFormatAppend(b *testing.B) {
	p := testParser()
	ctx := newCtx(b, inviteText)
	f, _ := p.ParseFormat("$rm $ru from $fu to $tu cid=$ci $rU@$rd")
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = f.Append(ctx, buf[:0])
	}
}
