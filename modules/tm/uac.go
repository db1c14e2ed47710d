package tm

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/sip"
)

// LocalRequest and LocalResult are core's: other modules send local
// requests through core.LocalRequests without importing tm.
type (
	LocalRequest = core.LocalRequest
	LocalResult  = core.LocalResult
)

// Errors of SendLocal.
var (
	ErrNoServer = core.ErrNoServer
	ErrDropped  = core.ErrLocalRequestDropped
)

// defaultLocalCSeq is OpenSIPS's DEFAULT_CSEQ.
const defaultLocalCSeq = 10

// origin gives the sender and local_route of the running server.
var origin = core.LocalOrigin

// SendLocal sends r statefully as a UAC (RFC 3261 §17.1): tm's Via and
// branch, retransmissions on UDP, fr_timeout (fr_inv_timeout once an
// INVITE rang), the ACK of a non-2xx final reply (§17.1.1.3) and, as
// OpenSIPS does for its local INVITEs, the ACK of a 2xx (§13.2.2.4).
// local_route runs first (not for ACK or CANCEL, which SendLocal
// refuses): it may add headers, change $ru, $du or the socket, and drop
// the request, which then is not sent (ErrDropped). done, when not nil,
// gets the final reply; it runs with the transaction locked and must
// not block.
func SendLocal(r *LocalRequest, done func(LocalResult)) (*Transaction, error) {
	m, err := buildLocalRequest(r)
	if err != nil {
		return nil, err
	}
	o, ok := origin()
	if !ok {
		return nil, ErrNoServer
	}
	ctx := o.Ctx
	avps := ctx.AVPs
	ctx.Reset(m, engine.LocalRoute)
	ctx.AVPs = avps
	ctx.DstURI, ctx.Socket = r.NextHop, r.Socket
	if r.Context != "" {
		ctx.AVPs.Add("uac_ctx", engine.Str(r.Context))
	}
	log := ctx.Log
	if log == nil {
		log = slog.Default()
	}
	tx := &Transaction{
		id:           txIDs.Add(1),
		method:       m.Method(),
		request:      m,
		sender:       ctx.Sender,
		modules:      ctx.Modules,
		log:          log,
		avps:         ctx.AVPs,
		frTimeout:    time.Duration(config.frTimeout.Load()) * time.Second,
		frInvTimeout: time.Duration(config.frInvTimeout.Load()) * time.Second,
		local:        true,
		replicated:   true, // no UAC upstream: replies stop here, a 2xx is ACKed by tm
		localDone:    done,
	}
	tx.initTimers()
	tx.key = "local\x00" + strconv.FormatUint(tx.id, 10)
	tx.mu.Lock()
	defer tx.mu.Unlock()
	servers.insert(tx.key, tx)
	count(&Stats.Inuse, 1)
	if o.LocalRoute != nil {
		ctx.SetState(stateKey{}, &txState{tx: tx, locked: true})
		o.LocalRoute.Run(ctx)
		if ctx.Dropped {
			tx.abandonLocked()
			return nil, ErrDropped
		}
		tx.flags = ctx.Flags
	}
	b := &branch{tx: tx, id: sip.NewBranch(), uri: m.NewRequestURI()}
	b.initTimers()
	branches.insert(b.id, b)
	sent, err := tx.sender.SendBranch(ctx, "", b.id)
	if err != nil {
		branches.remove(b.id, b)
		tx.abandonLocked()
		return nil, fmt.Errorf("tm: send %s to %s: %w", r.Method, core.NextHop(ctx, ""), err)
	}
	b.sent, b.dst = sent, sent.URI
	tx.send = ctx.Send
	tx.branches = append(tx.branches, b)
	b.startedLocked()
	count(&Stats.UAC, 1)
	arm(&tx.lifeTimer, tx.lifetime())
	return tx, nil
}

// abandonLocked removes a local transaction whose request never left.
func (tx *Transaction) abandonLocked() {
	tx.state = serverTerminated
	tx.destroyed = true
	servers.remove(tx.key, tx)
	count(&Stats.Inuse, -1)
}

// finishLocalLocked ends a local transaction with its final reply: there
// is no server side to keep, so only the branches' timers (absorbing
// retransmitted replies) remain.
func (tx *Transaction) finishLocalLocked(code int, reason string, reply *sip.Msg) {
	if reason == "" {
		if reply != nil {
			reason = reply.Reason()
		} else {
			reason = sip.ReasonPhrase(code)
		}
	}
	stopTimer(&tx.endTimer)
	stopTimer(&tx.lifeTimer)
	tx.state = serverTerminated
	if tx.localDone != nil {
		if reply != nil {
			// The receiver's message goes back to its pool when the
			// reply has been handled; the caller may keep this one.
			reply = reply.Clone()
		}
		tx.localDone(LocalResult{Code: code, Reason: reason, Reply: reply})
		tx.localDone = nil
	}
	tx.checkDoneLocked()
}

// localReplyLocked is a final reply tm makes for its own request (487
// when cancelled before any reply, 500 at the end of its life): it
// ends the transaction, and the branches still waiting.
func (tx *Transaction) localReplyLocked(code int, reason string) int {
	if code < 200 {
		return -1
	}
	tx.sendUpstreamLocked(nil, code, true, nil, reason)
	for _, b := range tx.branches {
		b.cancelLocked()
	}
	return 1
}

// buildLocalRequest writes r as tm sends it, without the Via the core
// puts on top when it leaves.
func buildLocalRequest(r *LocalRequest) (*sip.Msg, error) {
	if !isToken(r.Method) {
		return nil, fmt.Errorf("tm: bad method %q", r.Method)
	}
	switch strings.ToUpper(r.Method) {
	case "ACK", "CANCEL":
		return nil, fmt.Errorf("not supported: a local %s (tm sends them for its own INVITEs; use t_uac_cancel)", r.Method)
	}
	if _, err := sip.ParseURI(r.RURI); err != nil {
		return nil, fmt.Errorf("tm: bad Request-URI %q: %w", r.RURI, err)
	}
	if r.NextHop != "" {
		if _, err := sip.ParseURI(r.NextHop); err != nil {
			return nil, fmt.Errorf("tm: bad next hop %q: %w", r.NextHop, err)
		}
	}
	if strings.ContainsAny(r.From+r.To+r.CallID, "\r\n") {
		return nil, errors.New("tm: a line break in From, To or Call-ID")
	}
	headers := r.Headers
	if headers != "" {
		if _, err := headerLines(headers); err != nil {
			return nil, fmt.Errorf("tm: bad headers: %w", err)
		}
	}
	req := sip.Request{Method: r.Method, RequestURI: r.RURI, MaxForwards: 70, From: r.From, To: r.To,
		CallID: r.CallID, CSeq: r.CSeq, Body: r.Body}
	if req.CallID == "" {
		req.CallID = newTag() + newTag() + "@switchboard"
	}
	if req.CSeq == 0 {
		req.CSeq = defaultLocalCSeq
	}
	if hasHeader(headers, sip.HdrMaxForwards) {
		req.MaxForwards = -1
	}
	m, err := parseLocal(&req, headers)
	if err != nil {
		return nil, err
	}
	from, err := m.From()
	if err != nil {
		return nil, fmt.Errorf("tm: bad From: %w", err)
	}
	if _, err := m.To(); err != nil {
		return nil, fmt.Errorf("tm: bad To: %w", err)
	}
	if from.Tag() == "" {
		req.From += ";tag=" + newTag()
		if m, err = parseLocal(&req, headers); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func parseLocal(req *sip.Request, headers string) (*sip.Msg, error) {
	data := withHeaders(sip.AppendRequest(nil, req), headers)
	m, err := sip.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("tm: the request does not parse: %w", err)
	}
	return m, nil
}

// hasHeader reports whether header lines carry a header of type t.
func hasHeader(lines string, t sip.HeaderType) bool {
	for _, line := range strings.Split(lines, "\r\n") {
		if name, _, ok := strings.Cut(line, ":"); ok && sip.LookupHeader(strings.TrimSpace(name)) == t {
			return true
		}
	}
	return false
}

// isToken reports whether s is an RFC 3261 token (a method name).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-.!%*_+`'~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
