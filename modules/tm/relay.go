package tm

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/sip"
)

// stateKey finds a message's txState among the Context's module state.
type stateKey struct{}

// txState is what tm knows about the message a route runs on: its
// transaction, and in the routes tm runs itself, the branch and reply at
// hand. Before the transaction exists it keeps what t_on_* and
// $T_fr_timeout set, for the transaction t_relay will create.
type txState struct {
	tx *Transaction
	// locked is set in the routes tm runs with tx.mu held (failure,
	// onreply and branch routes): functions there must not lock again.
	locked  bool
	newtran bool // t_newtran made the transaction (no automatic 477)

	branch *branch // branch_route, onreply_route: the branch at hand
	code   int     // onreply_route: the reply's code; failure_route: the winner's
	winner *branch // failure_route: the branch whose reply won
	// branchOnReply is t_on_reply called in branch_route: for that branch
	// only.
	branchOnReply engine.Route

	onFailure, onReply, onBranch engine.Route
	frTimeout, frInvTimeout      time.Duration
	// callbacks wait here for the transaction (core.TMCallbacks).
	callbacks []callback
	// cancelReason is t_add_cancel_reason's header, for a CANCEL's
	// t_relay.
	cancelReason string
}

// stateOf returns the message's txState, making it when needed.
func stateOf(ctx *engine.Context) *txState {
	if st, ok := ctx.State(stateKey{}).(*txState); ok {
		return st
	}
	st := &txState{}
	ctx.SetState(stateKey{}, st)
	return st
}

// peekState returns the message's txState or nil, without making one.
func peekState(ctx *engine.Context) *txState {
	st, _ := ctx.State(stateKey{}).(*txState)
	return st
}

// with runs fn on the transaction under its lock, unless the route
// already holds it. It reports false when there is no transaction.
func (st *txState) with(fn func(tx *Transaction)) bool {
	switch {
	case st == nil || st.tx == nil:
		return false
	case st.locked:
		fn(st.tx)
	default:
		st.tx.mu.Lock()
		fn(st.tx)
		st.tx.mu.Unlock()
	}
	return true
}

// applyTo hands what the script set before the transaction existed to it.
func (st *txState) applyTo(tx *Transaction) {
	if st.onFailure != nil {
		tx.onFailure = st.onFailure
	}
	if st.onReply != nil {
		tx.onReply = st.onReply
	}
	if st.onBranch != nil {
		tx.onBranch = st.onBranch
	}
	if st.frTimeout > 0 {
		tx.frTimeout = st.frTimeout
	}
	if st.frInvTimeout > 0 {
		tx.frInvTimeout = st.frInvTimeout
	}
	tx.callbacks = append(tx.callbacks, st.callbacks...)
	st.callbacks = nil
}

// ensureTransaction returns the transaction of the request in ctx,
// creating it (t_newtran). For a retransmission of a request that has one
// it resends the last reply and returns nil and 0, which stops the script
// as OpenSIPS does; a broken request gives -2.
func ensureTransaction(ctx *engine.Context, st *txState) (*Transaction, int) {
	if st.tx != nil {
		return st.tx, 1
	}
	m := ctx.Msg
	if m == nil || !m.IsRequest() || m.Method() == sip.MethodAck {
		return nil, -1 // an ACK never has a transaction of its own
	}
	key, err := requestKey(m, "")
	if err != nil {
		return nil, -2
	}
	tx := newTransaction(ctx, key)
	st.applyTo(tx)
	if old, ok := servers.insert(key, tx); !ok {
		old.mu.Lock()
		old.retransmitLocked()
		old.mu.Unlock()
		return nil, 0
	}
	count(&Stats.UAS, 1)
	count(&Stats.Inuse, 1)
	st.tx = tx
	tx.mu.Lock()
	arm(&tx.lifeTimer, tx.lifetime())
	if tx.method == sip.MethodInvite && config.auto100.Load() {
		tx.replyLocked(100, "Trying") // hop-by-hop: quiets the UAC's Timer A (§16.7 step 5 note)
	}
	tx.mu.Unlock()
	return tx, 1
}

// relayFlags are t_relay's first argument.
type relayFlags struct{ noAuto477, passReason bool }

// parseRelayFlags reads t_relay's flags: the OpenSIPS 3 names, or the old
// numeric form (0x02 is no-auto-477).
func parseRelayFlags(s string) (any, error) {
	var f relayFlags
	if n, err := strconv.ParseInt(strings.TrimSpace(s), 0, 64); err == nil {
		if n&^0x02 != 0 {
			return nil, fmt.Errorf("not supported: t_relay flags 0x%x (only 0x02, no-auto-477, is)", n&^0x02)
		}
		f.noAuto477 = n&0x02 != 0
		return f, nil
	}
	for _, name := range strings.Split(s, ",") {
		switch name = strings.TrimSpace(name); name {
		case "no-auto-477":
			f.noAuto477 = true
		case "pass-reason-hdr":
			f.passReason = true
		case "":
		case "no-dns-failover", "allow-no-cancel":
			// Accepting them unhonoured would be a silent no-op.
			return nil, fmt.Errorf("not supported: t_relay flag %s", name)
		default:
			return nil, fmt.Errorf("unknown t_relay flag %q (known: no-auto-477, no-dns-failover, pass-reason-hdr, allow-no-cancel)", name)
		}
	}
	return f, nil
}

// proxyURI turns t_relay's "[proto:]host[:port]" into a SIP URI.
func proxyURI(s string) string {
	if s == "" || strings.HasPrefix(s, "sip:") || strings.HasPrefix(s, "sips:") {
		return s
	}
	if proto, hostport, ok := strings.Cut(s, ":"); ok {
		switch strings.ToLower(proto) {
		case "udp", "tcp", "tls", "sctp", "ws", "wss":
			return "sip:" + hostport + ";transport=" + strings.ToLower(proto)
		}
	}
	return "sip:" + s
}

// tRelay is t_relay([flags], [outbound_proxy]).
func tRelay(ctx *engine.Context, a []engine.Arg) int {
	flags, _ := a[0].Fixed.(relayFlags)
	proxy := ""
	if a[1].Set {
		proxy = proxyURI(a[1].Str)
	}
	st := stateOf(ctx)
	if st.locked { // failure_route: new branches on the same transaction
		return st.tx.relayLocked(ctx, proxy)
	}
	m := ctx.Msg
	switch m.Method() {
	case sip.MethodAck:
		if tx := lookupRequest(m); tx != nil {
			tx.mu.Lock()
			mine := tx.ackLocked()
			tx.mu.Unlock()
			if mine {
				return 1 // hop-by-hop: absorbed, we sent our own downstream
			}
		}
		// The ACK of a 2xx is end to end and has no transaction: it goes
		// on statelessly (RFC 3261 §16.7 step 8... §17.1.1.3).
		if err := ctx.Sender.ForwardRequest(ctx, proxy); err != nil {
			return -6
		}
		return 1
	case sip.MethodCancel:
		if inv := lookupInvite(m); inv != nil {
			if flags.passReason && st.cancelReason == "" {
				st.cancelReason = reasonHeaders(m)
			}
			return cancelInvite(ctx, st, inv)
		}
	}
	created := st.tx == nil
	tx, ret := ensureTransaction(ctx, st)
	if tx == nil {
		return ret
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.takeRequestLocked(ctx, created)
	ret = tx.relayLocked(ctx, proxy)
	if ret < 0 && !flags.noAuto477 && !st.newtran && !tx.pendingLocked() {
		if ret == -5 {
			tx.replyLocked(473, "Filtered destination (473/TM)")
		} else {
			tx.replyLocked(477, "Send failed (477/TM)")
		}
	}
	return ret
}

// takeRequestLocked keeps the request in ctx as the branches will leave
// with it: the script's edits made until now, its flags, send options,
// AVPs and what it asked of other modules (rr's record_route), which
// applies to every branch, including those sent from failure_route. A
// transaction just created has the request and AVPs already; one made
// before (t_newtran) takes them again.
func (tx *Transaction) takeRequestLocked(ctx *engine.Context, created bool) {
	if !created {
		tx.request = cloneRequest(ctx.Msg)
		if ctx.AVPs != nil {
			tx.avps = ctx.AVPs.Clone()
		}
	}
	tx.flags, tx.modules, tx.send = ctx.Flags, ctx.Modules, ctx.Send
	tx.moduleState = ctx.ModuleState()
}

// tNewtran is t_newtran().
func tNewtran(ctx *engine.Context, _ []engine.Arg) int {
	st := stateOf(ctx)
	if st.tx != nil {
		return 1
	}
	tx, ret := ensureTransaction(ctx, st)
	if tx == nil {
		return ret
	}
	st.newtran = true
	return 1
}

// cancelInvite handles a CANCEL for an INVITE we have a transaction for
// (RFC 3261 §16.10): the CANCEL gets its own transaction and a 200, and
// every pending branch of the INVITE is CANCELled; the INVITE's final
// reply (487 in the end) comes when the branches finish.
func cancelInvite(ctx *engine.Context, st *txState, inv *Transaction) int {
	tx, ret := ensureTransaction(ctx, st)
	if tx == nil {
		return ret // a retransmitted CANCEL got its 200 again
	}
	tx.mu.Lock()
	tx.replyLocked(200, "OK")
	tx.mu.Unlock()
	inv.mu.Lock()
	inv.cancelReason = st.cancelReason
	if inv.cancelReason == "" {
		inv.cancelReason = reasonOriginatorCancel
	}
	inv.cancelLocked()
	inv.mu.Unlock()
	return 1
}

// cancelLocked marks the transaction cancelled by the UAC and CANCELs its
// branches; with none pending it answers 487 itself.
func (tx *Transaction) cancelLocked() {
	if tx.state != serverProceeding {
		return
	}
	tx.cancelled = true
	for _, b := range tx.branches {
		b.cancelForLocked(tx.cancelReason)
	}
	if !tx.pendingLocked() && !tx.inFailureRoute {
		tx.replyLocked(487, "Request Terminated")
	}
}

// relayLocked sends the request to the branches of ctx: its Request-URI
// (with $du) and the branches append_branch added, which it consumes. It
// returns 1 when at least one left, else OpenSIPS's error code.
func (tx *Transaction) relayLocked(ctx *engine.Context, proxy string) int {
	if tx.cancelled {
		return -3
	}
	if tx.state != serverProceeding {
		return -1
	}
	targets := make([]engine.Branch, 0, 1+len(ctx.Branches))
	targets = append(targets, engine.Branch{URI: ctx.Msg.NewRequestURI(), DstURI: ctx.DstURI, Path: ctx.Path,
		Q: ctx.RURIQ, Flags: ctx.BranchFlags, Socket: ctx.Socket})
	targets = append(targets, ctx.Branches...)
	ctx.Branches = ctx.Branches[:0]
	sent, ret := 0, -3
	for _, t := range targets {
		switch r := tx.sendBranchLocked(ctx, t, proxy); {
		case r > 0:
			sent++
		case r < 0:
			ret = r
		}
	}
	if sent > 0 {
		return 1
	}
	return ret
}

// sendBranchLocked sends one branch: the request with the target's URI,
// through branch_route when t_on_branch armed one. It returns 1 when
// sent, 0 when branch_route dropped it, -5 when a blacklist refused its
// destination, -6 when sending failed.
func (tx *Transaction) sendBranchLocked(ctx *engine.Context, t engine.Branch, proxy string) int {
	m := tx.request
	saved, savedURI := m.Lumps.Clone(), m.NewRequestURI()
	defer func() {
		m.Lumps = saved
		m.SetRequestURI(savedURI)
	}()
	m.SetRequestURI(t.URI)
	if tx.extraHeaders != "" {
		m.Lumps.InsertAfter(m.HeaderEnd(), tx.extraHeaders)
	}
	bctx := tx.context(engine.RequestRoute, m, tx.received)
	bctx.Flags, bctx.Modules, bctx.Send = ctx.Flags, ctx.Modules, ctx.Send
	bctx.CopyModuleState(ctx)
	bctx.DstURI, bctx.Path, bctx.RURIQ, bctx.BranchFlags, bctx.Socket = t.DstURI, t.Path, t.Q, t.Flags, t.Socket
	b := &branch{tx: tx, index: len(tx.branches), id: sip.NewBranch()}
	b.initTimers()
	if tx.onBranch != nil {
		bst := &txState{tx: tx, locked: true, branch: b}
		bctx.SetState(stateKey{}, bst)
		tx.onBranch.Run(bctx)
		if bctx.Dropped {
			return 0
		}
		b.onReply = bst.branchOnReply
	}
	b.uri = m.NewRequestURI()
	dst := ""
	if bctx.DstURI == "" {
		dst = proxy
	}
	// In the table before it leaves: the reply may come back on another
	// reader before SendBranch returns, and must not go on statelessly.
	branches.insert(b.id, b)
	sent, err := tx.sender.SendBranch(bctx, dst, b.id)
	if err != nil {
		branches.remove(b.id, b)
		tx.log.Info("tm: could not send a branch", "uri", b.uri, "err", err)
		if errors.Is(err, core.ErrBlacklisted) {
			return -5 // destination filtered (use_blacklist)
		}
		return -6
	}
	b.sent, b.dst = sent, sent.URI
	tx.branches = append(tx.branches, b)
	b.startedLocked()
	count(&Stats.UAC, 1)
	return 1
}
