package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommands(t *testing.T) {
	url := "sqlite://" + filepath.Join(t.TempDir(), "cli.db")
	cases := []struct {
		name    string
		args    []string
		wantOut string
		wantErr string
	}{
		{"no_args", nil, "", "usage:"},
		{"usage keeps each help under its command", []string{"help"}, "", "switchboard-cli db tables\n      list the tables switchboard knows\n"},
		{"unknown", []string{"frob"}, "", `unknown command "frob"`},
		{"db_no_url", []string{"db", "create"}, "", "missing the database URL"},
		{"bad_scheme", []string{"db", "create", "oracle://x/y"}, "", `no driver for "oracle"`},
		{"create", []string{"db", "create", url}, "created in", ""},
		{"create_again", []string{"db", "create", url}, "", "exist already"},
		{"migrate_up_to_date", []string{"db", "migrate", url}, "up to date", ""},
		{"migrate_adds", []string{"db", "migrate", url, "grp"}, "created in " + url + ": grp", ""},
		{"unknown_table", []string{"db", "migrate", url, "nosuch"}, "", "unknown table(s) nosuch"},
		{"tables", []string{"db", "tables"}, "location             version 1013", ""},
		{"tables json", []string{"-j", "db", "tables"}, `{"table":"location","version":1013,"script":"usrloc-create.sql"}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := runCLI(tc.args, &out)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !strings.Contains(out.String(), tc.wantOut) {
				t.Fatalf("out = %q, err = %v; want %q", out.String(), err, tc.wantOut)
			}
		})
	}
}
