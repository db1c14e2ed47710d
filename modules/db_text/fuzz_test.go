package db_text

import (
	"reflect"
	"testing"
)

// FuzzRow: any header and row that parse, once written, read back the
// same, and writing them again gives the same bytes. (The input bytes
// themselves need not come back: "007" and "7" are one int.)
func FuzzRow(f *testing.F) {
	f.Add("id(int,auto) name(str) flag(double) desc(str,null)", `1:nick:0.34:a\tgood\: friend`)
	f.Add("a(long) b(blob,null) c(time) d(string)", `-5:\0\\x::`)
	f.Add("a(str,null)", "")
	f.Fuzz(func(t *testing.T, header, line string) {
		cols, err := parseHeader(header)
		if err != nil {
			return
		}
		row, err := parseRow(line, cols)
		if err != nil {
			return
		}
		out := formatRow(row, cols)
		again, err := parseRow(out, cols)
		if err != nil {
			t.Fatalf("written row %q does not parse: %v", out, err)
		}
		if !reflect.DeepEqual(row, again) {
			t.Fatalf("round trip changed the row: %#v -> %q -> %#v", row, out, again)
		}
		if out2 := formatRow(again, cols); out2 != out {
			t.Fatalf("not a fixed point: %q then %q", out, out2)
		}
		hdr := formatHeader(cols)
		if cols2, err := parseHeader(hdr); err != nil || !reflect.DeepEqual(cols, cols2) {
			t.Fatalf("header round trip: %q -> %v, %v", hdr, cols2, err)
		}
	})
}
