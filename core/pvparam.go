package core

import (
	"fmt"
	"strings"

	"switchboard/engine"
	"switchboard/script/pv"
)

// ParseVarParam compiles the pseudo-variable a module parameter names
// (registrar's received_avp, auth's password_spec): exactly one PV,
// resolved against the compiled-in PV classes; "" leaves it unset.
func ParseVarParam(param, text string) (engine.Var, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	p := pv.Parser{Registry: Modules}
	spec, n, err := p.ParsePV(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", param, err)
	}
	if n != len(text) {
		return nil, fmt.Errorf("%s: %q is not one pseudo-variable", param, text)
	}
	return spec, nil
}
