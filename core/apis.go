package core

import "switchboard/engine"

// Modules that cooperate do it through APIs the provider registers here,
// never through each other's packages, as OpenSIPS modules bind
// load_tm_api. A provider sets its API from init(), before anything runs,
// so readers need no lock.

// ReplyFunc replies to the request in ctx and returns the script code.
type ReplyFunc func(ctx *engine.Context, code int, reason string) int

// TransactionReplyFunc replies through the request's transaction; ok is
// false when the request has none (then the caller replies statelessly).
type TransactionReplyFunc func(ctx *engine.Context, code int, reason string) (ret int, ok bool)

var (
	statelessReply   ReplyFunc
	transactionReply TransactionReplyFunc
)

// ProvideStatelessReply is called by sl.
func ProvideStatelessReply(f ReplyFunc) { statelessReply = f }

// StatelessReply returns sl's reply function, nil when sl is not built.
func StatelessReply() ReplyFunc { return statelessReply }

// ProvideTransactionReply is called by tm.
func ProvideTransactionReply(f TransactionReplyFunc) { transactionReply = f }

// TransactionReply returns tm's reply function, nil when tm is not built.
func TransactionReply() TransactionReplyFunc { return transactionReply }

// Reply answers the request in ctx through its transaction when tm has
// one, else statelessly through sl: what signaling's send_reply does, and
// how modules (registrar, auth) answer. -1 when neither is built.
func Reply(ctx *engine.Context, code int, reason string) int {
	if tm := transactionReply; tm != nil {
		if ret, ok := tm(ctx, code, reason); ok {
			return ret
		}
	}
	if sl := statelessReply; sl != nil {
		return sl(ctx, code, reason)
	}
	return -1
}
