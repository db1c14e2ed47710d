package tm

import (
	"time"

	"switchboard/engine"
	"switchboard/internal/timewheel"
	"switchboard/sip"
)

// clientState is the state of a branch's client transaction (RFC 3261
// §17.1.1, §17.1.2; Calling and Trying fold together).
type clientState uint8

const (
	clientCalling    clientState = iota // sent, no reply yet
	clientProceeding                    // a provisional reply came
	clientCompleted                     // final reply: 2xx relayed, or non-2xx ACKed and kept (Timer D/K)
	clientTerminated
)

// branch is one client transaction of a Transaction: where a copy of the
// request went and what came back.
type branch struct {
	tx    *Transaction
	index int
	id    string // the branch parameter of our Via on it
	uri   string // its Request-URI ($T_ruri in failure_route)
	dst   string

	sent     *engine.Sent
	sentMsg  *sip.Msg // sent.Data parsed, for the CANCEL and ACK
	reliable bool

	state    clientState
	code     int          // last reply code, 0 before any
	final    *sip.Msg     // the non-2xx final reply received
	local    bool         // the final code is ours (408 on timeout)
	received bool         // some reply came from the network
	gotFinal bool         // a final reply came from the network
	ack      []byte       // the ACK for final, kept for its retransmissions
	ack2xx   *engine.Sent // the ACK tm sent for a 2xx of a replicated INVITE

	cancel         []byte // the CANCEL sent on this branch (§9.1)
	cancelPending  bool   // CANCEL asked for before any provisional reply
	cancelAnswered bool
	cancelReason   string // the Reason header line the CANCEL carries (RFC 3326), "" none

	onReply engine.Route // t_on_reply set in branch_route

	retransTimer, timeoutTimer, endTimer timewheel.Timer
	interval                             time.Duration
	retransmits                          int // request or CANCEL retransmissions so far, for the statistics
}

// startedLocked arms the branch's timers after its request left: Timer
// A/E retransmissions on UDP and the final reply timeout (Timer B/F, in
// OpenSIPS fr_timeout).
func (b *branch) startedLocked() {
	b.reliable = b.sent.Proto != "udp"
	if !b.reliable {
		b.interval = t1()
		arm(&b.retransTimer, b.interval)
	}
	arm(&b.timeoutTimer, b.tx.frTimeout)
}

// retransmit is Timer A (INVITE) or E (others): the request, or the CANCEL
// once one was sent, again at doubling intervals up to T2 (§17.1.1.2,
// §17.1.2.2).
func (b *branch) retransmit() {
	tx := b.tx
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.destroyed || b.state == clientTerminated {
		return
	}
	switch {
	case b.cancel != nil && !b.cancelAnswered && !b.gotFinal:
		tx.sender.SendAgain(b.sent, b.cancel)
	case b.state >= clientCompleted:
		return
	case b.state == clientCalling || tx.method != sip.MethodInvite:
		tx.sender.SendAgain(b.sent, b.sent.Data)
	default:
		return // a provisional reply stops INVITE retransmissions
	}
	count(&Stats.RetransReq[min(b.retransmits, len(Stats.RetransReq)-1)], 1)
	b.retransmits++
	b.interval = min(2*b.interval, t2())
	arm(&b.retransTimer, b.interval)
}

// expire is the final reply timeout: the branch ends with a 408 of our
// own, CANCELled first when it had rung (§16.8, OpenSIPS fr_timeout and
// fr_inv_timeout).
func (b *branch) expire() {
	tx := b.tx
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.destroyed || b.state >= clientCompleted {
		return
	}
	if tx.method == sip.MethodInvite && b.code >= 100 {
		count(&Stats.TimeoutFRInv, 1)
		b.cancelForLocked(reasonNoAnswer)
	} else {
		count(&Stats.TimeoutFR, 1)
	}
	b.code, b.local = 408, true
	b.completeLocked()
	tx.branchFinishedLocked()
}

// completeLocked moves the branch to Completed: retransmissions stop, and
// it stays matchable for a while to ACK the retransmitted final replies
// (Timer D/K; OpenSIPS's wt_timer) or to relay retransmitted 2xx (RFC
// 6026 Timer M).
func (b *branch) completeLocked() {
	b.state = clientCompleted
	if b.cancel == nil || b.cancelAnswered {
		stopTimer(&b.retransTimer)
	}
	stopTimer(&b.timeoutTimer)
	wait := waitTime()
	switch {
	case b.code >= 200 && b.code < 300 && b.tx.method == sip.MethodInvite:
		wait = 64 * t1()
	case b.reliable && b.cancel == nil:
		wait = 0
	}
	if wait == 0 {
		b.state = clientTerminated
		return
	}
	arm(&b.endTimer, wait)
}

func (b *branch) terminate() {
	tx := b.tx
	tx.mu.Lock()
	defer tx.mu.Unlock()
	b.state = clientTerminated
	stopTimer(&b.retransTimer)
	tx.checkDoneLocked()
}

func (b *branch) stopTimersLocked() {
	stopTimer(&b.retransTimer)
	stopTimer(&b.timeoutTimer)
	stopTimer(&b.endTimer)
}

// parsedSentLocked returns the request as it went out on this branch: the
// CANCEL and ACK must copy its Via, Request-URI and Route set.
func (b *branch) parsedSentLocked() *sip.Msg {
	if b.sentMsg == nil {
		m, err := sip.ParseString(string(b.sent.Data))
		if err != nil {
			return nil
		}
		b.sentMsg = m
	}
	return b.sentMsg
}

// The Reason headers of the CANCELs tm sends (RFC 3326), OpenSIPS's:
// the UAC cancelled, the branch timed out, another branch answered.
const (
	reasonOriginatorCancel = "Reason: SIP;cause=487;text=\"ORIGINATOR_CANCEL\"\r\n"
	reasonNoAnswer         = "Reason: SIP;cause=480;text=\"NO_ANSWER\"\r\n"
	reasonCompletedElse    = "Reason: SIP ;cause=200 ;text=\"Call completed elsewhere\"\r\n"
)

// cancelForLocked is cancelLocked with the Reason header line the CANCEL
// is to carry.
func (b *branch) cancelForLocked(reason string) {
	if b.cancel == nil {
		b.cancelReason = reason
	}
	b.cancelLocked()
}

// cancelLocked CANCELs a pending INVITE branch (§9.1, §16.10): at once if
// it had a provisional reply, else as soon as one comes.
func (b *branch) cancelLocked() {
	tx := b.tx
	if tx.method != sip.MethodInvite || b.state >= clientCompleted || b.cancel != nil {
		return
	}
	if b.code == 0 {
		b.cancelPending = true
		return
	}
	b.cancelPending = false
	inv := b.parsedSentLocked()
	if inv == nil {
		return
	}
	data, err := sip.AppendCancel(nil, inv)
	if err != nil {
		return
	}
	reason := b.cancelReason
	if tx.lastCode == 200 { // a 200 went upstream: RFC 3326 "completed elsewhere"
		reason = reasonCompletedElse
	}
	b.cancel = withHeaders(data, reason+tx.extraHeaders)
	if err := tx.sender.SendAgain(b.sent, b.cancel); err != nil {
		tx.log.Info("tm: could not send a CANCEL", "branch", b.index, "err", err)
	}
	if !b.reliable {
		stopTimer(&b.retransTimer)
		b.interval, b.retransmits = t1(), 0
		arm(&b.retransTimer, b.interval)
	}
}

// ackLocked sends the hop-by-hop ACK for a non-2xx final reply to an
// INVITE (§17.1.1.3), again for each retransmission of that reply.
func (b *branch) ackLocked(reply *sip.Msg) {
	if b.ack == nil {
		inv := b.parsedSentLocked()
		if inv == nil {
			return
		}
		data, err := sip.AppendAck(nil, inv, reply)
		if err != nil {
			return
		}
		b.ack = withHeaders(data, b.tx.extraHeaders)
	}
	b.tx.sender.SendAgain(b.sent, b.ack)
}
