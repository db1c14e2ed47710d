package builtin

import (
	"fmt"
	"time"

	"switchboard/engine"
	"switchboard/events"
)

// CoreEvents are the events the core raises (OpenSIPS Interface-
// CoreEvents), with their parameters.
var CoreEvents = []engine.EventSpec{
	{Name: "E_CORE_THRESHOLD", Params: []string{"source", "time", "extra"}},
	{Name: "E_CORE_SHM_THRESHOLD", Params: []string{"usage", "threshold", "used", "size"}},
	{Name: "E_CORE_TCP_DISCONNECT", Params: []string{"src_ip", "src_port", "dst_ip", "dst_port", "proto"}},
	{Name: "E_CORE_LOG", Params: []string{"time", "pid", "level", "module", "function", "prefix", "message"}},
	{Name: "E_CORE_SR_STATUS_CHANGED", Params: []string{"group", "identifier", "status", "details", "old_status"}},
}

// UnsupportedCoreEvents are OpenSIPS core events switchboard never raises:
// it has no per-process private memory and no process auto-scaling. An
// event_route for one of them fails the check as not supported.
var UnsupportedCoreEvents = []string{"E_CORE_PKG_THRESHOLD", "E_CORE_PROC_AUTO_SCALE"}

// scriptEvent is the fixed-up event name of raise_event and
// subscribe_event: the event, published when the script is checked (as
// OpenSIPS's fixup_event_name publishes script events).
type scriptEvent struct{ ev *events.Event }

func (s scriptEvent) EventName() string { return s.ev.Name() }

var _ engine.EventRef = scriptEvent{}

func fixupEventName(name string) (any, error) {
	ev, err := events.Default.Publish(name)
	if err != nil {
		return nil, err
	}
	return scriptEvent{ev}, nil
}

// fixupSocket checks a constant socket's shape (scheme:address) when the
// script is checked; whether a loaded module serves the scheme is known
// only once the modules run.
func fixupSocket(s string) (any, error) {
	if _, _, err := events.SplitSocket(s); err != nil {
		return nil, err
	}
	return nil, nil
}

// eventArg returns the event an argument names: fixed at load, or
// published now when it came from a variable.
func eventArg(a engine.Arg) (*events.Event, error) {
	if se, ok := a.Fixed.(scriptEvent); ok {
		return se.ev, nil
	}
	return events.Default.Publish(a.Str)
}

// listVar is a variable with several values ($avp): raise_event walks
// them newest first, as OpenSIPS walks an AVP list.
type listVar interface {
	All(ctx *engine.Context) []engine.Value
}

func eventFunctions() []engine.Function {
	return []engine.Function{
		{Name: "raise_event", Args: []engine.ArgSpec{
			{Kind: engine.ArgStr, Fixup: fixupEventName},
			{Kind: engine.ArgVar, Optional: true},
			{Kind: engine.ArgVar, Optional: true},
		}, Run: raiseEvent},
		{Name: "subscribe_event", Args: []engine.ArgSpec{
			{Kind: engine.ArgStr, Fixup: fixupEventName},
			{Kind: engine.ArgStr, Fixup: fixupSocket},
			{Kind: engine.ArgInt, Optional: true},
		}, Run: subscribeEvent},
	}
}

// raiseEvent is raise_event(event, [attrs], [vals]). With both AVPs the
// event carries named parameters, attrs[i] = vals[i]; with one AVP, as in
// OpenSIPS 3.6's code (its documentation says otherwise), that AVP is the
// attribute list and the event goes without parameters. Values are taken
// newest first, the order OpenSIPS walks an AVP.
func raiseEvent(ctx *engine.Context, args []engine.Arg) int {
	ev, err := eventArg(args[0])
	if err != nil {
		logf(ctx, "raise_event: %v", err)
		return -1
	}
	if !ev.Active() {
		return 1
	}
	var params events.Params
	if args[2].Set {
		vals, ok := args[2].Var.(listVar)
		if !ok {
			logf(ctx, "raise_event: the values must be an AVP")
			return -1
		}
		values := vals.All(ctx)
		var names []engine.Value
		if args[1].Set {
			attrs, ok := args[1].Var.(listVar)
			if !ok {
				logf(ctx, "raise_event: the attributes must be an AVP")
				return -1
			}
			names = attrs.All(ctx)
			if len(names) < len(values) {
				logf(ctx, "raise_event: %s: missing attribute names (%d names, %d values)", ev.Name(), len(names), len(values))
				return -1
			}
			if len(names) > len(values) {
				logf(ctx, "raise_event: %s: too many attribute names", ev.Name())
			}
		}
		params = make(events.Params, len(values))
		for i, v := range values {
			if names != nil {
				if !names[i].IsStr() {
					logf(ctx, "raise_event: %s: invalid attribute name, must be a string", ev.Name())
					return -1
				}
				params[i].Name = names[i].Str
			}
			params[i].Value = eventValue(v)
		}
	}
	ev.RaiseDepth(params, ctx.EventDepth)
	return 1
}

// eventValue turns a script value into an event parameter value: a string
// stays a string, an integer an int, null nil.
func eventValue(v engine.Value) any {
	switch {
	case v.IsStr():
		return v.Str
	case v.IsInt():
		return v.Int
	}
	return nil
}

// subscribeEvent is subscribe_event(event, socket, [expire]): expire in
// seconds, none or 0 for a subscription that never expires.
func subscribeEvent(ctx *engine.Context, args []engine.Arg) int {
	ev, err := eventArg(args[0])
	if err != nil {
		logf(ctx, "subscribe_event: %v", err)
		return -1
	}
	expire := 0
	if args[2].Set {
		expire = args[2].Int
	}
	if expire < 0 {
		logf(ctx, "subscribe_event: %s: negative expire %d", ev.Name(), expire)
		return -1
	}
	if err := events.Default.Subscribe(ev.Name(), args[1].Str, time.Duration(expire)*time.Second); err != nil {
		logf(ctx, "subscribe_event: %s: %v", ev.Name(), err)
		return -1
	}
	return 1
}

func logf(ctx *engine.Context, format string, a ...any) {
	logger(ctx).Error(fmt.Sprintf(format, a...))
}
