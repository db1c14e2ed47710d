package registrar

import (
	"fmt"
	"strconv"
	"strings"
)

// pathMode is how save() treats Path headers (RFC 3327).
type pathMode uint8

const (
	pathIgnore pathMode = iota // no path flag: Path is not stored
	pathOff                    // stored, not returned in the 200 OK
	pathLazy                   // stored, returned when the UA supports path
	pathStrict                 // as lazy, but 420 when the UA does not
)

// saveFlags are save()'s flags, OpenSIPS 3.x names, comma separated:
// "memory-only,max-contacts=2,path-lazy".
type saveFlags struct {
	memoryOnly, noReply, socketHeader, force, pathReceived bool
	path                                                   pathMode
	minExpires, maxExpires, maxContacts                    int // -1: the module parameter
}

func parseSaveFlags(s string) (saveFlags, error) {
	f := saveFlags{minExpires: -1, maxExpires: -1, maxContacts: -1}
	for _, item := range splitFlags(s) {
		name, value, hasValue := strings.Cut(item, "=")
		number := func() (int, error) {
			n, err := strconv.Atoi(value)
			if !hasValue || err != nil || n < 0 {
				return 0, fmt.Errorf("save flag %s needs a number: %s=N", name, name)
			}
			return n, nil
		}
		var err error
		switch name {
		case "memory-only":
			f.memoryOnly = true
		case "no-reply":
			f.noReply = true
		case "socket-header":
			f.socketHeader = true
		case "force-registration":
			f.force = true
		case "path-off":
			f.path = pathOff
		case "path-lazy":
			f.path = pathLazy
		case "path-strict":
			f.path = pathStrict
		case "path-received":
			f.pathReceived = true
		case "min-expires":
			f.minExpires, err = number()
		case "max-expires":
			f.maxExpires, err = number()
		case "max-contacts":
			f.maxContacts, err = number()
		default:
			return f, fmt.Errorf("not supported: save flag %q (module registrar)", item)
		}
		if err != nil {
			return f, err
		}
	}
	return f, nil
}

// lookupFlags are lookup()'s flags.
type lookupFlags struct {
	noBranches, branchesOnly, methodFiltering bool
}

func parseLookupFlags(s string) (lookupFlags, error) {
	var f lookupFlags
	for _, item := range splitFlags(s) {
		switch item {
		case "no-branches":
			f.noBranches = true
		case "to-branches-only":
			f.branchesOnly = true
		case "method-filtering":
			f.methodFiltering = true
		default:
			return f, fmt.Errorf("not supported: lookup flag %q (module registrar)", item)
		}
	}
	return f, nil
}

func splitFlags(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
