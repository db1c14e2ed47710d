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
