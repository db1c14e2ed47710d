package tm

import (
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// onReply is the module's OnReply hook: a reply whose top Via carries the
// branch of one of our client transactions belongs to it (RFC 3261
// §17.1.3: branch and CSeq method) and is processed here; any other goes
// on statelessly through the core.
func onReply(ctx *engine.Context) bool {
	m := ctx.Msg
	via, err := m.Via()
	if err != nil || !via.HasRFC3261Branch() {
		return false
	}
	b, ok := branches.get(via.Branch)
	if !ok {
		return false
	}
	cseq, err := m.CSeq()
	if err != nil {
		return true // ours, but broken: nothing to do with it
	}
	count(&Stats.ReceivedReplies, 1)
	tx := b.tx
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.destroyed || b.sent == nil { // b.sent is nil when its send failed
		return true
	}
	if cseq.Method == "CANCEL" && tx.method != sip.MethodCancel {
		// The reply to our CANCEL (§9.1): it only stops that CANCEL's
		// retransmissions; the INVITE's own reply ends the branch.
		if m.StatusCode() >= 200 {
			b.cancelAnswered = true
		}
		return true
	}
	tx.branchReplyLocked(ctx, b, m)
	return true
}

// branchReplyLocked runs a reply through the branch's client transaction
// and the proxy's response processing (§16.7).
func (tx *Transaction) branchReplyLocked(ctx *engine.Context, b *branch, m *sip.Msg) {
	code := m.StatusCode()
	invite := tx.method == sip.MethodInvite
	if b.state >= clientCompleted {
		// A retransmitted final reply, or one after our own 408.
		switch {
		case invite && code >= 300:
			b.gotFinal = true
			b.ackLocked(m)
		case invite && code >= 200 && tx.replicated:
			b.ack2xxLocked(m) // the copy's UAC is tm: its ACK again
		case invite && code >= 200:
			tx.relayLocked2xx(m) // RFC 6026 §8.2: 2xx go on upstream
		}
		return
	}
	b.received = true
	if route := tx.replyRoute(b); route != nil {
		rctx := tx.context(engine.OnReplyRoute, m, ctx.Received)
		if !config.onreplyAVPs.Load() {
			rctx.AVPs = engine.NewAVPs()
		}
		rctx.SetState(stateKey{}, &txState{tx: tx, locked: true, branch: b, code: code})
		route.Run(rctx)
		tx.flags = rctx.Flags
		if rctx.Dropped && code < 200 {
			return
		}
		if b.state >= clientCompleted { // t_cancel_branch... ended it
			return
		}
	}
	switch {
	case code < 200:
		tx.provisionalLocked(b, m, code)
	case code < 300:
		b.code, b.gotFinal = code, true
		b.completeLocked()
		if invite {
			if tx.replicated {
				b.ack2xxLocked(m)
			}
			tx.relayLocked2xx(m)
			for _, other := range tx.branches { // §16.7 step 10
				other.cancelLocked()
			}
			tx.shedLocked()
		} else if tx.state == serverProceeding {
			tx.relayReplyLocked(m, code, nil)
		}
		tx.checkDoneLocked()
	default:
		// A clone: the core reuses m once this reply is processed.
		b.code, b.final, b.gotFinal, b.local = code, m.Clone(), true, false
		if invite {
			b.ackLocked(m)
		}
		b.completeLocked()
		if invite && code >= 600 && !config.disable6xxBlock.Load() {
			for _, other := range tx.branches { // §16.7 step 5: 6xx ends the search
				other.cancelLocked()
			}
		}
		tx.branchFinishedLocked()
	}
}

// replyRoute is the onreply_route for a reply of b: the branch's own
// (t_on_reply in branch_route) or the transaction's.
func (tx *Transaction) replyRoute(b *branch) engine.Route {
	if b.onReply != nil {
		return b.onReply
	}
	return tx.onReply
}

// provisionalLocked handles a 1xx on a branch: retransmissions of an
// INVITE stop and the longer fr_inv_timeout starts (§17.1.1.2, §16.8
// Timer C); a 101-199 goes upstream, a 100 does not (it is hop by hop).
func (tx *Transaction) provisionalLocked(b *branch, m *sip.Msg, code int) {
	first := b.state == clientCalling
	b.state, b.code = clientProceeding, code
	if tx.method == sip.MethodInvite {
		if b.cancel == nil {
			stopTimer(&b.retransTimer)
		}
		if first || config.restartFR.Load() {
			stopTimer(&b.timeoutTimer)
			arm(&b.timeoutTimer, tx.frInvTimeout)
		}
		if b.cancelPending {
			b.cancelLocked()
		}
	} else if first && pending(&b.retransTimer) {
		// §17.1.2.2: in Proceeding, Timer E fires every T2.
		b.interval = t2() / 2
	}
	if (code > 100 || config.passProvisional.Load()) && tx.state == serverProceeding {
		tx.relayReplyLocked(m, code, nil)
	}
}

// relayLocked2xx sends a 2xx upstream: the first makes the INVITE server
// transaction Accepted, later ones (other branches, retransmissions) pass
// through it (RFC 6026 §7.1, §8.2).
func (tx *Transaction) relayLocked2xx(m *sip.Msg) {
	if tx.state == serverProceeding {
		tx.relayReplyLocked(m, m.StatusCode(), nil)
		return
	}
	data := replyBytes(m, nil)
	if data == nil || tx.replicated {
		return
	}
	if err := tx.sendReply(data); err == nil {
		count(&Stats.RelayedReplies, 1)
	}
}

// relayReplyLocked sends a received reply upstream without our Via, with
// extra headers appended (401/407 aggregation).
func (tx *Transaction) relayReplyLocked(m *sip.Msg, code int, extra []string) {
	if tx.replicated {
		if code >= 200 {
			tx.sendUpstreamLocked(nil, code, false, m, m.Reason())
		}
		return
	}
	data := replyBytes(m, extra)
	if data == nil {
		return
	}
	tx.sendUpstreamLocked(data, code, false, m, m.Reason())
}

// replyBytes writes a received reply as it goes upstream: our top Via
// removed (§16.7 step 3), a 503 turned into a 500 (§16.7 step 6: a 503
// would make the upstream think we are unavailable), extra headers
// added. It is nil when the reply has no Via left to go to.
func replyBytes(m *sip.Msg, extra []string) []byte {
	vias, err := m.Vias()
	if err != nil || len(vias) < 2 {
		return nil
	}
	l := m.Lumps.Clone()
	h, _ := m.Header(sip.HdrVia)
	if vias[1].Start < h.End {
		l.Delete(vias[0].Start, vias[1].Start)
	} else {
		l.Delete(h.Start, h.End)
	}
	if m.StatusCode() == 503 {
		raw := m.Raw()
		if end := strings.IndexByte(raw, '\n'); end > 0 {
			if raw[end-1] == '\r' {
				end--
			}
			l.Replace(0, end, "SIP/2.0 500 Server Internal Error")
		}
	}
	for _, line := range extra {
		l.InsertAfter(m.HeaderEnd(), line)
	}
	return m.AppendWith(nil, &l)
}

// branchFinishedLocked runs when a branch got its final reply: once none
// is pending, the best reply is chosen, failure_route may add branches,
// and otherwise the best reply goes upstream (§16.7 steps 6-7).
func (tx *Transaction) branchFinishedLocked() {
	if tx.pendingLocked() {
		return
	}
	if tx.state != serverProceeding || tx.inFailureRoute {
		tx.checkDoneLocked()
		return
	}
	best := bestBranch(tx.branches)
	if best == nil {
		return
	}
	tx.failedLocked(best)
	if tx.onFailure != nil {
		route := tx.onFailure
		tx.onFailure = nil // armed once: the route arms it again for the next round
		before := len(tx.branches)
		fctx := tx.context(engine.FailureRoute, tx.request, tx.received)
		tx.request.SetRequestURI(best.uri)
		fctx.SetState(stateKey{}, &txState{tx: tx, locked: true, code: best.code, winner: best})
		tx.inFailureRoute = true
		route.Run(fctx)
		tx.inFailureRoute = false
		tx.flags = fctx.Flags
		if tx.state != serverProceeding { // it replied itself
			tx.checkDoneLocked()
			return
		}
		if len(tx.branches) > before && tx.pendingLocked() {
			return // serial forking: wait for the new branches
		}
		if len(tx.branches) > before {
			best = bestBranch(tx.branches)
		}
	}
	tx.sendBestLocked(best)
	tx.checkDoneLocked()
}

// sendBestLocked sends the chosen final reply upstream: ours when the
// branch timed out (487 when the UAC cancelled), else the received one,
// with every challenge of the 401/407 replies when it is one (§16.7 step
// 7, RFC 3261 §22.3).
func (tx *Transaction) sendBestLocked(best *branch) {
	switch {
	case tx.replicated: // t_replicate: the outcome stops here
		tx.sendUpstreamLocked(nil, best.code, best.local, best.final, "")
	case best.local && tx.cancelled:
		tx.replyLocked(487, "Request Terminated")
	case best.local:
		tx.replyLocked(best.code, "")
	case best.code == 401 || best.code == 407:
		tx.relayReplyLocked(best.final, best.code, challenges(tx.branches, best))
	default:
		tx.relayReplyLocked(best.final, best.code, nil)
	}
}

// challenges collects the WWW-Authenticate and Proxy-Authenticate headers
// of the other branches' 401 and 407 replies, as header lines.
func challenges(all []*branch, best *branch) []string {
	var out []string
	for _, b := range all {
		if b == best || b.final == nil || (b.code != 401 && b.code != 407) {
			continue
		}
		for _, h := range b.final.Headers() {
			if h.Type == sip.HdrWWWAuthenticate || h.Type == sip.HdrProxyAuthenticate {
				out = append(out, h.Type.String()+": "+h.Value+"\r\n")
			}
		}
	}
	return out
}

// bestBranch picks the final reply to send upstream among completed
// branches (§16.7 step 6): any 6xx first; else the lowest class; within
// 4xx the ones a UAC can act on (401, 407, 415, 420, 484) before others;
// a received reply before our own 408; the earliest branch on ties.
func bestBranch(all []*branch) *branch {
	var best *branch
	bestRank := 0
	for _, b := range all {
		if b.state < clientCompleted || b.code < 300 {
			continue
		}
		r := replyRank(b)
		if best == nil || r < bestRank {
			best, bestRank = b, r
		}
	}
	return best
}

func replyRank(b *branch) int {
	code := b.code
	rank := code / 100 * 1000
	switch {
	case code >= 600:
		rank = 0
	case code == 401 || code == 407 || code == 415 || code == 420 || code == 484:
		rank += 0
	case code/100 == 4:
		rank += 100
	}
	if b.local {
		rank += 500
	}
	return rank
}
