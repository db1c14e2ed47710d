// Package sl is OpenSIPS's sl module: replies sent statelessly, and the
// absorption of the ACKs those replies cause (see README.md).
package sl

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"strings"
	"sync/atomic"

	"switchboard/engine"
	"switchboard/sip"
	"switchboard/transport"
)

// tagPrefix starts every To-tag sl writes: the "signature" by which an ACK
// to one of its replies is recognised (OpenSIPS sl's to-tag signature).
// It is random per process so that two instances do not absorb each
// other's ACKs.
var tagPrefix = func() string {
	var b [8]byte
	rand.Read(b[:])
	return "sl" + hex.EncodeToString(b[:])
}()

// tagStart is what every sl To-tag begins with.
var tagStart = tagPrefix + "."

// Counters are the module's statistics (OpenSIPS names).
type Counters struct {
	Replies      [7]atomic.Int64 // by class: Replies[1] is 1xx_replies ... Replies[6] 6xx
	SentReplies  atomic.Int64    // sent_replies
	SentErrors   atomic.Int64    // sent_err_replies: replies that could not be built or sent
	ReceivedACKs atomic.Int64    // received_ACKs: ACKs to sl replies absorbed
}

// Stats holds the module's counters, read by the statistics interface.
var Stats Counters

var statsEnabled atomic.Bool

func init() { statsEnabled.Store(true) }

// SendReply answers the request in ctx with code and reason, statelessly:
// it copies Via, From, To, Call-ID and CSeq as RFC 3261 §8.2.6 says, adds
// a To-tag carrying sl's signature, completes the top Via with received
// and rport (RFC 3261 §18.2.1, RFC 3581), adds the reply headers the
// script or modules queued (ctx.ReplyHeaders) and hands it to the core to send
// where the request came from. It returns 1, or -1 when it cannot (an
// ACK is never answered; a broken request gets nothing).
func SendReply(ctx *engine.Context, code int, reason string) int {
	m := ctx.Msg
	if m == nil || !m.IsRequest() || m.Method() == sip.MethodAck || code < 100 || code > 699 {
		return -1
	}
	r := sip.Reply{Code: code, Reason: reason, ToTag: toTag(m), Headers: ctx.ReplyHeaders}
	if via, err := m.Via(); err == nil && ctx.Received.Src.IsValid() {
		r.Received, r.RPort = transport.ReplyParams(via, ctx.Received.Src, ctx.Send.ForceRPort)
		r.ForceRPort = ctx.Send.ForceRPort
	}
	out, err := sip.AppendReply(nil, m, &r)
	if err != nil || ctx.Sender == nil {
		count(&Stats.SentErrors)
		return -1
	}
	if err := ctx.Sender.SendReply(ctx, out); err != nil {
		count(&Stats.SentErrors)
		return -1
	}
	if statsEnabled.Load() {
		Stats.Replies[code/100].Add(1)
		Stats.SentReplies.Add(1)
	}
	return 1
}

func count(c *atomic.Int64) {
	if statsEnabled.Load() {
		c.Add(1)
	}
}

// replyError is sl_reply_error: the reply the last error calls for, as
// the core recorded it ($err.rcode / $err.rreason), else 500.
func replyError(ctx *engine.Context, _ []engine.Arg) int {
	code, reason := ctx.Err.RCode, ctx.Err.RReason
	if code < 300 || code > 699 {
		code, reason = 500, "Server Internal Error"
	}
	return SendReply(ctx, code, reason)
}

// toTag is the To-tag of a reply to m: the signature and a hash of what
// identifies the request, so a retransmission gets the same tag.
func toTag(m *sip.Msg) string {
	callID, _ := m.CallID()
	crc := crcString(0, callID)
	if from, err := m.From(); err == nil {
		crc = crcString(crc, from.Tag())
	}
	if via, err := m.Via(); err == nil {
		crc = crcString(crc, via.Branch)
	}
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc)
	var buf [64]byte
	return string(hex.AppendEncode(append(buf[:0], tagStart...), sum[:]))
}

// crcString is crc32.Update(crc, crc32.IEEETable, []byte(s)) without the
// copy: the values are short, and copying them for a hash object was most
// of what a stateless reply allocated.
func crcString(crc uint32, s string) uint32 {
	crc = ^crc
	for i := 0; i < len(s); i++ {
		crc = crc32.IEEETable[byte(crc)^s[i]] ^ crc>>8
	}
	return ^crc
}

// absorbACK consumes an ACK whose To-tag carries sl's signature: it
// acknowledges a final reply sl sent and goes no further (OpenSIPS sl's
// ACK filter).
func absorbACK(ctx *engine.Context) bool {
	m := ctx.Msg
	if m == nil || m.Method() != sip.MethodAck {
		return false
	}
	to, err := m.To()
	if err != nil || !strings.HasPrefix(to.Tag(), tagStart) {
		return false
	}
	count(&Stats.ReceivedACKs)
	return true
}
