package pv

import (
	"fmt"

	"switchboard/engine"
)

// statePVs are the core pseudo-variables over the context's own state:
// the Request-URI branch's q and path, the message number and the error
// that sent a message to error_route.
func statePVs() []engine.PVClass {
	return []engine.PVClass{
		{Name: "ru_q", Get: getRURIQ, Set: setRURIQ},
		roPV("path", func(ctx *engine.Context) engine.Value { return strOrNull(ctx.Path) }),
		roPV("mi", func(ctx *engine.Context) engine.Value { return engine.Int(int(ctx.MsgID)) }),
		roPV("err.class", func(ctx *engine.Context) engine.Value { return engine.Int(ctx.Err.Class) }),
		roPV("err.level", func(ctx *engine.Context) engine.Value { return engine.Int(ctx.Err.Level) }),
		roPV("err.info", func(ctx *engine.Context) engine.Value { return strOrNull(ctx.Err.Info) }),
		roPV("err.rcode", func(ctx *engine.Context) engine.Value { return engine.Int(ctx.Err.RCode) }),
		roPV("err.rreason", func(ctx *engine.Context) engine.Value { return strOrNull(ctx.Err.RReason) }),
	}
}

// getRURIQ reads $ru_q: the q of the Request-URI branch in thousandths, -1
// when none was set (OpenSIPS Q_UNSPECIFIED).
func getRURIQ(ctx *engine.Context, _ *engine.PVKey) engine.Value { return engine.Int(ctx.RURIQ) }

func setRURIQ(ctx *engine.Context, _ *engine.PVKey, v engine.Value, _ bool) error {
	if v.IsNull() {
		ctx.RURIQ = -1
		return nil
	}
	q, ok := v.AsInt()
	if !ok || q < -1 || q > 1000 {
		return fmt.Errorf("$ru_q: invalid q %q: want 0 to 1000", v.String())
	}
	ctx.RURIQ = q
	return nil
}
