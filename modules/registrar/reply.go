package registrar

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/modules/usrloc"
	"switchboard/sip"
)

// finish answers the REGISTER and counts it: the rejection, or 200 OK
// with every binding the AOR now has (RFC 3261 §10.3 step 8).
func finish(ctx *engine.Context, flags saveFlags, r *rejection, current []usrloc.Contact, req *register) int {
	if r != nil {
		Stats.RejectedRegs.Add(1)
		if !flags.noReply {
			ctx.ReplyHeaders = append(ctx.ReplyHeaders, r.headers...)
			core.Reply(ctx, r.code, r.reason)
		}
		return -1
	}
	Stats.AcceptedRegs.Add(1)
	if flags.noReply {
		return 1
	}
	u, _ := usrloc.Load()
	now := u.Now()
	if len(current) > 0 {
		var stack [256]byte
		b := stack[:0]
		for i, c := range current {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(append(append(b, '<'), c.URI...), ">;expires="...)
			b = strconv.AppendInt(b, c.ExpiresIn(now), 10)
			if c.Q != usrloc.QUnspecified {
				b = append(append(b, ";q="...), formatQ(c.Q)...)
			}
			if c.Instance != "" {
				b = append(append(append(b, ";+sip.instance=\""...), c.Instance...), '"')
			}
			if c.RegID != "" {
				b = append(append(b, ";reg-id="...), c.RegID...)
			}
		}
		ctx.ReplyHeaders = append(ctx.ReplyHeaders, sip.Field{Name: "Contact", Value: string(b)})
	}
	if req != nil && req.echoPath {
		ctx.ReplyHeaders = append(ctx.ReplyHeaders, sip.Field{Name: "Path", Value: req.path})
	}
	// RFC 3261 §10.3 step 8: a Date header, so UAs can set their clocks.
	ctx.ReplyHeaders = append(ctx.ReplyHeaders, sip.Field{Name: "Date", Value: httpDate(now)})
	if core.Reply(ctx, 200, "OK") < 0 {
		return -1
	}
	return 1
}

// dateCache is the Date value of the last second a 200 OK was sent in:
// formatting the time for every REGISTER was 2% of a registration's
// time at high rates.
var dateCache atomic.Pointer[cachedDate]

type cachedDate struct {
	unix  int64
	value string
}

// httpDate formats now as an HTTP date (RFC 3261 §20.17: rfc1123-date in
// GMT).
func httpDate(now time.Time) string {
	sec := now.Unix()
	if d := dateCache.Load(); d != nil && d.unix == sec {
		return d.value
	}
	d := &cachedDate{unix: sec, value: now.UTC().Format(http.TimeFormat)}
	dateCache.Store(d)
	return d.value
}

// formatQ writes a q in thousandths as a qvalue: 1000 is "1", 500 "0.5".
func formatQ(q int) string {
	if q >= 1000 {
		return "1"
	}
	s := strings.TrimRight(strconv.Itoa(1000 + q)[1:], "0")
	if s == "" {
		return "0"
	}
	return "0." + s
}

func itoa(n int) string { return strconv.Itoa(n) }

// logError reports an internal failure once, with the module attribute
// (STYLE 9: the script goes on with the false branch).
func logError(ctx *engine.Context, fn string, err error) {
	log := ctx.Log
	if log == nil {
		log = slog.Default()
	}
	log.Error(fn+": "+err.Error(), "module", "registrar")
}
