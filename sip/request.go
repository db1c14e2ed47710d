package sip

import "strconv"

// Request describes a request a SIP element originates: tm's local
// requests, a registrar's or presence server's NOTIFY, dispatcher's
// OPTIONS probes.
type Request struct {
	Method     string
	RequestURI string
	Via        []string // Via values, topmost first
	// MaxForwards is written as is; a negative value omits the header.
	MaxForwards int
	From, To    string // full values, tags included
	CallID      string
	CSeq        uint32
	Route       []string // Route values, topmost first
	Contact     string
	Headers     []Field
	ContentType string
	Body        string
}

// AppendRequest writes r into dst.
func AppendRequest(dst []byte, r *Request) []byte {
	dst = append(dst, r.Method...)
	dst = append(dst, ' ')
	dst = append(dst, r.RequestURI...)
	dst = append(dst, " SIP/2.0\r\n"...)
	for _, v := range r.Via {
		dst = appendField(dst, "Via", v)
	}
	if r.MaxForwards >= 0 {
		dst = append(dst, "Max-Forwards: "...)
		dst = strconv.AppendInt(dst, int64(r.MaxForwards), 10)
		dst = append(dst, "\r\n"...)
	}
	for _, v := range r.Route {
		dst = appendField(dst, "Route", v)
	}
	dst = appendField(dst, "From", r.From)
	dst = appendField(dst, "To", r.To)
	dst = appendField(dst, "Call-ID", r.CallID)
	dst = append(dst, "CSeq: "...)
	dst = strconv.AppendUint(dst, uint64(r.CSeq), 10)
	dst = append(dst, ' ')
	dst = append(dst, r.Method...)
	dst = append(dst, "\r\n"...)
	if r.Contact != "" {
		dst = appendField(dst, "Contact", r.Contact)
	}
	return appendTail(dst, r.Headers, r.ContentType, r.Body)
}

// AppendCancel writes the CANCEL for an INVITE as it was sent on one
// branch (RFC 3261 §9.1): the same Request-URI, top Via, From, To, Call-ID,
// CSeq number and Route set. inv is the INVITE as sent, that is the bytes
// written for the branch parsed again, since the branch's own Via exists
// only there.
func AppendCancel(dst []byte, inv *Msg) ([]byte, error) {
	return appendHopRequest(dst, inv, nil, "CANCEL")
}

// AppendAck writes the ACK for a non-2xx final response to an INVITE sent
// on one branch (RFC 3261 §17.1.1.3): like the INVITE's CANCEL, but with
// the To of the response, which carries the UAS's tag.
func AppendAck(dst []byte, inv, resp *Msg) ([]byte, error) {
	return appendHopRequest(dst, inv, resp, "ACK")
}

func appendHopRequest(dst []byte, inv, resp *Msg, method string) ([]byte, error) {
	if !inv.isRequest || inv.method != MethodInvite {
		return dst, &ParseError{Reason: method + " needs the INVITE it belongs to"}
	}
	top, err := inv.Via()
	if err != nil {
		return dst, err
	}
	cseq, err := inv.CSeq()
	if err != nil {
		return dst, err
	}
	toMsg := inv
	if resp != nil {
		toMsg = resp
	}
	to, ok := toMsg.Header(HdrTo)
	if !ok {
		return dst, &ParseError{Header: "To", Reason: "missing To"}
	}
	r := Request{
		Method:      method,
		RequestURI:  inv.NewRequestURI(),
		Via:         []string{inv.raw[top.Start:top.End]},
		MaxForwards: 70,
		From:        inv.Value(HdrFrom),
		To:          to.Value,
		CallID:      inv.Value(HdrCallID),
		CSeq:        cseq.Seq,
	}
	for i := range inv.headers {
		if h := &inv.headers[i]; h.Type == HdrRoute {
			r.Route = append(r.Route, h.Value)
		}
	}
	return AppendRequest(dst, &r), nil
}

// ReasonPhrase returns the RFC 3261 §21 (and extensions') reason phrase of a
// status code, or a class phrase for codes without one.
func ReasonPhrase(code int) string {
	if p, ok := reasonPhrases[code]; ok {
		return p
	}
	switch code / 100 {
	case 1:
		return "Trying"
	case 2:
		return "OK"
	case 3:
		return "Redirection"
	case 4:
		return "Client Error"
	case 5:
		return "Server Error"
	default:
		return "Global Failure"
	}
}

var reasonPhrases = map[int]string{
	100: "Trying", 180: "Ringing", 181: "Call Is Being Forwarded", 182: "Queued",
	183: "Session Progress", 199: "Early Dialog Terminated",
	200: "OK", 202: "Accepted", 204: "No Notification",
	300: "Multiple Choices", 301: "Moved Permanently", 302: "Moved Temporarily",
	305: "Use Proxy", 380: "Alternative Service",
	400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
	404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
	407: "Proxy Authentication Required", 408: "Request Timeout", 410: "Gone",
	412: "Conditional Request Failed", 413: "Request Entity Too Large",
	414: "Request-URI Too Long", 415: "Unsupported Media Type",
	416: "Unsupported URI Scheme", 417: "Unknown Resource-Priority", 420: "Bad Extension",
	421: "Extension Required", 422: "Session Interval Too Small", 423: "Interval Too Brief",
	428: "Use Identity Header", 429: "Provide Referrer Identity", 433: "Anonymity Disallowed",
	436: "Bad Identity-Info", 437: "Unsupported Certificate", 438: "Invalid Identity Header",
	439: "First Hop Lacks Outbound Support", 440: "Max-Breadth Exceeded",
	469: "Bad Info Package", 470: "Consent Needed",
	480: "Temporarily Unavailable", 481: "Call/Transaction Does Not Exist",
	482: "Loop Detected", 483: "Too Many Hops", 484: "Address Incomplete", 485: "Ambiguous",
	486: "Busy Here", 487: "Request Terminated", 488: "Not Acceptable Here",
	489: "Bad Event", 491: "Request Pending", 493: "Undecipherable",
	494: "Security Agreement Required",
	500: "Server Internal Error", 501: "Not Implemented", 502: "Bad Gateway",
	503: "Service Unavailable", 504: "Server Time-out", 505: "Version Not Supported",
	513: "Message Too Large", 555: "Push Notification Service Not Supported",
	580: "Precondition Failure",
	600: "Busy Everywhere", 603: "Decline", 604: "Does Not Exist Anywhere",
	606: "Not Acceptable", 607: "Unwanted", 608: "Rejected",
}
