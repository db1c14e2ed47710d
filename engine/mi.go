package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// MICommand is a management command a module (or the core) exports:
// OpenSIPS's mi_export_t. Params lists the accepted parameter sets, the
// "recipes": a call matches the recipe with the names it gives (named
// parameters) or with as many names as values it gives (positional). A
// nil Params, or a nil recipe in it, is the call without parameters.
type MICommand struct {
	Name   string
	Help   string
	Params [][]string
	// NamedOnly refuses positional parameters (OpenSIPS
	// MI_NAMED_PARAMS_ONLY): for commands whose recipes have equal sizes.
	NamedOnly bool
	// Run executes the command. Its result is encoded as JSON (use
	// structs with json tags to keep OpenSIPS's key names and order); an
	// *MIError return is sent as that error, any other error as a
	// server error carrying its text.
	Run func(ctx context.Context, p MIParams) (any, error)
}

// MIError is an error with a JSON-RPC code: the JSON-RPC ones (-32602
// Invalid params...) or the command's own (OpenSIPS answers 404 "AOR not
// found", 500 "reload failed").
type MIError struct {
	Code    int
	Message string
	Data    string // optional details, the error object's "data"
}

func (e *MIError) Error() string {
	if e.Data == "" {
		return fmt.Sprintf("mi: %d %s", e.Code, e.Message)
	}
	return fmt.Sprintf("mi: %d %s: %s", e.Code, e.Message, e.Data)
}

// MIParams are the parameters of one call, by the names of the recipe it
// matched; positional values are already given the recipe's names, so a
// command reads them the same way whichever form the client used.
type MIParams struct {
	names  []string
	values map[string]any
}

// NewMIParams holds values (decoded JSON: string, json.Number, bool,
// nil, []any, map[string]any) under the recipe names.
func NewMIParams(names []string, values map[string]any) MIParams {
	return MIParams{names: names, values: values}
}

// Names returns the matched recipe's parameter names, in order.
func (p MIParams) Names() []string { return p.names }

// Has reports whether the call gave name.
func (p MIParams) Has(name string) bool { _, ok := p.values[name]; return ok }

// Raw returns the decoded JSON value of name, for array and object
// parameters.
func (p MIParams) Raw(name string) (any, bool) { v, ok := p.values[name]; return v, ok }

// At returns the value of the i-th parameter of the recipe.
func (p MIParams) At(i int) (any, bool) {
	if i < 0 || i >= len(p.names) {
		return nil, false
	}
	return p.Raw(p.names[i])
}

// Get returns name as a string; a number is given as its JSON text, as
// OpenSIPS's get_mi_string_param does.
func (p MIParams) Get(name string) (string, error) {
	switch v := p.values[name].(type) {
	case string:
		return v, nil
	case fmt.Stringer: // json.Number
		return v.String(), nil
	}
	return "", paramError(name)
}

// GetInt returns name as an integer: a JSON integer or a string holding
// one ("3600" from a CLI that sends everything as strings).
func (p MIParams) GetInt(name string) (int, error) {
	var text string
	switch v := p.values[name].(type) {
	case string:
		text = strings.TrimSpace(v)
	case fmt.Stringer:
		text = v.String()
	default:
		return 0, paramError(name)
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return 0, paramError(name)
	}
	return n, nil
}

// paramError is OpenSIPS's init_mi_param_error, naming the parameter.
func paramError(name string) error {
	return &MIError{Code: -32602, Message: "Invalid params", Data: "Failed to handle parameter " + name}
}
