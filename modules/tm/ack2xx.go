package tm

import (
	"errors"

	"switchboard/engine"
	"switchboard/sip"
)

// ack2xxLocked ACKs a 2xx to an INVITE whose replies stop at tm (a
// t_replicate copy): tm is the UAC of that copy, so it sends the ACK of
// RFC 3261 §13.2.2.4 itself, as OpenSIPS does for its local
// transactions; a retransmitted 2xx gets the same ACK again.
func (b *branch) ack2xxLocked(reply *sip.Msg) {
	tx := b.tx
	if b.ack2xx != nil {
		tx.sender.SendAgain(b.ack2xx, b.ack2xx.Data)
		return
	}
	inv := b.parsedSentLocked()
	if inv == nil {
		return
	}
	ack, next, err := buildAck2xx(inv, reply, tx.extraHeaders)
	if err != nil {
		tx.log.Info("tm: cannot ACK a 2xx of a replicated INVITE", "err", err)
		return
	}
	ctx := &engine.Context{Sender: tx.sender, Log: tx.log}
	ctx.Reset(ack, engine.RequestRoute)
	ctx.Received, ctx.Send = tx.received, tx.send
	sent, err := tx.sender.SendBranch(ctx, next, sip.NewBranch())
	if err != nil {
		tx.log.Info("tm: could not send the ACK of a 2xx", "err", err)
		return
	}
	b.ack2xx = sent
}

// buildAck2xx writes the ACK of a 2xx (RFC 3261 §13.2.2.4, §12.2.1.1):
// the Request-URI is the 2xx's Contact, the Route set its Record-Route
// reversed (a strict first hop becomes the Request-URI), From, Call-ID
// and CSeq number are the INVITE's, To the 2xx's. It has no Via: the
// core adds tm's when it sends it. next is where it goes: the first
// Route, else the Contact.
func buildAck2xx(inv, reply *sip.Msg, extra string) (*sip.Msg, string, error) {
	contacts, err := reply.Contacts()
	if err != nil || contacts.Star || len(contacts.List) == 0 {
		return nil, "", errors.New("the 2xx has no Contact")
	}
	target := contacts.List[0].URI.Raw
	rrs, err := reply.RecordRoutes()
	if err != nil {
		return nil, "", err
	}
	var routes []sip.NameAddr
	for i := len(rrs) - 1; i >= 0; i-- {
		routes = append(routes, rrs[i])
	}
	cseq, err := inv.CSeq()
	if err != nil {
		return nil, "", err
	}
	to, ok := reply.Header(sip.HdrTo)
	if !ok {
		return nil, "", errors.New("the 2xx has no To")
	}
	r := sip.Request{Method: "ACK", RequestURI: target, MaxForwards: 70, From: inv.Value(sip.HdrFrom),
		To: to.Value, CallID: inv.Value(sip.HdrCallID), CSeq: cseq.Seq}
	raw := reply.Raw()
	next := target
	if len(routes) > 0 {
		first := routes[0].URI
		next = first.Raw
		if !first.Params.Has("lr") { // a strict router: it takes the Request-URI (§12.2.1.1)
			r.RequestURI = first.Raw
			routes = routes[1:]
		}
		for _, rt := range routes {
			r.Route = append(r.Route, raw[rt.Start:rt.End])
		}
		if !first.Params.Has("lr") {
			r.Route = append(r.Route, "<"+target+">")
		}
	}
	data := withHeaders(sip.AppendRequest(nil, &r), extra)
	ack, err := sip.ParseString(string(data))
	if err != nil {
		return nil, "", err
	}
	return ack, next, nil
}
