// Package maxfwd is the OpenSIPS maxfwd module: it adds, decrements and
// checks the Max-Forwards header that stops requests from looping
// (RFC 3261 §16.6 step 3).
package maxfwd

import (
	"fmt"

	"switchboard/core"
	"switchboard/engine"
)

// upperLimit bounds max_limit and the function arguments, as OpenSIPS
// does (MAXFWD_UPPER_LIMIT).
const upperLimit = 256

// maxLimit is the max_limit modparam: no request leaves with a higher
// Max-Forwards than this. It is set before any script runs and only read
// afterwards.
var maxLimit = upperLimit

func init() {
	core.Register(&engine.Module{
		Name: "maxfwd",
		Params: []engine.Param{{Name: "max_limit", Kind: engine.ParamInt, Set: func(v engine.Value) error {
			if v.Int < 1 || v.Int > upperLimit {
				return fmt.Errorf("max_limit %d is out of range [1,%d]", v.Int, upperLimit)
			}
			maxLimit = v.Int
			return nil
		}}},
		Functions: []engine.Function{
			{
				Name:   "mf_process_maxfwd_header",
				Args:   []engine.ArgSpec{{Kind: engine.ArgInt, Fixup: fixupLimit}},
				Routes: engine.RequestRoute,
				Run:    processMaxForwards,
			},
			{
				Name:   "is_maxfwd_lt",
				Args:   []engine.ArgSpec{{Kind: engine.ArgInt, Fixup: fixupLimit}},
				Routes: engine.RequestRoute | engine.FailureRoute | engine.BranchRoute,
				Run:    isMaxForwardsLess,
			},
		},
	})
}

// fixupLimit checks a constant argument at load time: a number in
// [1,256], as OpenSIPS's fixup_maxfwd_header requires. The value itself
// reaches Run as Arg.Int.
func fixupLimit(s string) (any, error) {
	n, ok := parseHops(s)
	if !ok || n < 1 || n > upperLimit {
		return nil, fmt.Errorf("invalid Max-Forwards value %q: must be a number from 1 to %d", s, upperLimit)
	}
	if n > maxLimit {
		return nil, fmt.Errorf("Max-Forwards value %d is above max_limit %d", n, maxLimit)
	}
	return n, nil
}
