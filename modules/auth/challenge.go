package auth

import (
	"fmt"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// qopOption is the qop argument of a challenge: the set the nonce
// records and the text the header carries, in the script's order.
type qopOption struct {
	set  qopSet
	text string
}

// parseQOP reads "auth", "auth-int" or both, comma-separated (OpenSIPS
// fixup_qop); "" offers no qop.
func parseQOP(s string) (qopOption, error) {
	var q qopOption
	var names []string
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		var bit qopSet
		switch part {
		case "":
			continue
		case "auth":
			bit = qopAuth
		case "auth-int":
			bit = qopAuthInt
		default:
			return qopOption{}, fmt.Errorf("unknown qop %q: want auth, auth-int or both", part)
		}
		if q.set&bit == 0 {
			q.set |= bit
			names = append(names, part)
		}
	}
	q.text = strings.Join(names, ",")
	return q, nil
}

// algorithmSet is the algorithms argument of a challenge; explicit is
// false when the script gave none, and then the single MD5 challenge has
// no algorithm parameter, for clients older than RFC 8760.
type algorithmSet struct {
	mask     uint8 // bit a set for Algorithm a
	explicit bool
}

// parseAlgorithms reads a comma-separated list of algorithm names
// (OpenSIPS dauth_fixup_algorithms); "" means MD5 alone.
func parseAlgorithms(s string) (algorithmSet, error) {
	var set algorithmSet
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, ok := ParseAlgorithm(part)
		if !ok {
			return algorithmSet{}, fmt.Errorf("unknown digest algorithm %q: want one of %s", part, strings.Join(algorithmNames[:], ", "))
		}
		set.mask |= 1 << a
		set.explicit = true
	}
	if set.mask == 0 {
		set.mask = 1 << MD5
	}
	return set, nil
}

// Challenge sends the 401 (WWW) or 407 (Proxy) challenge for realm (""
// as in Authorize) with one header per algorithm, strongest first (RFC
// 8760 §2.4), all sharing one nonce index. qop and algorithms are as the
// script writes them. Like OpenSIPS's www_challenge it returns 0 once
// the reply is sent, which ends the script, and -1 on failure.
func Challenge(ctx *engine.Context, realm string, kind Kind, qop, algorithms string) int {
	q, err := parseQOP(qop)
	if err != nil {
		return -1
	}
	algs, err := parseAlgorithms(algorithms)
	if err != nil {
		return -1
	}
	return module.challenge(ctx, realm, kind, q, algs)
}

func (a *authModule) challenge(ctx *engine.Context, realm string, kind Kind, q qopOption, algs algorithmSet) int {
	m := ctx.Msg
	if m == nil || !m.IsRequest() || m.Method() == sip.MethodAck {
		return -1
	}
	if realm == "" {
		var ok bool
		if realm, ok = a.realmOf(m, kind); !ok {
			return replyError(ctx, 400, "Bad Request")
		}
	}
	// RFC 8760 algorithms and -sess ones need a qop (RFC 7616 §3.3
	// dropped the RFC 2069 form): offer auth when the script gave none.
	if algs.mask&^(1<<MD5) != 0 && q.set == 0 {
		q = qopOption{set: qopAuth, text: "auth"}
	}
	name := "WWW-Authenticate"
	code, reason := 401, "Unauthorized"
	if kind == Proxy {
		name, code, reason = "Proxy-Authenticate", 407, "Proxy Authentication Required"
	}
	stale := stateOf(ctx).stale
	index := a.nonces.reserve()
	headers := make([]sip.Field, 0, algorithmCount)
	for alg := algorithmCount - 1; ; alg-- {
		if algs.mask&(1<<alg) != 0 {
			c := sip.Challenge{Realm: realm, Nonce: a.nonces.issue(index, alg, q.set), QOP: q.text, Stale: stale}
			if algs.explicit {
				c.Algorithm = alg.String()
			}
			headers = append(headers, sip.Field{Name: name, Value: string(sip.AppendChallenge(nil, &c))})
		}
		if alg == 0 {
			break
		}
	}
	if sendReply(ctx, code, reason, headers) < 0 {
		return -1
	}
	return 0
}
