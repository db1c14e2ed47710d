package sl

import (
	"strconv"

	"switchboard/engine"
)

// statSpecs exports the counters under OpenSIPS's sl names.
func statSpecs() []engine.StatSpec {
	specs := make([]engine.StatSpec, 0, 9)
	for class := 1; class <= 6; class++ {
		specs = append(specs, engine.CounterStat(strconv.Itoa(class)+"xx_replies", &Stats.Replies[class]))
	}
	return append(specs,
		engine.CounterStat("sent_replies", &Stats.SentReplies),
		engine.CounterStat("sent_err_replies", &Stats.SentErrors),
		engine.CounterStat("received_ACKs", &Stats.ReceivedACKs))
}
