// Package cachedb is the key-value cache API behind OpenSIPS's cache_*
// script functions and the modules' cachedb_url parameters: string values,
// integer counters and a time to live per key. Drivers (local, redis...)
// register by URL scheme; a script names a connection by its storage id,
// "local" or "local:group", the way OpenSIPS's cachedb_url does.
package cachedb

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Engine is one cache connection. Every method is safe for concurrent use.
type Engine interface {
	// Get returns the value of key; ok is false when it is missing or
	// expired.
	Get(key string) (val string, ok bool, err error)
	// Set stores val under key; ttl <= 0 means no expiry.
	Set(key, val string, ttl time.Duration) error
	// Remove deletes key; a missing key is not an error.
	Remove(key string) error
	// Add adds delta to the counter key and returns the new value. A
	// missing key is created holding delta. ttl > 0 (re)arms the expiry;
	// ttl <= 0 leaves it as it was.
	Add(key string, delta int, ttl time.Duration) (int, error)
	// Sub is Add with -delta.
	Sub(key string, delta int, ttl time.Duration) (int, error)
	// GetCounter returns the counter key; ok is false when it is missing.
	GetCounter(key string) (n int, ok bool, err error)
}

// ErrNotCounter is returned when a counter operation meets a value that is
// not a decimal integer.
var ErrNotCounter = errors.New("cachedb: value is not a counter")

// OpenFunc opens a connection for a URL of the driver's scheme.
type OpenFunc func(url string) (Engine, error)

var (
	mu      sync.RWMutex
	drivers = map[string]OpenFunc{}
	// conns are the connections by storage id ("local", "redis:cluster1").
	conns = map[string]Engine{}
)

// Register makes a driver available under scheme. A second driver for the
// same scheme is a bug in the binary and panics.
func Register(scheme string, open OpenFunc) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := drivers[scheme]; dup {
		panic(fmt.Sprintf("cachedb: driver %q registered twice", scheme))
	}
	drivers[scheme] = open
}

// Schemes returns the registered driver schemes, sorted.
func Schemes() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(drivers))
	for s := range drivers {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// ParseID splits a cachedb URL into its scheme and storage id: the id is
// what precedes "://", "local:group1" for "local:group1:///coll", "local"
// for "local://".
func ParseID(url string) (scheme, id string, err error) {
	end := strings.Index(url, "://")
	if end <= 0 {
		return "", "", fmt.Errorf("cachedb: bad url %q: no scheme", url)
	}
	id = url[:end]
	scheme, _, _ = strings.Cut(id, ":")
	if scheme == "" {
		return "", "", fmt.Errorf("cachedb: bad url %q: empty scheme", url)
	}
	return scheme, id, nil
}

// Open opens a connection for url with the driver of its scheme, without
// naming it.
func Open(url string) (Engine, error) {
	scheme, _, err := ParseID(url)
	if err != nil {
		return nil, err
	}
	mu.RLock()
	open := drivers[scheme]
	mu.RUnlock()
	if open == nil {
		return nil, fmt.Errorf("cachedb: no driver for scheme %q (url %q)", scheme, url)
	}
	return open(url)
}

// Connect opens url and names the connection by its storage id, as a
// module's cachedb_url parameter does; the script then reaches it with
// cache_*("id", ...). Connecting the same id twice is an error.
func Connect(url string) (Engine, error) {
	_, id, err := ParseID(url)
	if err != nil {
		return nil, err
	}
	e, err := Open(url)
	if err != nil {
		return nil, err
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := conns[id]; dup {
		return nil, fmt.Errorf("cachedb: storage id %q already connected", id)
	}
	conns[id] = e
	return e, nil
}

// Lookup returns the connection named id. The bare "local" id always
// exists (the default collection), so cache_store("local", ...) works
// without any cachedb_url, like OpenSIPS with cachedb_local loaded.
func Lookup(id string) (Engine, bool) {
	mu.RLock()
	e, ok := conns[id]
	mu.RUnlock()
	if ok {
		return e, true
	}
	if id != LocalScheme {
		return nil, false
	}
	mu.Lock()
	defer mu.Unlock()
	if e, ok := conns[id]; ok {
		return e, true
	}
	e = localCollection(DefaultCollection)
	conns[id] = e
	return e, true
}

// Disconnect forgets the connection named id (tests, reload).
func Disconnect(id string) {
	mu.Lock()
	delete(conns, id)
	mu.Unlock()
}
