package core

import (
	"errors"
	"strconv"

	"switchboard/sip"
)

// LocalRequest is a request the element originates itself, through tm
// (OpenSIPS's t_uac, which modules reach with load_tm_api): the MI
// command t_uac_dlg, the script function t_new_request, and modules
// that send requests of their own (probes, in-dialog requests).
type LocalRequest struct {
	Method string
	RURI   string
	// From and To are the header values; From gets a tag when it has
	// none (RFC 3261 §8.1.1.3).
	From, To string
	CallID   string // "": a new one
	CSeq     uint32 // 0: 10, OpenSIPS's DEFAULT_CSEQ
	// Headers are further header lines, each ended by CRLF. A
	// Max-Forwards among them replaces the default 70.
	Headers string
	Body    string
	// NextHop is the SIP URI the request is sent to (an outbound proxy);
	// "" sends it to RURI.
	NextHop string
	// Socket is the socket to send from, "proto:host:port" as the core
	// names it; "" lets the destination choose.
	Socket string
	// Context is t_new_request's ctx: $avp(uac_ctx) in local_route.
	Context string
}

// LocalResult is how a local request ended: its final reply.
type LocalResult struct {
	Code   int
	Reason string
	// Reply is the reply received; nil when tm ended the transaction
	// itself (408 on timeout, 487 when cancelled before any reply).
	Reply *sip.Msg
}

// Status is the reply's status as OpenSIPS's MI prints it: "200 OK".
func (r LocalResult) Status() string { return strconv.Itoa(r.Code) + " " + r.Reason }

// Errors of a LocalRequestFunc.
var (
	ErrNoServer            = errors.New("no server is running to send the request")
	ErrLocalRequestDropped = errors.New("local_route dropped the request")
)

// LocalRequestFunc sends r statefully; done, when not nil, gets the
// final reply, called from tm with the transaction locked: it must be
// quick and must not call back into tm.
type LocalRequestFunc func(r *LocalRequest, done func(LocalResult)) error

var localRequests LocalRequestFunc

// ProvideLocalRequests is called by tm.
func ProvideLocalRequests(f LocalRequestFunc) { localRequests = f }

// LocalRequests returns tm's local request function, nil when tm is not
// built.
func LocalRequests() LocalRequestFunc { return localRequests }
