package builtin

import (
	"fmt"
	"math"
	"strings"

	"switchboard/engine"
	"switchboard/status"
)

// statusFunctions are the script side of the status/report framework.
func statusFunctions() []engine.Function {
	return []engine.Function{
		{Name: "sr_check_status", Args: []engine.ArgSpec{
			{Kind: engine.ArgStr, Fixup: fixupStatusGroup},
			{Kind: engine.ArgStr, Optional: true},
		}, Run: srCheckStatus},
	}
}

// fixupStatusGroup refuses a constant group nobody registered, as
// OpenSIPS's fixup_sr_group does.
func fixupStatusGroup(name string) (any, error) {
	g, ok := status.Default.Group(name)
	if !ok {
		return nil, fmt.Errorf("status/report group %q is not registered", name)
	}
	return g, nil
}

// srCheckStatus is sr_check_status(group, [identifier]): the status of
// the identifier ("main" when not given, the group's aggregate for
// "all"), which the script reads as true when ready (positive) and
// false when not (negative) or when the identifier does not exist.
func srCheckStatus(ctx *engine.Context, args []engine.Arg) int {
	g, ok := args[0].Fixed.(*status.Group)
	if !ok {
		if g, ok = status.Default.Group(args[0].Str); !ok {
			logf(ctx, "sr_check_status: group %q is not registered", args[0].Str)
			return math.MinInt32
		}
	}
	name := status.MainIdentifier
	if args[1].Set {
		name = args[1].Str
	}
	if strings.EqualFold(name, "all") {
		return g.Aggregate()
	}
	id, ok := g.Identifier(name)
	if !ok {
		return math.MinInt32
	}
	st, _ := id.Status()
	return st
}
