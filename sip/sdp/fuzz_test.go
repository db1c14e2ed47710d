package sdp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that what it accepts it
// writes back unchanged, and that every edit of an accepted body is a body
// it accepts again.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.body)
	}
	for _, body := range testdataBodies(f) {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		s, err := Parse(body)
		if err != nil {
			return
		}
		if got := string(s.AppendTo(nil)); got != body {
			t.Fatalf("round trip:\n got %q\nwant %q", got, body)
		}
		edits := []func() (string, error){
			func() (string, error) { return s.SetConnection("192.0.2.99") },
			func() (string, error) { return s.SetConnection("2001:db8::99") },
		}
		for i := range s.Media {
			edits = append(edits, func() (string, error) { return s.RemoveStream(i) })
			for _, pt := range s.Media[i].Formats {
				edits = append(edits,
					func() (string, error) { return s.RemoveCodec(i, pt) },
					func() (string, error) { return s.MoveCodec(i, pt, true) },
					func() (string, error) { return s.MoveCodec(i, pt, false) },
					func() (string, error) { return s.KeepCodecs(i, []string{pt}) })
			}
		}
		for n, edit := range edits {
			out, err := edit()
			if err != nil {
				continue
			}
			if _, err := Parse(out); err != nil {
				t.Fatalf("edit %d of %q gave %q, which does not parse: %v", n, body, out, err)
			}
		}
	})
}

// testdataBodies returns the bodies after the empty line of the SIP
// messages in ../testdata that carry SDP.
func testdataBodies(tb testing.TB) map[string]string {
	tb.Helper()
	bodies := map[string]string{}
	for _, dir := range []string{"rfc4475", "rfc5118"} {
		files, err := filepath.Glob(filepath.Join("..", "testdata", dir, "*.dat"))
		if err != nil {
			tb.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				tb.Fatal(err)
			}
			_, body, ok := strings.Cut(string(data), "\r\n\r\n")
			if ok && strings.HasPrefix(body, "v=") {
				bodies[dir+"/"+filepath.Base(file)] = body
			}
		}
	}
	return bodies
}
