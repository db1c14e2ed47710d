package sip

import (
	"errors"
	"strconv"
)

// Field is a header to write: "Name: Value".
type Field struct {
	Name, Value string
}

// Reply describes a reply a SIP element builds itself to a request it
// received (sl_send_reply, t_reply, a registrar's 200 OK).
type Reply struct {
	Code   int
	Reason string // empty means the RFC 3261 phrase for Code

	// ToTag is added to To when the request's To has no tag and Code is
	// above 100 (RFC 3261 §8.2.6.2).
	ToTag string

	// Received and RPort complete the top Via as RFC 3261 §18.2.1 and RFC
	// 3581 §4 say: received is added when set, and rport is given its
	// value when the request carried an empty rport and RPort is set.
	Received string
	RPort    int
	// ForceRPort adds rport=RPort to a Via that has no rport (the
	// script's force_rport).
	ForceRPort bool

	Headers     []Field
	ContentType string
	Body        string
}

// ErrNotRequest is returned when a reply is asked for a response.
var ErrNotRequest = errors.New("sip: reply to a message that is not a request")

// AppendReply writes the reply r to req into dst. It copies, as received,
// the Via headers, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2), and the
// Record-Route headers for a 101-299 reply (§12.1.1), then r's headers, a
// Content-Length and the body. It needs a Via that parses and a To
// header; a To that does not parse is copied without a tag, so a request
// that failed Check can still be answered 400.
func AppendReply(dst []byte, req *Msg, r *Reply) ([]byte, error) {
	if !req.isRequest {
		return dst, ErrNotRequest
	}
	via, err := req.Via()
	if err != nil {
		return dst, err
	}
	// A To that does not parse (the 400 for RFC 4475 badaspec or quotbal)
	// is copied as received, without a tag: the reply must still go out.
	to, toErr := req.To()
	if _, ok := req.Header(HdrTo); !ok {
		return dst, toErr
	}
	reason := r.Reason
	if reason == "" {
		reason = ReasonPhrase(r.Code)
	}
	if n := replySize(req, r, reason); cap(dst)-len(dst) < n {
		dst = append(make([]byte, 0, len(dst)+n), dst...)
	}
	dst = append(dst, "SIP/2.0 "...)
	dst = strconv.AppendInt(dst, int64(r.Code), 10)
	dst = append(dst, ' ')
	dst = append(dst, reason...)
	dst = append(dst, "\r\n"...)

	copyRR := r.Code > 100 && r.Code < 300
	topVia := true
	for i := range req.headers {
		h := &req.headers[i]
		switch h.Type {
		case HdrVia:
			if topVia {
				dst = appendTopVia(dst, req, h, via, r)
				topVia = false
				continue
			}
		case HdrTo:
			// Only the To header that was parsed gets the tag: a message
			// that failed Check may carry several (RFC 4475 multi01).
			if toErr == nil && r.ToTag != "" && r.Code > 100 && to.Tag() == "" && h.Start <= to.Start && to.End <= h.End {
				dst = append(dst, req.raw[h.Start:to.End]...)
				dst = append(dst, ";tag="...)
				dst = append(dst, r.ToTag...)
				dst = append(dst, req.raw[to.End:h.End]...)
				continue
			}
		case HdrFrom, HdrCallID, HdrCSeq:
		case HdrRecordRoute:
			if !copyRR {
				continue
			}
		default:
			continue
		}
		dst = appendLine(dst, req.raw[h.Start:h.End])
	}
	return appendTail(dst, r.Headers, r.ContentType, r.Body), nil
}

// replySize is at least the length of the reply to req, so that the reply
// is written into one allocation: the copied headers are part of the
// request's header section, the rest is what r adds.
func replySize(req *Msg, r *Reply, reason string) int {
	n := req.headerEnd + len(reason) + len(r.ToTag) + len(r.Received) + len(r.ContentType) + len(r.Body) + 96
	for _, f := range r.Headers {
		n += len(f.Name) + len(f.Value) + 4
	}
	return n
}

// appendTopVia copies the top Via line with rport given its value and
// received added.
func appendTopVia(dst []byte, req *Msg, h *Header, via *Via, r *Reply) []byte {
	pos := h.Start
	if via.Start < h.Start || via.End > h.End {
		return appendLine(dst, req.raw[h.Start:h.End]) // not from this line
	}
	if r.RPort != 0 && via.HasRPort && via.RPort == "" {
		if end, ok := paramNameEnd(via.Params, "rport"); ok {
			at := via.End - len(via.Params) + end
			dst = append(dst, req.raw[pos:at]...)
			dst = append(dst, '=')
			dst = strconv.AppendInt(dst, int64(r.RPort), 10)
			pos = at
		}
	}
	if r.Received != "" {
		dst = append(dst, req.raw[pos:via.End]...)
		dst = append(dst, ";received="...)
		dst = append(dst, r.Received...)
		pos = via.End
	}
	if r.ForceRPort && r.RPort != 0 && !via.HasRPort {
		dst = append(dst, req.raw[pos:via.End]...)
		dst = append(dst, ";rport="...)
		dst = strconv.AppendInt(dst, int64(r.RPort), 10)
		pos = via.End
	}
	return appendLine(dst, req.raw[pos:h.End])
}

// paramNameEnd returns the index in p just past the name of the first
// valueless parameter called name.
func paramNameEnd(p Params, name string) (int, bool) {
	for param, i, more := p.next(0); more; param, i, more = p.next(i) {
		if EqualFold(param.Name, name) && param.Value == "" {
			return i, true
		}
	}
	return 0, false
}

// appendLine copies a header line, making sure it ends with CRLF even when
// it was received with a bare LF.
func appendLine(dst []byte, line string) []byte {
	n := len(line)
	switch {
	case n >= 2 && line[n-2] == '\r' && line[n-1] == '\n':
		return append(dst, line...)
	case n >= 1 && line[n-1] == '\n':
		dst = append(dst, line[:n-1]...)
	default:
		dst = append(dst, line...)
	}
	return append(dst, "\r\n"...)
}

// appendTail writes extra headers, Content-Type, Content-Length, the empty
// line and the body.
func appendTail(dst []byte, headers []Field, contentType, body string) []byte {
	for _, f := range headers {
		dst = appendField(dst, f.Name, f.Value)
	}
	if contentType != "" {
		dst = appendField(dst, "Content-Type", contentType)
	}
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(body)), 10)
	dst = append(dst, "\r\n\r\n"...)
	return append(dst, body...)
}

func appendField(dst []byte, name, value string) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}
