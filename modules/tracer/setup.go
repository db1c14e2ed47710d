package tracer

import (
	"switchboard/core"
	"switchboard/engine"
)

// The script side of OpenSIPS's tracer (trace(), trace_id, the database
// and SIP duplication) is not built: the script checker reports each of
// them as not supported. What is here is the dynamic tracing that
// opensips-cli's trace command drives over the MI.
func init() {
	core.Register(&engine.Module{
		Name: "tracer",
		Params: []engine.Param{
			engine.BoolParam("trace_on", func(on bool) { pendingOn = on }),
		},
		MI: []engine.MICommand{
			{Name: "trace_start", Help: "start a dynamic trace: id, uri (hep:IP:PORT[;transport=tcp]), filter (caller=, callee=, ip=), scope, type",
				Params: [][]string{{"id", "uri"}, {"id", "uri", "filter"}, {"id", "uri", "filter", "scope", "type"}},
				Run:    miStart},
			{Name: "trace_stop", Help: "stop the dynamic trace id", Params: [][]string{{"id"}}, Run: miStop},
			{Name: "trace", Help: "show the tracing state and destinations, or set the global state (mode=on|off)",
				Params: [][]string{nil, {"id"}, {"mode"}, {"id", "mode"}}, NamedOnly: true, Run: miTrace},
		},
		Init:     start,
		Shutdown: stop,
	})
}

// pendingOn is trace_on of the script being loaded.
var pendingOn = true

func start() error {
	global.reset(pendingOn)
	pendingOn = true
	return nil
}

func stop() { global.reset(true) }
