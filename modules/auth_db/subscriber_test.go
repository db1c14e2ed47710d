package auth_db

import (
	"context"
	"errors"
	"testing"

	"switchboard/db"
)

// TestHashes: the hash columns hold H(user:domain:password) per column
// (OpenSIPS 3.6 auth_db docs, calculate_ha1: "password_column:
// MD5(username:realm:password)", SHA-256 and SHA-512-256 likewise);
// values from Python's hashlib.
func TestHashes(t *testing.T) {
	got := Hashes("alice", "example.com", "secret")
	want := db.Row{
		"ha1":            "b1726872c344b6dc8365b774f8fd6412",
		"ha1_sha256":     "ed8925b20f9a77b8f8f8d5f8e4467fe32b866f7208ab9e4b20595e9821a0fdee",
		"ha1_sha512t256": "9e413627514b03d0753229d450617d94a9b2a2a635222e49bad90404c29e97ad",
	}
	for col, v := range want {
		if got[col] != v {
			t.Errorf("%s = %v, want %v", col, got[col], v)
		}
	}
}

// TestProvisioning: add, passwd, rm and list write the subscriber rows
// as opensips-cli's user module does (password column "" unless plain
// text is asked for; a duplicate add and a missing user are errors).
func TestProvisioning(t *testing.T) {
	ctx := context.Background()
	_, conn := newDB(t) // alice (plain) and bob
	row := func(user string) db.Row {
		t.Helper()
		rows, err := conn.Query(ctx, SubscriberTable, nil, userWhere(user, "example.com"), "", 1)
		if err != nil || len(rows) != 1 {
			t.Fatalf("row of %s: %v, %v", user, rows, err)
		}
		return rows[0]
	}
	steps := []struct {
		name    string
		do      func() error
		wantErr error // matched with errors.Is
		anyErr  bool  // some error, of no particular kind
		check   func(t *testing.T)
	}{
		{"added with hashes and plain password", func() error { return nil }, nil, false, func(t *testing.T) {
			r := row("alice")
			if r["password"] != "secret" || r["ha1"] != Hashes("alice", "example.com", "secret")["ha1"] {
				t.Errorf("alice: %v", r)
			}
			if r := row("bob"); r["password"] != "" || r["ha1_sha512t256"] != Hashes("bob", "example.com", "hunter2")["ha1_sha512t256"] {
				t.Errorf("bob: %v", r)
			}
		}},
		{"duplicate add", func() error { return AddUser(ctx, conn, "alice", "example.com", "x", false) }, ErrUserExists, false, nil},
		{"passwd", func() error { return SetPassword(ctx, conn, "bob", "example.com", "new", false) }, nil, false, func(t *testing.T) {
			r, want := row("bob"), Hashes("bob", "example.com", "new")
			for col, v := range want {
				if r[col] != v {
					t.Errorf("%s = %v, want %v", col, r[col], v)
				}
			}
		}},
		{"passwd of a missing user", func() error { return SetPassword(ctx, conn, "carol", "example.com", "x", false) }, ErrNoUser, false, nil},
		{"plain password too long", func() error { return SetPassword(ctx, conn, "bob", "example.com", "12345678901234567890123456", true) }, nil, true, nil},
		{"rm", func() error { return DeleteUser(ctx, conn, "bob", "example.com") }, nil, false, func(t *testing.T) {
			users, err := ListUsers(ctx, conn, "")
			if err != nil || len(users) != 1 || users[0] != (User{"alice", "example.com", true}) {
				t.Errorf("users %v, %v", users, err)
			}
		}},
		{"rm of a missing user", func() error { return DeleteUser(ctx, conn, "bob", "example.com") }, ErrNoUser, false, nil},
		{"list of another domain", func() error { return nil }, nil, false, func(t *testing.T) {
			if users, err := ListUsers(ctx, conn, "example.org"); err != nil || len(users) != 0 {
				t.Errorf("users %v, %v", users, err)
			}
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			err := s.do()
			switch {
			case s.anyErr:
				if err == nil {
					t.Error("no error")
				}
			case !errors.Is(err, s.wantErr):
				t.Errorf("error %v, want %v", err, s.wantErr)
			}
			if s.check != nil {
				s.check(t)
			}
		})
	}
}

// TestSplitUser: the CLI takes user@domain, as opensips-cli does.
func TestSplitUser(t *testing.T) {
	for _, tc := range []struct {
		in         string
		user, dom  string
		wantErrors bool
	}{
		{"alice@example.com", "alice", "example.com", false},
		{"alice", "", "", true},
		{"@example.com", "", "", true},
		{"a@b@c", "", "", true},
	} {
		u, d, err := SplitUser(tc.in)
		if u != tc.user || d != tc.dom || (err != nil) != tc.wantErrors {
			t.Errorf("%q: %q %q %v", tc.in, u, d, err)
		}
	}
}
