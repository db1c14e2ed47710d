package core

import (
	"switchboard/engine"
	"switchboard/script/ast"
)

// Origin is what a module needs to send a request of its own, outside
// any received message (tm's t_uac_dlg and t_new_request): a Context
// with the running server as its Sender and the modules of the program
// of the moment, and that program's local_route (nil when the script
// has none), which OpenSIPS runs on every request tm generates.
type Origin struct {
	Ctx        *engine.Context
	LocalRoute engine.Route
}

// LocalOrigin returns a fresh Origin; ok is false when no server runs.
// The Context is the caller's: it is not pooled.
func LocalOrigin() (Origin, bool) {
	st := miCurrent.Load()
	if st == nil || st.server == nil {
		return Origin{}, false
	}
	s := st.server
	prog := s.script.Current().Program
	ctx := &engine.Context{Vars: engine.NewVars(), AVPs: engine.NewAVPs(), Sender: s, Log: s.log.Script,
		Modules: prog.Modules}
	ctx.Reset(nil, engine.LocalRoute)
	ctx.MsgID = s.msgID.Add(1)
	o := Origin{Ctx: ctx}
	if r, ok := prog.Route(ast.LocalRoute, ""); ok {
		o.LocalRoute = r
	}
	return o, true
}
