package stats

import "time"

// CoreCounters are the core group (OpenSIPS core_stats.c), counted by
// the receive and send paths of package core.
type CoreCounters struct {
	RcvRequests, RcvReplies   *Stat // rcv_requests, rcv_replies
	FwdRequests, FwdReplies   *Stat // fwd_requests, fwd_replies: stateless forwards
	DropRequests, DropReplies *Stat // drop_requests, drop_replies
	ErrRequests, ErrReplies   *Stat // err_requests, err_replies: could not be parsed
	BadURIs                   *Stat // bad_URIs_rcvd
	UnsupportedMethods        *Stat // unsupported_methods
	BadMsgHdr                 *Stat // bad_msg_hdr
	SlowMessages              *Stat // slow_messages
}

// Core is the core group of Default, registered at start-up so that
// counting is a pointer away and never a lookup.
var Core = registerCore(Default)

func registerCore(r *Registry) CoreCounters {
	c := func(name string) *Stat { return r.Counter("core", name, 0) }
	cc := CoreCounters{
		RcvRequests: c("rcv_requests"), RcvReplies: c("rcv_replies"),
		FwdRequests: c("fwd_requests"), FwdReplies: c("fwd_replies"),
		DropRequests: c("drop_requests"), DropReplies: c("drop_replies"),
		ErrRequests: c("err_requests"), ErrReplies: c("err_replies"),
		BadURIs: c("bad_URIs_rcvd"), UnsupportedMethods: c("unsupported_methods"),
		BadMsgHdr: c("bad_msg_hdr"), SlowMessages: c("slow_messages"),
	}
	// timestamp is the current Unix time, which lets a scraper line up
	// the other values; it is not a count, so a reset leaves it alone.
	r.Computed("core", "timestamp", NoReset, func() int64 { return time.Now().Unix() }, nil)
	registerRuntime(r)
	registerNet(r)
	return cc
}
