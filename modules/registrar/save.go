package registrar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"switchboard/engine"
	"switchboard/modules/usrloc"
	"switchboard/sip"
)

// rejection is a REGISTER refused with a reply (OpenSIPS's rerrno).
type rejection struct {
	code    int
	reason  string
	headers []sip.Field
}

func (r *rejection) Error() string { return fmt.Sprintf("%d %s", r.code, r.reason) }

func reject(code int, reason string) *rejection { return &rejection{code: code, reason: reason} }

// binding is one Contact of the REGISTER, checked and with its expiry
// worked out (RFC 3261 §10.3 step 7).
type binding struct {
	na      sip.NameAddr
	expires int64 // seconds; 0 removes
	q       int
}

func runSave(ctx *engine.Context, a []engine.Arg) int {
	flags, ok := a[1].Fixed.(saveFlags)
	if !ok {
		var err error
		if flags, err = parseSaveFlags(a[1].Str); err != nil {
			logError(ctx, "save", err)
			return -1
		}
	}
	return save(ctx, a[0].Fixed.(string), flags, a[2].Str)
}

// save is RFC 3261 §10.3 steps 4-8 (steps 1-3, domain, Require and
// authentication, are the script's job): it updates the AOR's bindings
// and answers with all of them, or refuses the whole REGISTER.
func save(ctx *engine.Context, table string, flags saveFlags, aorArg string) int {
	cfg := config()
	u, err := usrloc.Load()
	var d *usrloc.Domain
	if err == nil {
		d, err = u.Domain(table)
	}
	if err != nil {
		logError(ctx, "save", err)
		return finish(ctx, flags, reject(500, "Server Internal Error"), nil, nil)
	}
	req, rej := parseRegister(ctx, cfg, flags, aorArg, u.UseDomain())
	if rej != nil {
		return finish(ctx, flags, rej, nil, nil)
	}
	current, err := d.Update(req.aor, func(now time.Time, cur []usrloc.Contact) ([]usrloc.Contact, error) {
		return req.apply(ctx, cfg, flags, now, cur)
	})
	var r *rejection
	switch {
	case errors.As(err, &r):
	case err != nil:
		// A database failure in write-through mode: nothing was
		// changed, and the UA will retry.
		logError(ctx, "save", err)
		r = reject(500, "Server Internal Error")
	}
	return finish(ctx, flags, r, current, req)
}

// register is what save() reads from the REGISTER before it touches the
// table, so that a malformed request changes nothing.
type register struct {
	aor      string
	star     bool
	bindings []binding
	callID   string
	cseq     uint32
	path     string
	echoPath bool
	received string
	socket   string
	ua       string
	methods  uint32
}

func parseRegister(ctx *engine.Context, cfg *settings, flags saveFlags, aorArg string, useDomain bool) (*register, *rejection) {
	m := ctx.Msg
	req := &register{}
	aorURI := aorArg
	if aorURI == "" {
		to, err := m.To()
		if err != nil {
			return nil, reject(400, "Bad To header")
		}
		aorURI = to.URI.Raw
	}
	var err error
	if req.aor, err = aorOf(aorURI, useDomain, cfg); err != nil {
		return nil, reject(400, "Bad AOR")
	}
	callID, err1 := m.CallID()
	cseq, err2 := m.CSeq()
	if err1 != nil || err2 != nil {
		return nil, reject(400, "Bad Call-ID or CSeq")
	}
	req.callID, req.cseq = callID, cseq.Seq
	contacts, err := m.Contacts()
	if err != nil {
		return nil, reject(400, "Invalid Contact header")
	}
	hdrExpires, hasHdr, err := m.Expires()
	if err != nil {
		hasHdr = false // RFC 4475 scalar02: an unusable Expires is the default
	}
	if contacts.Star {
		// Step 6: "*" only with Expires: 0, and alone (Contacts checks that).
		if !hasHdr || hdrExpires != 0 {
			return nil, reject(400, "Invalid * Contact: Expires must be 0")
		}
		req.star = true
		return req, nil
	}
	minExp, maxExp := pick(flags.minExpires, cfg.minExpires), pick(flags.maxExpires, cfg.maxExpires)
	for _, na := range contacts.List {
		b := binding{na: na, q: cfg.defaultQ}
		exp, has, err := na.Expires()
		switch {
		case err != nil:
			return nil, reject(400, "Invalid expires param in Contact")
		case has:
			b.expires = int64(exp)
		case hasHdr:
			b.expires = int64(hdrExpires)
		default:
			b.expires = int64(cfg.defaultExpires)
		}
		if b.expires > 0 && b.expires < int64(minExp) {
			r := reject(423, "Interval Too Brief")
			r.headers = []sip.Field{{Name: "Min-Expires", Value: strconv.Itoa(minExp)}}
			return nil, r
		}
		if maxExp > 0 && b.expires > int64(maxExp) {
			b.expires = int64(maxExp)
		}
		if _, present := na.Params.Get("q"); present {
			q, ok := na.Q()
			if !ok {
				return nil, reject(400, "Invalid q param in Contact")
			}
			b.q = q
		}
		req.bindings = append(req.bindings, b)
	}
	if rej := req.readPath(m, flags); rej != nil {
		return nil, rej
	}
	req.received, req.socket = receivedOf(ctx, cfg, req, flags)
	req.ua = m.Value(sip.HdrUserAgent)
	req.methods = usrloc.MethodMask(allowOf(m))
	return req, nil
}

// readPath applies the path flags (RFC 3327 §5.3).
func (req *register) readPath(m *sip.Msg, flags saveFlags) *rejection {
	if flags.path == pathIgnore || m.Count(sip.HdrPath) == 0 {
		return nil
	}
	var values []string
	for _, h := range m.Headers() {
		if h.Type == sip.HdrPath {
			values = append(values, h.Value)
		}
	}
	supported := supportsPath(m)
	if flags.path == pathStrict && !supported {
		return reject(420, "Path support not indicated")
	}
	req.path = strings.Join(values, ",")
	req.echoPath = flags.path != pathOff && supported
	return nil
}

func supportsPath(m *sip.Msg) bool {
	for _, h := range m.Headers() {
		if h.Type != sip.HdrSupported {
			continue
		}
		for tok := range strings.SplitSeq(h.Value, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "path") {
				return true
			}
		}
	}
	return false
}

func allowOf(m *sip.Msg) string {
	var values []string
	for _, h := range m.Headers() {
		if h.Type == sip.HdrAllow {
			values = append(values, h.Value)
		}
	}
	return strings.Join(values, ",")
}

// receivedOf returns where the contact is really reachable (received_avp,
// set by nathelper's fix_nated_register, or the first Path's received
// parameter with path-received) and the socket it registered through.
func receivedOf(ctx *engine.Context, cfg *settings, req *register, flags saveFlags) (received, socket string) {
	if cfg.receivedAVP != nil {
		if v := cfg.receivedAVP.Get(ctx); !v.IsNull() {
			received = v.String()
		}
	}
	if flags.pathReceived && req.path != "" {
		if u, err := sip.ParseURI(firstPathURI(req.path)); err == nil {
			if r, ok := u.Params.Get("received"); ok {
				if unescaped, err := sip.Unescape(r); err == nil {
					received = unescaped
				}
			}
		}
	}
	socket = ctx.Received.Socket
	if flags.socketHeader {
		if h, ok := ctx.Msg.HeaderNamed(cfg.sockHdrName); ok {
			socket = h.Value
		}
	}
	return received, socket
}

func pick(flag, param int) int {
	if flag >= 0 {
		return flag
	}
	return param
}
