package tm

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"switchboard/core/builtin"
	"switchboard/engine"
	"switchboard/sip"
)

// miCommands are tm's MI commands, with OpenSIPS 3.6's recipes.
func miCommands() []engine.MICommand {
	uac := [][]string{
		{"method", "ruri", "headers"},
		{"method", "ruri", "headers", "next_hop"},
		{"method", "ruri", "headers", "socket"},
		{"method", "ruri", "headers", "body"},
		{"method", "ruri", "headers", "next_hop", "socket"},
		{"method", "ruri", "headers", "next_hop", "body"},
		{"method", "ruri", "headers", "socket", "body"},
		{"method", "ruri", "headers", "next_hop", "socket", "body"},
	}
	reply := [][]string{
		{"code", "reason", "trans_id", "to_tag"},
		{"code", "reason", "trans_id", "to_tag", "new_headers"},
		{"code", "reason", "trans_id", "to_tag", "body"},
		{"code", "reason", "trans_id", "to_tag", "new_headers", "body"},
	}
	return []engine.MICommand{
		{Name: "t_uac_dlg", Help: "sends a request and answers its final reply", Params: uac, NamedOnly: true, Run: miUACDlg},
		{Name: "t_uac_cancel", Help: "CANCELs a pending INVITE by Call-ID and CSeq",
			Params: [][]string{{"callid", "cseq"}}, Run: miUACCancel},
		{Name: "t_hash", Help: "transaction table load", Run: miHash},
		{Name: "t_reply", Help: "replies to a server transaction", Params: reply, NamedOnly: true, Run: miReply},
	}
}

func miErr(code int, msg string) error { return &engine.MIError{Code: code, Message: msg} }

// uacHeaders are the headers t_uac_dlg's "headers" parameter gives.
type uacHeaders struct {
	from, to, callID, cseq string
	hasFrom, hasTo         bool
	contentType            bool
	contentLength          string // "" when absent
	lines                  string // the others, CRLF-ended
}

// parseUACHeaders reads t_uac_dlg's header block: lines ended by CRLF or
// LF, the escapes \r and \n turned into line ends first (OpenSIPS's
// unescape_crlf), folded lines joined. From, To, Call-ID, CSeq and
// Content-Length are taken out; the others stay as lines.
func parseUACHeaders(s string) (uacHeaders, error) {
	var h uacHeaders
	s = strings.NewReplacer(`\r`, "\r", `\n`, "\n").Replace(s)
	if strings.Contains(s, "!!") {
		return h, errors.New("not supported: the !! address substitution in headers")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if strings.ContainsRune(s, '\r') {
		return h, errors.New("a bare CR in the headers")
	}
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		switch {
		case line == "":
			continue
		case line[0] == ' ' || line[0] == '\t':
			if len(lines) == 0 {
				return h, errors.New("a folded line with no header before it")
			}
			lines[len(lines)-1] += " " + strings.TrimSpace(line)
		default:
			lines = append(lines, line)
		}
	}
	var b strings.Builder
	for _, line := range lines {
		name, value, ok := strings.Cut(line, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || !isToken(name) {
			return h, errors.New("not a header line: " + strconv.Quote(line))
		}
		switch sip.LookupHeader(name) {
		case sip.HdrFrom:
			h.from, h.hasFrom = value, true
		case sip.HdrTo:
			h.to, h.hasTo = value, true
		case sip.HdrCallID:
			h.callID = value
		case sip.HdrCSeq:
			h.cseq = value
		case sip.HdrContentLength:
			h.contentLength = value
		default:
			if sip.LookupHeader(name) == sip.HdrContentType {
				h.contentType = true
			}
			b.WriteString(name)
			b.WriteString(": ")
			b.WriteString(value)
			b.WriteString("\r\n")
		}
	}
	h.lines = b.String()
	return h, nil
}

// optional returns the parameter name of the call, "" when not given.
func optional(p engine.MIParams, name string) (string, bool, error) {
	if !p.Has(name) {
		return "", false, nil
	}
	v, err := p.Get(name)
	return v, true, err
}

// miUACDlg is t_uac_dlg: it sends the request and answers once its final
// reply came, as OpenSIPS's asynchronous MI reply does: "Status", for a
// 2xx with a Contact the dialog's "RURI", "Next-hop" and "Routes", and
// the reply's headers and body as "Message". A reply tm made itself (408
// on timeout) has the Status only.
func miUACDlg(ctx context.Context, p engine.MIParams) (any, error) {
	method, err := p.Get("method")
	if err != nil {
		return nil, err
	}
	ruri, err := p.Get("ruri")
	if err != nil {
		return nil, err
	}
	if !isSIPURI(ruri) {
		return nil, miErr(400, "Invalid ruri")
	}
	nextHop, _, err := optional(p, "next_hop")
	if err != nil {
		return nil, err
	}
	if nextHop != "" {
		if !isSIPURI(nextHop) {
			return nil, miErr(400, "Invalid next_hop")
		}
	}
	socket, _, err := optional(p, "socket")
	if err != nil {
		return nil, err
	}
	body, hasBody, err := optional(p, "body")
	if err != nil {
		return nil, err
	}
	hdrs, err := p.Get("headers")
	if err != nil {
		return nil, err
	}
	h, err := parseUACHeaders(hdrs)
	if err != nil {
		return nil, &engine.MIError{Code: 400, Message: "Bad headers", Data: err.Error()}
	}
	hasBody = hasBody && body != ""
	switch {
	case hasBody && !h.contentType:
		return nil, miErr(400, "Content-Type missing")
	case h.contentLength != "" && (hasBody || strings.TrimSpace(h.contentLength) != "0"):
		return nil, miErr(400, "Content-Length disallowed")
	case !h.hasTo:
		return nil, miErr(400, "To missing")
	case !h.hasFrom:
		return nil, miErr(400, "From missing")
	}
	req := &LocalRequest{Method: method, RURI: ruri, From: h.from, To: h.to, CallID: h.callID,
		Headers: h.lines, Body: body, NextHop: nextHop}
	if h.cseq != "" {
		num, m, _ := strings.Cut(strings.TrimSpace(h.cseq), " ")
		n, err := strconv.ParseUint(num, 10, 32)
		if err != nil {
			return nil, miErr(400, "Bad CSeq number")
		}
		if strings.TrimSpace(m) != method {
			return nil, miErr(400, "CSeq method mismatch")
		}
		req.CSeq = uint32(n)
	}
	if socket != "" {
		name, ok := findSocket(socket)
		if !ok {
			return nil, miErr(404, "Local socket not found")
		}
		req.Socket = name
	}
	done := make(chan LocalResult, 1)
	tx, err := SendLocal(req, func(r LocalResult) { done <- r })
	switch {
	case errors.Is(err, ErrDropped):
		return nil, &engine.MIError{Code: 500, Message: "MI/UAC failed", Data: "local_route dropped the request"}
	case errors.Is(err, ErrNoServer):
		return nil, miErr(500, "MI/UAC failed")
	case err != nil && strings.HasPrefix(err.Error(), "tm: bad From"):
		return nil, miErr(400, "Error in From")
	case err != nil && strings.HasPrefix(err.Error(), "not supported"):
		return nil, &engine.MIError{Code: 400, Message: "Bad method", Data: err.Error()}
	case err != nil && strings.HasPrefix(err.Error(), "tm: send"):
		return nil, &engine.MIError{Code: 477, Message: "Send failed (477/MI/UAC)", Data: err.Error()}
	case err != nil:
		return nil, &engine.MIError{Code: 400, Message: "Bad Request (400/MI/UAC)", Data: err.Error()}
	}
	// The transaction ends by itself (fr_timeout, or the end of its
	// life); the bound only guards against a bug leaving the client
	// waiting forever.
	tx.mu.Lock()
	limit := tx.lifetime() + 10*time.Second
	tx.mu.Unlock()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case r := <-done:
		return uacAnswer(r), nil
	case <-ctx.Done():
		return nil, &engine.MIError{Code: 500, Message: "MI/UAC failed", Data: "the MI call ended before the final reply: " + ctx.Err().Error()}
	case <-timer.C:
		return nil, &engine.MIError{Code: 500, Message: "MI/UAC failed", Data: "no final reply in " + limit.String()}
	}
}

// isSIPURI reports whether s is a sip:, sips: or tel: URI, the ones
// OpenSIPS's parse_uri takes.
func isSIPURI(s string) bool {
	u, err := sip.ParseURI(s)
	return err == nil && (sip.EqualFold(u.Scheme, "sip") || sip.EqualFold(u.Scheme, "sips") || sip.EqualFold(u.Scheme, "tel"))
}

// findSocket names a local socket given as "proto:host:port".
func findSocket(spec string) (string, bool) {
	proto, host, port, err := builtin.ParseSocketArg(spec)
	if err != nil {
		return "", false
	}
	o, ok := origin()
	if !ok {
		return "", false
	}
	n, ok := o.Ctx.Sender.(engine.Network)
	if !ok {
		return "", false
	}
	name := n.FindSocket(proto, host, port)
	return name, name != ""
}

// uacResult is t_uac_dlg's answer, with OpenSIPS's keys and order.
type uacResult struct {
	Status  string   `json:"Status"`
	RURI    string   `json:"RURI,omitempty"`
	NextHop string   `json:"Next-hop,omitempty"`
	Routes  []string `json:"Routes,omitempty"`
	Message *string  `json:"Message,omitempty"`
}

func uacAnswer(r LocalResult) uacResult {
	out := uacResult{Status: r.Status()}
	m := r.Reply
	if m == nil {
		return out
	}
	if r.Code >= 200 && r.Code < 300 {
		out.RURI, out.NextHop, out.Routes = dialogHooks(m)
	}
	raw := m.Raw()
	msg := ""
	if hs := m.Headers(); len(hs) > 0 {
		msg = raw[hs[0].Start:]
	}
	out.Message = &msg
	return out
}

// dialogHooks are the Request-URI, next hop and route set of the dialog
// a 2xx makes (RFC 3261 §12.1.2, §12.2.1.1), as OpenSIPS prints them:
// with a loose first route the remote target is the Request-URI and the
// route the next hop; with a strict one the route is both, and the remote
// target ends the route set.
func dialogHooks(m *sip.Msg) (ruri, next string, routes []string) {
	target := ""
	if cs, err := m.Contacts(); err == nil && !cs.Star && len(cs.List) > 0 {
		target = cs.List[0].URI.Raw
	}
	rrs, err := m.RecordRoutes()
	if err != nil || len(rrs) == 0 {
		return target, target, nil
	}
	raw := m.Raw()
	for i := len(rrs) - 1; i >= 0; i-- {
		routes = append(routes, raw[rrs[i].Start:rrs[i].End])
	}
	first := rrs[len(rrs)-1].URI
	if first.Params.Has("lr") {
		return target, first.Raw, routes
	}
	routes = routes[1:]
	if target != "" {
		routes = append(routes, "<"+target+">")
	}
	return first.Raw, first.Raw, routes
}

// miUACCancel is t_uac_cancel: it CANCELs every branch of the INVITE
// transaction with that Call-ID and CSeq number, one tm sent itself or
// one it proxies (OpenSIPS's cancel_uacs); "cseq" is the number, with or
// without the method.
func miUACCancel(_ context.Context, p engine.MIParams) (any, error) {
	callID, err := p.Get("callid")
	if err != nil {
		return nil, err
	}
	cseq, err := p.Get("cseq")
	if err != nil {
		return nil, err
	}
	num, method, _ := strings.Cut(strings.TrimSpace(cseq), " ")
	n, err := strconv.ParseUint(num, 10, 32)
	if err != nil || (method != "" && !strings.EqualFold(strings.TrimSpace(method), "INVITE")) {
		return nil, miErr(481, "No such transaction")
	}
	tx := findInvite(strings.TrimSpace(callID), uint32(n))
	if tx == nil {
		return nil, miErr(481, "No such transaction")
	}
	tx.mu.Lock()
	if tx.local {
		tx.cancelLocked()
	} else {
		for _, b := range tx.branches {
			b.cancelLocked()
		}
	}
	tx.mu.Unlock()
	return "OK", nil
}

// findInvite scans the table for the INVITE transaction with callID and
// CSeq number n that is still waiting for its final reply.
func findInvite(callID string, n uint32) *Transaction {
	for shard := range shardCount {
		for _, tx := range servers.values(shard) {
			tx.mu.Lock()
			match := false
			if tx.method == sip.MethodInvite && tx.state == serverProceeding && !tx.destroyed {
				id, err1 := tx.request.CallID()
				c, err2 := tx.request.CSeq()
				match = err1 == nil && err2 == nil && id == callID && c.Seq == n
			}
			tx.mu.Unlock()
			if match {
				return tx
			}
		}
	}
	return nil
}

// hashEntry is one entry of t_hash's answer.
type hashEntry struct {
	Index   int    `json:"index"`
	Current int    `json:"Current"`
	Total   uint64 `json:"Total"`
}

// miHash is t_hash: the transactions in each shard of the table now
// (Current) and ever (Total); switchboard's table has 64 shards where
// OpenSIPS's has 65536 entries.
func miHash(context.Context, engine.MIParams) (any, error) {
	out := make([]hashEntry, shardCount)
	for i := range out {
		cur, total := servers.shardStats(i)
		out[i] = hashEntry{Index: i, Current: cur, Total: total}
	}
	return out, nil
}

// miReply is t_reply: a reply to the server transaction trans_id names
// ($T_id), with to_tag in To, new_headers and a body.
func miReply(_ context.Context, p engine.MIParams) (any, error) {
	code, err := p.GetInt("code")
	if err != nil {
		return nil, err
	}
	if code < 100 || code >= 700 {
		return nil, miErr(400, "Invalid reply code")
	}
	reason, err := p.Get("reason")
	if err != nil {
		return nil, err
	}
	id, err := p.Get("trans_id")
	if err != nil {
		return nil, err
	}
	hash, label, perr := parseTransID(strings.TrimSpace(id))
	if perr != nil {
		return nil, &engine.MIError{Code: 400, Message: "Invalid trans_id", Data: perr.Error()}
	}
	toTag, err := p.Get("to_tag")
	if err != nil {
		return nil, err
	}
	newHeaders, _, err := optional(p, "new_headers")
	if err != nil {
		return nil, err
	}
	body, _, err := optional(p, "body")
	if err != nil {
		return nil, err
	}
	var fields []sip.Field
	if newHeaders != "" {
		h, err := parseUACHeaders(newHeaders)
		if err != nil || h.hasFrom || h.hasTo || h.callID != "" || h.cseq != "" || h.contentLength != "" {
			return nil, &engine.MIError{Code: 400, Message: "Bad headers", Data: "new_headers must be header lines other than From, To, Call-ID, CSeq, Content-Length"}
		}
		for _, line := range strings.Split(strings.TrimSuffix(h.lines, "\r\n"), "\r\n") {
			name, value, _ := strings.Cut(line, ": ")
			fields = append(fields, sip.Field{Name: name, Value: value})
		}
	}
	if strings.ContainsAny(reason, "\r\n") || strings.ContainsAny(toTag, "\r\n;,<> ") {
		return nil, miErr(400, "Reply failed")
	}
	tx := lookupTransID(hash, label)
	if tx == nil {
		return nil, miErr(404, "Transaction not found")
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.local {
		return nil, miErr(404, "Transaction not found")
	}
	if toTag != "" {
		tx.toTag = toTag
	}
	if tx.replyWithLocked(code, reason, fields, body) < 0 {
		return nil, miErr(500, "Reply failed")
	}
	return "OK", nil
}
