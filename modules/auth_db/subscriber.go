package auth_db

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"switchboard/db"
	"switchboard/modules/auth"
)

// Subscriber provisioning, for switchboard-cli's "user" commands and for
// tests: rows of the OpenSIPS 3.6 subscriber table with every hash
// column filled, as opensips-cli's "user add" writes them.

// SubscriberTable is the table the provisioning functions write.
const SubscriberTable = "subscriber"

// maxPlainPassword is the width of subscriber.password (CHAR(25)):
// MySQL and PostgreSQL would refuse or cut a longer one.
const maxPlainPassword = 25

// Hashes are the HA1 values of a password for the subscriber table's
// hash columns; the realm is the user's domain, as opensips-cli
// computes them and as www_authorize("", ...) checks them.
func Hashes(user, domain, password string) db.Row {
	return db.Row{
		"ha1":            auth.HA1(auth.MD5, user, domain, password),
		"ha1_sha256":     auth.HA1(auth.SHA256, user, domain, password),
		"ha1_sha512t256": auth.HA1(auth.SHA512256, user, domain, password),
	}
}

// ErrUserExists and ErrNoUser are returned (wrapped) by AddUser, and by
// DeleteUser and SetPassword.
var (
	ErrUserExists = errors.New("user exists already")
	ErrNoUser     = errors.New("no such user")
)

// SplitUser reads "user@domain"; both parts are required.
func SplitUser(address string) (user, domain string, err error) {
	user, domain, ok := strings.Cut(address, "@")
	if !ok || user == "" || domain == "" || strings.Contains(domain, "@") {
		return "", "", fmt.Errorf("%q is not user@domain", address)
	}
	return user, domain, nil
}

// passwordRow is the columns a password sets: the three hashes, and the
// password itself only when plain is set (opensips-cli's
// plain_text_passwords, off by default: then the column is "").
func passwordRow(user, domain, password string, plain bool) (db.Row, error) {
	row := Hashes(user, domain, password)
	row["password"] = ""
	if plain {
		if len(password) > maxPlainPassword {
			return nil, fmt.Errorf("a plain-text password is at most %d characters (subscriber.password is CHAR(%d))", maxPlainPassword, maxPlainPassword)
		}
		row["password"] = password
	}
	return row, nil
}

// AddUser inserts user@domain with its hashes (and, with plain, the
// password in clear, which calculate_ha1 needs). It refuses a user that
// exists, like opensips-cli.
func AddUser(ctx context.Context, conn db.Conn, user, domain, password string, plain bool) error {
	row, err := passwordRow(user, domain, password, plain)
	if err != nil {
		return err
	}
	if err := checkSubscriberVersion(ctx, conn); err != nil {
		return err
	}
	found, err := userExists(ctx, conn, user, domain)
	if err != nil {
		return err
	}
	if found {
		return fmt.Errorf("%s@%s: %w", user, domain, ErrUserExists)
	}
	row["username"], row["domain"] = user, domain
	return conn.Insert(ctx, SubscriberTable, row)
}

// SetPassword replaces the password of user@domain: every hash column
// (opensips-cli's "user password" leaves the SHA ones stale) and the
// password column.
func SetPassword(ctx context.Context, conn db.Conn, user, domain, password string, plain bool) error {
	row, err := passwordRow(user, domain, password, plain)
	if err != nil {
		return err
	}
	if err := checkSubscriberVersion(ctx, conn); err != nil {
		return err
	}
	n, err := conn.Update(ctx, SubscriberTable, row, userWhere(user, domain))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s@%s: %w", user, domain, ErrNoUser)
	}
	return nil
}

// DeleteUser removes user@domain.
func DeleteUser(ctx context.Context, conn db.Conn, user, domain string) error {
	n, err := conn.Delete(ctx, SubscriberTable, userWhere(user, domain))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s@%s: %w", user, domain, ErrNoUser)
	}
	return nil
}

// User is one subscriber as ListUsers reports it.
type User struct {
	Username, Domain string
	PlainPassword    bool // the password column is filled
}

// ListUsers returns the subscribers, of one domain unless domain is "",
// ordered by username.
func ListUsers(ctx context.Context, conn db.Conn, domain string) ([]User, error) {
	var where []db.Cond
	if domain != "" {
		where = []db.Cond{{Col: "domain", Val: domain}}
	}
	rows, err := conn.Query(ctx, SubscriberTable, []string{"username", "domain", "password"}, where, "username", 0)
	if err != nil {
		return nil, err
	}
	users := make([]User, len(rows))
	for i, r := range rows {
		users[i] = User{Username: db.Text(r["username"]), Domain: db.Text(r["domain"]),
			PlainPassword: db.Text(r["password"]) != ""}
	}
	return users, nil
}

func userWhere(user, domain string) []db.Cond {
	return []db.Cond{{Col: "username", Val: user}, {Col: "domain", Val: domain}}
}

func userExists(ctx context.Context, conn db.Conn, user, domain string) (bool, error) {
	rows, err := conn.Query(ctx, SubscriberTable, []string{"username"}, userWhere(user, domain), "", 1)
	return len(rows) > 0, err
}

// checkSubscriberVersion refuses to write hashes into a subscriber table
// of another layout (before 3.2 there were no SHA columns). A missing
// version row is let through, as opensips-cli does.
func checkSubscriberVersion(ctx context.Context, conn db.Conn) error {
	have, err := conn.TableVersion(ctx, SubscriberTable)
	switch {
	case errors.Is(err, db.ErrNoVersion):
		return nil
	case err != nil:
		return err
	case have != subscriberVersion:
		return fmt.Errorf("table subscriber is at version %d, switchboard writes version %d (OpenSIPS 3.2+)", have, subscriberVersion)
	}
	return nil
}
