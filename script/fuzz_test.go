package script

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input panics the lexer or parser, and that a
// script that parses prints back to text that parses to the same tree.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.cfg")
	m4s, _ := filepath.Glob("testdata/*.m4")
	// The configs go in as chunks split at blank lines: whole 20 KB files
	// make the engine spend minutes minimising every new input.
	for _, name := range append(files, m4s...) {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, chunk := range bytes.Split(src, []byte("\n\n\n")) {
			if len(bytes.TrimSpace(chunk)) > 0 {
				f.Add(chunk)
			}
		}
	}
	for _, tc := range parseCases {
		f.Add([]byte(tc.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz.cfg", src)
		if s == nil {
			t.Fatal("nil script")
		}
		if err != nil {
			return
		}
		out := s.String()
		again, err := Parse("printed.cfg", []byte(out))
		if err != nil {
			t.Fatalf("printed script does not parse: %v\ninput:\n%q\nprinted:\n%s", err, src, out)
		}
		if !sameTree(s, again) {
			t.Fatalf("round trip changed the tree\ninput:\n%q\nprinted:\n%s\nprinted again:\n%s", src, out, again.String())
		}
	})
}
