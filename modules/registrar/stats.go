package registrar

import "switchboard/engine"

// statSpecs exports the registrar's statistics: two counters and, as
// OpenSIPS does, three parameters (default_expire is the code's name;
// its README says defaults_expires).
func statSpecs() []engine.StatSpec {
	param := func(pick func(d, m, c int) int) func() int64 {
		return func() int64 { return int64(pick(Params())) }
	}
	return []engine.StatSpec{
		engine.GaugeStat("max_expires", param(func(_, m, _ int) int { return m })),
		engine.GaugeStat("max_contacts", param(func(_, _, c int) int { return c })),
		engine.GaugeStat("default_expire", param(func(d, _, _ int) int { return d })),
		engine.CounterStat("accepted_regs", &Stats.AcceptedRegs),
		engine.CounterStat("rejected_regs", &Stats.RejectedRegs),
	}
}
