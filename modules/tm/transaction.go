package tm

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/internal/timewheel"
	"switchboard/sip"
	"switchboard/transport"
)

// serverState is the state of the server transaction (RFC 3261 §17.2 and
// RFC 6026's Accepted).
type serverState uint8

const (
	serverProceeding serverState = iota // no final reply yet (Trying folds in here)
	serverCompleted                     // non-2xx final sent, waiting for the ACK (INVITE) or Timer J
	serverConfirmed                     // INVITE: ACK received, Timer I running
	serverAccepted                      // INVITE: 2xx sent, absorbing retransmissions (RFC 6026 Timer L)
	serverTerminated
)

// Transaction is a server transaction and the client transactions
// (branches) it forwards to: OpenSIPS's struct cell. Everything in it is
// guarded by mu; see LOCKING.md.
type Transaction struct {
	mu sync.Mutex

	id     uint64
	key    string
	method sip.Method
	// request is tm's own copy of the request, as the script had edited
	// it when t_relay ran: the branches are built from it and failure
	// routes run on it, while the worker that received it moves on. It
	// is nil once an answered INVITE has let go of it (shedLocked); only
	// replyDst, where retransmitted 2xx go, is left then.
	request     *sip.Msg
	replyDst    *engine.Sent
	received    engine.Received
	sender      engine.Sender
	modules     []*engine.Module
	moduleState engine.ModuleState // the script's module state at t_relay
	log         *slog.Logger
	flags       uint64
	avps        *engine.AVPs
	// send is how the script asked the request to be sent and answered
	// (force_rport, set_advertised_address...), as at t_relay.
	send engine.SendOptions

	onFailure, onReply, onBranch engine.Route
	frTimeout, frInvTimeout      time.Duration

	state     serverState
	reliable  bool // the request came on a stream: no reply retransmissions
	toTag     string
	lastReply []byte
	lastCode  int
	lastLocal bool
	// replyTimer is Timer G; endTimer is H, I, J or L, whichever the state
	// runs.
	replyTimer, endTimer timewheel.Timer
	replyInterval        time.Duration
	// lifeTimer bounds the life of a transaction the script left without
	// a final reply and without branches (t_newtran then exit).
	lifeTimer timewheel.Timer

	branches  []*branch
	cancelled bool
	// callbacks are other modules' registrations (core.TMCallbacks).
	callbacks []callback
	// inFailureRoute is set while failure_route runs, so t_relay there
	// adds branches instead of starting a transaction.
	inFailureRoute bool
	// replicated is set by t_replicate: the replies of the branches are
	// not relayed to the UAC (OpenSIPS's T_IS_LOCAL_FLAG); replies the
	// script sends (t_reply) still go.
	replicated bool
	// extraHeaders are t_add_hdrs's header lines, added to every request
	// tm sends for the transaction: branches, CANCELs and ACKs.
	extraHeaders string
	// cancelReason is the Reason header line t_add_cancel_reason gave the
	// CANCEL that cancels this transaction, for the CANCELs tm sends.
	cancelReason string
	destroyed    bool
	// local is set for a request tm originated (uac.go): there is no
	// server side, and the outcome goes to localDone.
	local     bool
	localDone func(LocalResult)
}

var txIDs atomic.Uint64

// newTransaction makes the server transaction of the request in ctx. It
// is not in the table yet.
func newTransaction(ctx *engine.Context, key string) *Transaction {
	tx := &Transaction{
		id:           txIDs.Add(1),
		key:          key,
		method:       ctx.Msg.Method(),
		request:      cloneRequest(ctx.Msg),
		received:     ctx.Received,
		sender:       ctx.Sender,
		modules:      ctx.Modules,
		log:          ctx.Log,
		flags:        ctx.Flags,
		send:         ctx.Send,
		toTag:        newTag(),
		frTimeout:    time.Duration(config.frTimeout.Load()) * time.Second,
		frInvTimeout: time.Duration(config.frInvTimeout.Load()) * time.Second,
	}
	if ctx.AVPs != nil {
		tx.avps = ctx.AVPs.Clone()
	} else {
		tx.avps = engine.NewAVPs()
	}
	tx.initTimers()
	tx.reliable = ctx.Received.Proto != "" && ctx.Received.Proto != "udp"
	if tx.log == nil {
		tx.log = slog.Default()
	}
	return tx
}

// cloneRequest copies m with its edits (lumps, new Request-URI and body),
// so that tm owns a message no worker touches: the core reuses m once the
// script is done with it.
func cloneRequest(m *sip.Msg) *sip.Msg { return m.Clone() }

// initTimers binds the timers embedded in the transaction to their
// handlers; every Transaction needs it before a timer is armed.
func (tx *Transaction) initTimers() {
	tx.replyTimer.Init(tx.retransmitReply)
	tx.endTimer.Init(tx.terminateServer)
	tx.lifeTimer.Init(tx.endOfLife)
}

// initTimers does the same for a branch's timers.
func (b *branch) initTimers() {
	b.retransTimer.Init(b.retransmit)
	b.timeoutTimer.Init(b.expire)
	b.endTimer.Init(b.terminate)
}

func newTag() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// context makes a Context for a route tm runs on its own (failure_route,
// onreply_route, branch_route), carrying the transaction's flags and AVPs.
func (tx *Transaction) context(route engine.RouteType, m *sip.Msg, received engine.Received) *engine.Context {
	// AVPs are set after Reset, which would empty them.
	ctx := &engine.Context{Vars: engine.NewVars(), Sender: tx.sender, Log: tx.log}
	ctx.Reset(m, route)
	ctx.AVPs = tx.avps
	ctx.Flags = tx.flags
	ctx.Modules = tx.modules
	ctx.SetModuleState(tx.moduleState)
	ctx.Received = received
	ctx.Send = tx.send
	return ctx
}

// replyContexts hold the contexts sendReply hands the core: a Context is
// large, and the core does not keep it.
var replyContexts = sync.Pool{New: func() any { return new(engine.Context) }}

// sendReply sends data to the request's sender (RFC 3261 §18.2.2), the
// way the script asked it answered (force_rport...).
func (tx *Transaction) sendReply(data []byte) error {
	if tx.request == nil {
		return tx.sender.SendAgain(tx.replyDst, data)
	}
	ctx := tx.replyContext()
	err := tx.sender.SendReply(ctx, data)
	putReplyContext(ctx)
	return err
}

// replyContext is a pooled Context for the core to answer tx's request
// in; putReplyContext gives it back.
func (tx *Transaction) replyContext() *engine.Context {
	ctx := replyContexts.Get().(*engine.Context)
	ctx.Msg, ctx.Received, ctx.Send = tx.request, tx.received, tx.send
	return ctx
}

func putReplyContext(ctx *engine.Context) {
	*ctx = engine.Context{}
	replyContexts.Put(ctx)
}

// sendUpstreamLocked sends a reply to the request's sender and moves the
// server transaction on (RFC 3261 §17.2.1, §17.2.2, RFC 6026 §7.1).
// reply is the received reply being relayed, nil for one tm made. Nil
// data sends nothing: the outcome of a t_replicate transaction stops
// here, and only the state moves on.
func (tx *Transaction) sendUpstreamLocked(data []byte, code int, local bool, reply *sip.Msg, reason string) {
	if tx.state != serverProceeding {
		return
	}
	if data != nil {
		if err := tx.sendReply(data); err != nil {
			tx.log.Info("tm: could not send a reply", "code", code, "err", err)
		}
		if local {
			count(&Stats.LocalReplies, 1)
		} else {
			count(&Stats.RelayedReplies, 1)
		}
	}
	tx.lastReply, tx.lastCode, tx.lastLocal = data, code, local
	if data != nil {
		tx.runCallbacksLocked(core.TMResponseOut, reply, code, reason)
	}
	if code < 200 {
		return
	}
	count(&Stats.Final[code/100], 1)
	if tx.local {
		tx.finishLocalLocked(code, reason, reply)
		return
	}
	stopTimer(&tx.endTimer)
	switch {
	case tx.method == sip.MethodInvite && code < 300:
		tx.state = serverAccepted
		arm(&tx.endTimer, 64*t1()) // RFC 6026 Timer L
	case tx.method == sip.MethodInvite:
		tx.state = serverCompleted
		if !tx.reliable && data != nil {
			tx.replyInterval = t1()
			arm(&tx.replyTimer, tx.replyInterval) // Timer G
		}
		arm(&tx.endTimer, 64*t1()) // Timer H
	default:
		tx.state = serverCompleted
		tx.endAfterLocked(waitTime()) // Timer J
		tx.shedLocked()
	}
}

// shedLocked lets go of what a server transaction no longer needs once
// its final reply went upstream and no branch waits.
//
// An INVITE answered with a 2xx stays 64*T1 only to absorb retransmitted
// INVITEs and relay retransmitted 2xx (RFC 6026 Timers L and M): it needs
// neither the reply it sent (Accepted resends none) nor the requests its
// 2xx branches sent (no more retransmissions, CANCEL or ACK on them). A
// completed non-INVITE stays for Timer J only to answer retransmissions
// with its last reply. Neither needs the request itself once the core has
// said where replies go: over half of what an answered call held.
func (tx *Transaction) shedLocked() {
	if tx.pendingLocked() {
		return
	}
	switch {
	case tx.state == serverAccepted:
		tx.lastReply = nil
		for _, b := range tx.branches {
			if b.state >= clientCompleted && b.code >= 200 && b.code < 300 && b.sent != nil {
				b.sent.Data, b.sentMsg = nil, nil
			}
		}
	case tx.state == serverCompleted && tx.method != sip.MethodInvite:
	default:
		return
	}
	if tx.request != nil && !tx.local {
		ctx := tx.replyContext()
		dst, ok := tx.sender.ReplyDestination(ctx)
		putReplyContext(ctx)
		if ok {
			tx.replyDst, tx.request = dst, nil
		}
	}
}

// endAfterLocked terminates the server side after d, at once on a
// reliable transport where there are no retransmissions to absorb.
func (tx *Transaction) endAfterLocked(d time.Duration) {
	if tx.reliable {
		tx.state = serverTerminated
		tx.checkDoneLocked()
		return
	}
	stopTimer(&tx.endTimer)
	arm(&tx.endTimer, d)
}

// replyLocked sends a reply tm builds itself (t_reply, 100 Trying, 408,
// 477, 487). It returns 1, or -1 when a final reply was already sent.
func (tx *Transaction) replyLocked(code int, reason string) int {
	return tx.replyWithLocked(code, reason, nil, "")
}

// replyWithLocked is replyLocked with extra headers (append_to_reply's)
// and a body (t_reply_with_body).
func (tx *Transaction) replyWithLocked(code int, reason string, headers []sip.Field, body string) int {
	if tx.state != serverProceeding || code < 100 || code > 699 {
		return -1
	}
	if tx.local {
		return tx.localReplyLocked(code, reason)
	}
	r := sip.Reply{Code: code, Reason: reason, ToTag: tx.toTag, Headers: headers, Body: body}
	if via, err := tx.request.Via(); err == nil && tx.received.Src.IsValid() {
		r.Received, r.RPort = transport.ReplyParams(via, tx.received.Src, tx.send.ForceRPort)
		r.ForceRPort = tx.send.ForceRPort
	}
	data, err := sip.AppendReply(nil, tx.request, &r)
	if err != nil {
		return -1
	}
	tx.sendUpstreamLocked(data, code, true, nil, reason)
	if code >= 200 {
		// A final reply of our own ends the branches still waiting.
		for _, b := range tx.branches {
			b.cancelLocked()
		}
	}
	return 1
}

// retransmitLocked answers a retransmitted request with the last reply
// (RFC 3261 §17.2.1, §17.2.2); in Accepted the INVITE is absorbed (RFC
// 6026 §7.1).
func (tx *Transaction) retransmitLocked() {
	if tx.lastReply == nil || tx.state == serverAccepted || tx.state == serverTerminated {
		return
	}
	tx.sendReply(tx.lastReply)
}

// retransmitReply is Timer G: the final non-2xx reply again, the interval
// doubling up to T2, until the ACK comes (§17.2.1).
func (tx *Transaction) retransmitReply() {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.state != serverCompleted || tx.destroyed {
		return
	}
	tx.sendReply(tx.lastReply)
	count(&Stats.RetransRpl, 1)
	tx.replyInterval = min(2*tx.replyInterval, t2())
	arm(&tx.replyTimer, tx.replyInterval)
}

// ackLocked takes the ACK of a non-2xx final reply: Completed becomes
// Confirmed and Timer I absorbs its retransmissions (§17.2.1). It reports
// whether the ACK belonged here (false for the ACK of a 2xx, which is a
// transaction of its own).
func (tx *Transaction) ackLocked() bool {
	switch tx.state {
	case serverCompleted:
		if tx.method != sip.MethodInvite {
			return false
		}
		stopTimer(&tx.replyTimer)
		tx.state = serverConfirmed
		if tx.reliable {
			tx.state = serverTerminated
			tx.checkDoneLocked()
			return true
		}
		stopTimer(&tx.endTimer)
		arm(&tx.endTimer, t4) // Timer I
		return true
	case serverConfirmed:
		return true
	case serverTerminated:
		return tx.lastCode >= 300
	}
	return false
}

// terminateServer ends the server side when its last timer fires.
func (tx *Transaction) terminateServer() {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	stopTimer(&tx.replyTimer)
	tx.state = serverTerminated
	tx.checkDoneLocked()
}

// checkDoneLocked removes the transaction once its server side and every
// branch are over.
func (tx *Transaction) checkDoneLocked() {
	if tx.destroyed || tx.state != serverTerminated {
		return
	}
	for _, b := range tx.branches {
		if b.state != clientTerminated {
			return
		}
	}
	tx.destroyed = true
	stopTimer(&tx.lifeTimer)
	stopTimer(&tx.replyTimer)
	stopTimer(&tx.endTimer)
	servers.remove(tx.key, tx)
	for _, b := range tx.branches {
		b.stopTimersLocked()
		branches.remove(b.id, b)
	}
	count(&Stats.Inuse, -1)
}

// pendingLocked reports whether a branch still waits for its final reply.
func (tx *Transaction) pendingLocked() bool {
	for _, b := range tx.branches {
		if b.state < clientCompleted {
			return true
		}
	}
	return false
}

// lifetime is how long a transaction may wait for its final reply before
// endOfLife looks at it: longer than any branch can take.
func (tx *Transaction) lifetime() time.Duration {
	return max(tx.frTimeout, tx.frInvTimeout) + 64*t1()
}

// endOfLife ends a transaction nothing will finish: no final reply, no
// branch waiting. One with pending branches is looked at again later.
func (tx *Transaction) endOfLife() {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.destroyed || tx.state != serverProceeding {
		return
	}
	if tx.pendingLocked() {
		arm(&tx.lifeTimer, tx.lifetime())
		return
	}
	tx.replyLocked(500, "Server Internal Error")
	tx.state = serverTerminated
	tx.checkDoneLocked()
}
