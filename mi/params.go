package mi

import (
	"switchboard/engine"
)

// Details of -32602 Invalid params, word for word OpenSIPS's (mi/mi.h),
// since scripts around opensips-cli match on them.
const (
	detailCount     = "Too few or too many parameters"
	detailAmbiguous = "Ambiguous call, use named parameters instead"
	detailNames     = "Named parameters do not match"
	detailNamedOnly = "Command only supports named parameters"
)

// matchRecipe picks the recipe a call's parameters fit, the way
// OpenSIPS's get_cmd_recipe does: no parameters match the empty recipe;
// positional ones the single recipe of that size (two are ambiguous);
// named ones the recipe of that size whose names they all give.
func matchRecipe(cmd *Command, named map[string]any, positional []any, isPositional bool) (engine.MIParams, *engine.MIError) {
	count := len(named)
	if isPositional {
		count = len(positional)
	}
	if isPositional && count > 0 && cmd.NamedOnly {
		return engine.MIParams{}, invalidParams(detailNamedOnly)
	}
	detail := detailCount
	var match []string
	found := false
	for _, recipe := range cmd.recipes() {
		if len(recipe) != count {
			continue
		}
		if count == 0 {
			return engine.NewMIParams(nil, map[string]any{}), nil
		}
		if isPositional {
			if found {
				return engine.MIParams{}, invalidParams(detailAmbiguous)
			}
			match, found = recipe, true
			continue
		}
		detail = detailNames
		if hasAll(named, recipe) {
			return engine.NewMIParams(recipe, named), nil
		}
	}
	if !found {
		return engine.MIParams{}, invalidParams(detail)
	}
	values := make(map[string]any, len(match))
	for i, name := range match {
		values[name] = positional[i]
	}
	return engine.NewMIParams(match, values), nil
}

func hasAll(named map[string]any, recipe []string) bool {
	for _, name := range recipe {
		if _, ok := named[name]; !ok {
			return false
		}
	}
	return true
}

func invalidParams(detail string) *engine.MIError {
	return &engine.MIError{Code: CodeInvalidParams, Message: "Invalid params", Data: detail}
}
