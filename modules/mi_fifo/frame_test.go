package mi_fifo

import (
	"errors"
	"testing"
)

func TestCutFrame(t *testing.T) {
	cases := []struct {
		name       string
		in         string
		final      bool
		reply      string
		body, rest string
		err        error
	}{
		{"opensips-cli request", `:r1:{"jsonrpc":"2.0","method":"ps","id":"1"}`, false, "r1", `{"jsonrpc":"2.0","method":"ps","id":"1"}`, "", nil},
		{"two back to back", `:a:{"x":1}:b:{}`, false, "a", `{"x":1}`, ":b:{}", nil},
		{"no reply name", `::{}`, false, "", `{}`, "", nil},
		{"leading newline", "\n:a:{}", false, "a", `{}`, "", nil},
		{"incomplete body", `:a:{"x":`, false, "", "", "", errIncomplete},
		{"incomplete body final", `:a:{"x":`, true, "a", `{"x":`, "", nil},
		{"incomplete name", `:abc`, false, "", "", "", errIncomplete},
		{"syntax error takes the rest", `:a:{]:b:{}`, false, "a", `{]:b:{}`, "", nil},
		{"no colon", `{"x":1}`, false, "", "", "", errFraming},
		{"dot in name", `:../x:{}`, false, "", "", "", errReplyName},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, rest, err := cutFrame([]byte(c.in), c.final)
			if !errors.Is(err, c.err) {
				t.Fatalf("err %v, want %v", err, c.err)
			}
			if err != nil {
				return
			}
			if f.reply != c.reply || string(f.body) != c.body || string(rest) != c.rest {
				t.Errorf("got reply %q body %q rest %q", f.reply, f.body, rest)
			}
		})
	}
}
