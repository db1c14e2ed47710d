package resolver

import (
	"context"
	"fmt"
	"strings"
)

// DefaultENUMSuffix is the ENUM tree of RFC 6116; OpenSIPS's enum_query
// uses it when the script gives no suffix.
const DefaultENUMSuffix = "e164.arpa."

// ENUM maps an E.164 number ("+441234567", visual separators allowed) to
// a SIP URI, like OpenSIPS's enum_query: NAPTR records of the reversed
// digits under suffix, the "E2U+sip" ones with the "u" flag in order, and
// the first whose regexp matches the number gives the URI. Non-terminal
// records (empty flags) are not followed.
func (r *Resolver) ENUM(ctx context.Context, number, suffix string) (string, error) {
	aus, name, err := enumName(number, suffix)
	if err != nil {
		return "", err
	}
	records, err := r.lookupNAPTR(ctx, name)
	if err != nil {
		return "", fmt.Errorf("enum %s: %w", number, err)
	}
	for _, n := range records {
		if !strings.EqualFold(n.flags, "u") || !isE2USIP(n.service) {
			continue
		}
		x, err := parseNAPTRRegexp(n.regexp)
		if err != nil {
			continue // one broken record must not hide the others
		}
		uri, ok, err := x.apply(aus)
		if err == nil && ok {
			return uri, nil
		}
	}
	return "", fmt.Errorf("enum %s: %w", number, ErrNotFound)
}

// enumName returns the application unique string ("+" and the digits) and
// the domain to ask: the digits reversed, dot-separated, under suffix.
func enumName(number, suffix string) (aus, name string, err error) {
	if !strings.HasPrefix(number, "+") {
		return "", "", fmt.Errorf("enum %s: %w: not an E.164 number", number, ErrNotFound)
	}
	var digits []byte
	for i := 1; i < len(number); i++ {
		switch c := number[i]; {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == '-' || c == '.' || c == '(' || c == ')' || c == ' ':
		default:
			return "", "", fmt.Errorf("enum %s: %w: not an E.164 number", number, ErrNotFound)
		}
	}
	if len(digits) == 0 || len(digits) > 15 {
		return "", "", fmt.Errorf("enum %s: %w: not an E.164 number", number, ErrNotFound)
	}
	if suffix == "" {
		suffix = DefaultENUMSuffix
	}
	var b strings.Builder
	for i := len(digits) - 1; i >= 0; i-- {
		b.WriteByte(digits[i])
		b.WriteByte('.')
	}
	b.WriteString(strings.TrimPrefix(suffix, "."))
	return "+" + string(digits), b.String(), nil
}

// isE2USIP accepts RFC 3761's "E2U+sip" and the older RFC 2916
// "sip+E2U" that some zones still carry.
func isE2USIP(service string) bool {
	return strings.EqualFold(service, "E2U+sip") || strings.EqualFold(service, "sip+E2U")
}
