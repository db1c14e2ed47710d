package db

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Opener opens a connection for a URL of its scheme.
type Opener func(url string, cfg Config) (Conn, error)

var (
	driversMu sync.RWMutex
	drivers   = map[string]Opener{}
)

// Register makes a driver available for URLs "scheme://...". Drivers call
// it from init(); a duplicate scheme panics, as it is a bug in the binary.
func Register(scheme string, open Opener) {
	driversMu.Lock()
	defer driversMu.Unlock()
	if _, dup := drivers[scheme]; dup {
		panic("db: driver registered twice for scheme " + scheme)
	}
	drivers[scheme] = open
}

// Schemes lists the registered URL schemes, sorted.
func Schemes() []string {
	driversMu.RLock()
	defer driversMu.RUnlock()
	out := make([]string, 0, len(drivers))
	for s := range drivers {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Open opens url with the default Config.
func Open(url string) (Conn, error) { return OpenConfig(url, Config{}) }

// OpenConfig opens url ("sqlite:///var/lib/switchboard.db",
// "postgres://user:pass@host:5432/opensips", "mysql://user:pass@host/db",
// "text:///var/dbtext") with the driver registered for its scheme.
func OpenConfig(url string, cfg Config) (Conn, error) {
	scheme, _, ok := strings.Cut(url, "://")
	if !ok {
		return nil, Wrap("open", "", fmt.Errorf("%q is not a database URL (scheme://...)", Redact(url)))
	}
	driversMu.RLock()
	open := drivers[scheme]
	driversMu.RUnlock()
	if open == nil {
		return nil, Wrap("open", "", fmt.Errorf("no driver for %q (compiled in: %s); is the db_%s module loaded?",
			scheme, strings.Join(Schemes(), ", "), scheme))
	}
	c, err := open(url, cfg)
	if err != nil {
		return nil, Wrap("open", "", fmt.Errorf("%s: %w", Redact(url), err))
	}
	return c, nil
}

// Redact hides the password of a URL so it can go into logs and errors.
func Redact(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return url
	}
	userinfo := rest[:at]
	if user, _, hasPass := strings.Cut(userinfo, ":"); hasPass {
		return scheme + "://" + user + ":xxx@" + rest[at+1:]
	}
	return url
}
