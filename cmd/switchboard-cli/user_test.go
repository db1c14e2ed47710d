package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/db"
	"switchboard/modules/auth_db"
)

// TestUserCommands runs "user add|passwd|rm|list" in order against one
// SQLite database, as opensips-cli's user module behaves (add refuses a
// duplicate, passwd and rm a missing user; the password column is empty
// unless plain text is asked for).
func TestUserCommands(t *testing.T) {
	url := "sqlite://" + filepath.Join(t.TempDir(), "users.db")
	var out bytes.Buffer
	if err := dispatch(commands, []string{"db", "create", url, "subscriber"}, &out, ""); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		args    []string
		wantOut string
		wantErr string
	}{
		{"add", []string{"user", "add", url, "alice@example.com", "secret"}, "added alice@example.com", ""},
		{"add plain", []string{"user", "add", plainFlag, url, "bob@example.com", "hunter2"}, "added bob@example.com", ""},
		{"add again", []string{"user", "add", url, "alice@example.com", "x"}, "", "user exists already"},
		{"add without domain", []string{"user", "add", url, "carol", "x"}, "", "is not user@domain"},
		{"add without password", []string{"user", "add", url, "carol@example.com"}, "", "want 2 argument(s)"},
		{"add without URL", []string{"user", "add"}, "", "missing the database URL"},
		{"list", []string{"user", "list", url}, "alice@example.com\nbob@example.com (plain-text password stored)\n", ""},
		{"list other domain", []string{"user", "list", url, "example.org"}, "", ""},
		{"list json", []string{"-j", "user", "list", url}, `[{"username":"alice","domain":"example.com","plain_text_password":false},{"username":"bob","domain":"example.com","plain_text_password":true}]` + "\n", ""},
		{"list json, none", []string{"--json", "user", "list", url, "example.org"}, "[]\n", ""},
		{"passwd", []string{"user", "passwd", url, "alice@example.com", "newpass"}, "changed the password of alice@example.com", ""},
		{"passwd missing user", []string{"user", "passwd", url, "carol@example.com", "x"}, "", "no such user"},
		{"rm", []string{"user", "rm", url, "bob@example.com"}, "removed bob@example.com", ""},
		{"rm again", []string{"user", "rm", url, "bob@example.com"}, "", "no such user"},
		{"list after rm", []string{"user", "list", url, "example.com"}, "alice@example.com\n", ""},
		{"unknown subcommand", []string{"user", "frob"}, "", `unknown command "user frob"`},
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
			if err != nil || !strings.Contains(out.String(), tc.wantOut) || (tc.wantOut == "" && out.Len() != 0) {
				t.Fatalf("out = %q, err = %v; want %q", out.String(), err, tc.wantOut)
			}
		})
	}

	// The row passwd left: every hash of the new password, no clear text.
	conn, err := db.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(context.Background(), "subscriber", nil, []db.Cond{{Col: "username", Val: "alice"}}, "", 0)
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %v, %v", rows, err)
	}
	for col, want := range auth_db.Hashes("alice", "example.com", "newpass") {
		if rows[0][col] != want {
			t.Errorf("%s = %v, want %v", col, rows[0][col], want)
		}
	}
	if rows[0]["password"] != "" {
		t.Errorf("password stored in clear: %v", rows[0]["password"])
	}
}
