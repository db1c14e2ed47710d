package engine

import (
	"fmt"
	"testing"
)

// At most MaxFlags names per kind; the one after is a load-time error.
func TestFlagLimit(t *testing.T) {
	tbl := &FlagTable{kind: "test flag", bits: map[string]uint64{}}
	for i := range MaxFlags {
		if _, err := tbl.Bit(fmt.Sprint("F", i)); err != nil {
			t.Fatalf("flag %d: %v", i, err)
		}
	}
	if _, err := tbl.Bit("ONE_TOO_MANY"); err == nil {
		t.Fatal("flag beyond the limit accepted")
	}
	if b, err := tbl.Bit("F63"); err != nil || b != 1<<63 {
		t.Fatalf("existing flag after the limit: %x %v", b, err)
	}
	if got := tbl.List(1 | 1<<2); got != "F0 F2" {
		t.Fatalf("List: %q", got)
	}
}
