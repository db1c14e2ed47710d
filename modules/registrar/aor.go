package registrar

import (
	"errors"
	"strings"

	"switchboard/sip"
)

var errNoUser = errors.New("no username in the AOR")

// aorOf normalises a URI into the AOR the location table is keyed by
// (RFC 3261 §10.3 step 5): user@host, without port, parameters or
// escapes, the host in lower case (hosts compare case-insensitively), the
// user too unless case_sensitive, realm_prefix stripped from the host;
// with use_domain off the AOR is the user alone.
func aorOf(uri string, useDomain bool, cfg *settings) (string, error) {
	u, err := sip.ParseURI(strings.TrimSpace(uri))
	if err != nil {
		return "", err
	}
	user := u.User
	if i := strings.IndexByte(user, ';'); i >= 0 && !strings.EqualFold(u.Scheme, "tel") {
		user = user[:i] // user parameters (RFC 4475 semiuri) are not part of the AOR
	}
	if unescaped, err := sip.Unescape(user); err == nil {
		user = unescaped
	}
	if user == "" {
		return "", errNoUser
	}
	if !cfg.caseSensitive {
		user = strings.ToLower(user)
	}
	if !useDomain {
		return user, nil
	}
	host := strings.ToLower(u.Host)
	if cfg.realmPrefix != "" {
		host = strings.TrimPrefix(host, cfg.realmPrefix)
	}
	return user + "@" + host, nil
}

// firstPathURI returns the URI of the first Path value ("<sip:p1;lr>,
// <sip:p2;lr>" gives sip:p1;lr): where lookup sends the request.
func firstPathURI(path string) string {
	start := strings.IndexByte(path, '<')
	end := strings.IndexByte(path, '>')
	if start < 0 || end < start {
		first, _, _ := strings.Cut(path, ",")
		return strings.TrimSpace(first)
	}
	return path[start+1 : end]
}
