package db_text

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/db"
	"switchboard/db/dbtest"
)

func TestConformance(t *testing.T) {
	dbtest.Suite(t, func(t *testing.T) string { return "text://" + t.TempDir() })
}

// TestOpenSIPSFiles: files as OpenSIPS writes them load, and a change
// written back keeps the format.
func TestOpenSIPSFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"version":    "table_name(str) table_version(int)\nsubscriber:8\n",
		"subscriber": "id(int,auto) username(str) domain(str) password(str) ha1(str,null)\n1:nick:a.org:0.34:a\\tgood\\: friend\n2:cole:a.org:x:\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := db.Open("text://" + dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if v, err := conn.TableVersion(ctx, "subscriber"); err != nil || v != 8 {
		t.Errorf("TableVersion = %d, %v", v, err)
	}
	rows, err := conn.Query(ctx, "subscriber", nil, nil, "id", 0)
	if err != nil || len(rows) != 2 || rows[0]["ha1"] != "a\tgood: friend" || rows[1]["ha1"] != nil {
		t.Fatalf("rows = %v, %v", rows, err)
	}
	if err := conn.Insert(ctx, "subscriber", db.Row{"username": "x:y", "domain": "a.org", "password": "p\n"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "subscriber"))
	if !strings.HasSuffix(string(data), "\n3:x\\:y:a.org:p\\n:\n") {
		t.Errorf("file after insert:\n%s", data)
	}
}

func TestParseHeader(t *testing.T) {
	cases := []struct {
		name, line string
		bad        bool
	}{
		{"plain", "id(int,auto) name(str) q(double,null)", false},
		{"all_types", "a(int) b(long) c(double) d(str) e(string) f(blob) g(time)", false},
		{"no_type", "a()", true},
		{"bad_type", "a(float)", true},
		{"bad_flag", "a(int,unique)", true},
		{"auto_on_str", "a(str,auto)", true},
		{"bad_name", "a;b(int)", true},
		{"empty", "   ", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cols, err := parseHeader(tc.line)
			if (err != nil) != tc.bad {
				t.Fatalf("parseHeader(%q) = %v, %v", tc.line, cols, err)
			}
			if err == nil {
				again, err := parseHeader(formatHeader(cols))
				if err != nil || len(again) != len(cols) {
					t.Errorf("header round trip: %v %v", again, err)
				}
			}
		})
	}
}
