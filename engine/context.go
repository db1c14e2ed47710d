package engine

import (
	"log/slog"

	"switchboard/sip"
)

// RouteType is the kind of route a script block runs as. Functions declare
// the route types they may be called from.
type RouteType uint16

// Route types (OpenSIPS REQUEST_ROUTE, FAILURE_ROUTE, ...).
const (
	RequestRoute RouteType = 1 << iota
	BranchRoute
	FailureRoute
	OnReplyRoute
	ErrorRoute
	LocalRoute
	StartupRoute
	TimerRoute
	EventRoute

	// AnyRoute allows a function everywhere.
	AnyRoute RouteType = 1<<iota - 1
)

var routeTypeNames = []string{"request_route", "branch_route", "failure_route",
	"onreply_route", "error_route", "local_route", "startup_route", "timer_route", "event_route"}

// String names the first route type in t, as OpenSIPS error messages do.
func (t RouteType) String() string {
	for i, name := range routeTypeNames {
		if t&(1<<i) != 0 {
			return name
		}
	}
	return "no route"
}

// Branch is one destination of a request: the Request-URI branch (0) or
// one added by append_branch, lookup or a module.
type Branch struct {
	URI    string
	DstURI string // $du: where to send, when not the URI
	Path   string
	Q      int // in thousandths; -1 when not set
	Flags  uint64
	Socket string // forced send socket, "proto:ip:port"
}

// Context is the state of one message going through the script: the
// message, its flags, the branches, variables and return values. A worker
// owns it while a route runs; nothing in it is shared.
type Context struct {
	// Msg is the message the route runs on. A received message is the
	// core's: it is reused once the message is processed, so a module that
	// keeps it (or a pointer into it) longer keeps a Clone.
	Msg *sip.Msg

	// Route is the type of the route running now.
	Route RouteType

	// Flags are the message (transaction) flags: setflag, isflagset.
	Flags uint64

	// Branch 0 is the Request-URI branch: its URI is Msg.NewRequestURI,
	// the rest is here ($du, $ru_q, $path, its flags and forced socket).
	// Branches holds the others, as append_branch adds them.
	DstURI      string
	RURIQ       int // in thousandths; -1 when not set (Reset sets it)
	Path        string
	Socket      string
	BranchFlags uint64
	Branches    []Branch

	// Modules are the modules the running program loads, for the core's
	// per-message hooks (BeforeForward).
	Modules []*Module

	// Received says where the message came from.
	Received Received
	// Send is how the script asked the element to send: force_rport,
	// add_local_rport, set_advertised_address... (OpenSIPS's msg_flags and
	// set_global_address/port). tm keeps it with the transaction.
	Send SendOptions
	// Sender sends replies and requests for the modules.
	Sender Sender

	// Log receives what the script logs for this message (xlog); nil
	// means the process logger.
	Log *slog.Logger

	// Vars are the $var variables: per worker, they outlive the message.
	Vars *Vars
	// AVPs are the $avp variables of this message or transaction.
	AVPs *AVPs

	// RetCode is $rc / $retcode: the value of the last function or route.
	RetCode int
	// Params are $param(n) of the route running now, Returns $return(n)
	// of the last route(...) call.
	Params, Returns []Value
	// ParamNames name Params in an event_route (the event's parameter
	// names, for $param(name)); nil in other routes.
	ParamNames []string
	// EventDepth is how many sync event deliveries the running route is
	// nested in (see events.Event.RaiseDepth); 0 outside event_route.
	EventDepth int

	// MsgID numbers the messages a process received ($mi).
	MsgID uint64
	// Err describes the parse error that sent the message to
	// error_route ($err.*).
	Err ErrorInfo

	// ReplyHeaders are headers for the reply the element sends to this
	// request (OpenSIPS's reply lumps: append_to_reply, the auth
	// challenges); sl and tm add them to any reply they build.
	ReplyHeaders []sip.Field

	// Dropped is set by drop: the element must not send or reply.
	Dropped bool
	// Depth counts the route(...) calls being run, to bound recursion.
	Depth int
	// Exit is set when the script must stop: exit, drop, return(0), or a
	// function that returned 0. The runtime clears it for the next run.
	Exit bool

	// args is a stack of function arguments reused across calls, so a call
	// allocates nothing.
	args []Arg
	// state is the per-message state of modules (SetState).
	state []stateEntry
}

// ErrorInfo is the error a message met before the script: what
// error_route reads through $err.class, $err.level, $err.info, $err.rcode
// and $err.rreason.
type ErrorInfo struct {
	Class   int // 1: parse error (OpenSIPS E_CLASS_PARSER)
	Level   int // severity, an OpenSIPS log level
	Info    string
	RCode   int    // the reply it calls for (400...)
	RReason string // and its reason phrase
}

// PushArgs returns n argument slots on the context's argument stack;
// PopArgs releases them. The compiler's call sites use them so that
// evaluating a function's arguments allocates nothing.
func (c *Context) PushArgs(n int) []Arg {
	top := len(c.args)
	if cap(c.args)-top < n {
		grown := make([]Arg, top, 2*cap(c.args)+n)
		copy(grown, c.args)
		c.args = grown
	}
	c.args = c.args[:top+n]
	return c.args[top : top+n : top+n]
}

// PopArgs releases the last n slots.
func (c *Context) PopArgs(n int) {
	clear(c.args[len(c.args)-n:])
	c.args = c.args[:len(c.args)-n]
}

// Reset prepares c for another message, keeping its buffers.
func (c *Context) Reset(m *sip.Msg, route RouteType) {
	vars, avps, args, branches, log, sender, mods := c.Vars, c.AVPs, c.args[:0], c.Branches[:0], c.Log, c.Sender, c.Modules
	clear(c.state)
	state := c.state[:0]
	clear(c.ReplyHeaders)
	replyHeaders := c.ReplyHeaders[:0]
	*c = Context{Msg: m, Route: route, Vars: vars, AVPs: avps, args: args, Branches: branches, RURIQ: -1,
		Log: log, Sender: sender, state: state, Modules: mods, ReplyHeaders: replyHeaders}
	if c.AVPs != nil {
		c.AVPs.Reset()
	}
}
