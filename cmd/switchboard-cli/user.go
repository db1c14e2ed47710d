package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"switchboard/db"
	"switchboard/modules/auth_db"
)

// userTimeout bounds each statement of the user commands: they are one
// row each, but may wait for a lock held by a running server.
const userTimeout = 10 * time.Second

// plainFlag is opensips-cli's plain_text_passwords setting, as a flag:
// store the password in clear too (needed by auth_db's calculate_ha1).
const plainFlag = "--plain-text-password"

// userCommands are "user add|rm|passwd|list", which write the subscriber
// table as opensips-cli's user module does: the ha1, ha1_sha256 and
// ha1_sha512t256 columns computed with the domain as realm, and the
// password column left empty unless --plain-text-password is given.
var userCommands = map[string]*command{
	"add": {usage: "[" + plainFlag + "] URL user@domain password",
		help: "add a subscriber with its HA1 hashes (and the password in clear with " + plainFlag + ")", run: userAdd},
	"passwd": {usage: "[" + plainFlag + "] URL user@domain password",
		help: "change a subscriber's password: every hash column, and the password column", run: userPasswd},
	"rm":   {usage: "URL user@domain", help: "remove a subscriber", run: userRm},
	"list": {usage: "URL [domain]", help: "list the subscribers (of one domain)", run: userList},
}

// userArgs reads [--plain-text-password] URL user@domain [password...]
// and opens the database; want is the number of arguments after URL.
func userArgs(args []string, want int, flagAllowed bool) (conn db.Conn, rest []string, plain bool, err error) {
	if flagAllowed && len(args) > 0 && args[0] == plainFlag {
		plain, args = true, args[1:]
	}
	if len(args) == 0 {
		return nil, nil, false, usageError("missing the database URL (e.g. sqlite:///var/lib/switchboard/switchboard.db)")
	}
	if len(args)-1 != want {
		return nil, nil, false, usageError(fmt.Sprintf("want %d argument(s) after the URL, got %d", want, len(args)-1))
	}
	conn, err = db.OpenConfig(args[0], db.Config{Timeout: userTimeout})
	return conn, args[1:], plain, err
}

func userAdd(args []string, out io.Writer) error {
	return setPassword(args, out, "added", auth_db.AddUser)
}

func userPasswd(args []string, out io.Writer) error {
	return setPassword(args, out, "changed the password of", auth_db.SetPassword)
}

func setPassword(args []string, out io.Writer, done string,
	write func(context.Context, db.Conn, string, string, string, bool) error) error {
	conn, rest, plain, err := userArgs(args, 2, true)
	if err != nil {
		return err
	}
	defer conn.Close()
	user, domain, err := auth_db.SplitUser(rest[0])
	if err != nil {
		return err
	}
	if err := write(context.Background(), conn, user, domain, rest[1], plain); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s %s@%s\n", done, user, domain)
	return nil
}

func userRm(args []string, out io.Writer) error {
	conn, rest, _, err := userArgs(args, 1, false)
	if err != nil {
		return err
	}
	defer conn.Close()
	user, domain, err := auth_db.SplitUser(rest[0])
	if err != nil {
		return err
	}
	if err := auth_db.DeleteUser(context.Background(), conn, user, domain); err != nil {
		return err
	}
	fmt.Fprintf(out, "removed %s@%s\n", user, domain)
	return nil
}

func userList(args []string, out io.Writer) error {
	want := 0
	if len(args) > 1 {
		want = 1
	}
	conn, rest, _, err := userArgs(args, want, false)
	if err != nil {
		return err
	}
	defer conn.Close()
	domain := ""
	if len(rest) == 1 {
		domain = rest[0]
	}
	users, err := auth_db.ListUsers(context.Background(), conn, domain)
	if err != nil {
		return err
	}
	if opts.json {
		type user struct {
			Username      string `json:"username"`
			Domain        string `json:"domain"`
			PlainPassword bool   `json:"plain_text_password"`
		}
		list := []user{}
		for _, u := range users {
			list = append(list, user{u.Username, u.Domain, u.PlainPassword})
		}
		return writeJSON(out, list)
	}
	for _, u := range users {
		note := ""
		if u.PlainPassword {
			note = " (plain-text password stored)"
		}
		fmt.Fprintf(out, "%s@%s%s\n", u.Username, u.Domain, note)
	}
	return nil
}
