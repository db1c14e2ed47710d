package tm

import (
	"strconv"

	"switchboard/engine"
)

// statSpecs exports the counters under OpenSIPS's tm names.
// inuse_transactions is a gauge: a reset would make it lie.
func statSpecs() []engine.StatSpec {
	specs := []engine.StatSpec{
		engine.CounterStat("received_replies", &Stats.ReceivedReplies),
		engine.CounterStat("relayed_replies", &Stats.RelayedReplies),
		engine.CounterStat("local_replies", &Stats.LocalReplies),
		engine.CounterStat("UAS_transactions", &Stats.UAS),
		engine.CounterStat("UAC_transactions", &Stats.UAC),
	}
	for class := 2; class <= 6; class++ {
		specs = append(specs, engine.CounterStat(strconv.Itoa(class)+"xx_transactions", &Stats.Final[class]))
	}
	specs = append(specs, engine.GaugeStat("inuse_transactions", Stats.Inuse.Load))
	for i, name := range []string{"retransmission_req_T1_1", "retransmission_req_T1_2", "retransmission_req_T1_3", "retransmission_req_T2"} {
		specs = append(specs, engine.CounterStat(name, &Stats.RetransReq[i]))
	}
	return append(specs,
		engine.CounterStat("retransmission_rpl_T2", &Stats.RetransRpl),
		engine.CounterStat("timeout_finalresponse", &Stats.TimeoutFR),
		engine.CounterStat("timeout_finalresponse_inv", &Stats.TimeoutFRInv))
}
