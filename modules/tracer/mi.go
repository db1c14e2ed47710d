package tracer

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"switchboard/engine"
)

func badParam(data string) error {
	return &engine.MIError{Code: 400, Message: "Bad parameter value", Data: data}
}

// miStart is trace_start: id, uri, and optionally filter (an array of
// "caller=", "callee=", "ip=" conditions, all of which must hold), scope
// ("m", "t", "d"; default "d" as OpenSIPS) and type ("sip").
func miStart(_ context.Context, p engine.MIParams) (any, error) {
	id, err := p.Get("id")
	if err != nil {
		return nil, err
	}
	uri, err := p.Get("uri")
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, badParam("empty trace id")
	}
	switch scheme, _, _ := strings.Cut(uri, ":"); strings.ToLower(scheme) {
	case "hep":
	case "sip", "sips", "file", "syslog":
		return nil, &engine.MIError{Code: 406, Message: "Not acceptable", Data: "not supported: " + scheme + " tracing destinations (only hep:)"}
	default:
		return nil, &engine.MIError{Code: 406, Message: "DB not acceptable", Data: "dynamic DB tracing is not yet available"}
	}
	network, addr, err := parseHEPURI(uri)
	if err != nil {
		return nil, badParam(err.Error())
	}
	filters, err := miFilters(p)
	if err != nil {
		return nil, err
	}
	scope := byte(scopeDialog)
	if s, err := p.Get("scope"); err == nil && s != "" {
		if scope, err = parseScope(s); err != nil {
			return nil, err
		}
	}
	if t, err := p.Get("type"); err == nil && t != "" {
		if err := checkTypes(t); err != nil {
			return nil, err
		}
	}
	d := &dynTrace{id: id, uri: uri, scope: scope, filters: filters, engaged: map[string]time.Time{}}
	d.dest = newHEPDest(network, addr, slog.Default().With("module", "tracer", "trace", id))
	if !global.add(d) {
		d.dest.close()
		return nil, &engine.MIError{Code: 500, Message: "Bad parameter value", Data: "dynamic trace id already used"}
	}
	return "OK", nil
}

// miFilters reads the filter parameter: an array of conditions, or one
// condition as a string (what a CLI sends for filter=ip=...).
func miFilters(p engine.MIParams) ([]filter, error) {
	raw, ok := p.Raw("filter")
	if !ok || raw == nil {
		return nil, nil
	}
	var items []any
	switch v := raw.(type) {
	case []any:
		items = v
	case string:
		items = []any{v}
	default:
		return nil, badParam("filter must be an array of condition=value strings")
	}
	var out []filter
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, badParam("filter must be an array of condition=value strings")
		}
		f, err := parseFilter(s)
		if err != nil {
			return nil, badParam(err.Error())
		}
		out = append(out, f)
	}
	return out, nil
}

// parseScope reads trace_start's scope as OpenSIPS's st_parse_flags:
// the widest of the letters given wins.
func parseScope(s string) (byte, error) {
	scope := byte(0)
	for _, c := range strings.ToLower(s) {
		switch c {
		case ' ':
		case 'm':
			if scope == 0 {
				scope = scopeMessage
			}
		case 't':
			if scope != scopeDialog {
				scope = scopeTransaction
			}
		case 'd':
			scope = scopeDialog
		case 'b':
			return 0, badParam("not supported: B2B tracing scope 'b'")
		default:
			return 0, badParam("invalid trace scope " + strconvQuote(s))
		}
	}
	if scope == 0 {
		scope = scopeDialog
	}
	return scope, nil
}

// checkTypes accepts the "sip" type only: xlog and rest tracing are not
// built.
func checkTypes(t string) error {
	for tok := range strings.SplitSeq(t, "|") {
		switch tok = strings.TrimSpace(tok); tok {
		case "sip":
		case "xlog", "rest":
			return badParam("not supported: trace type " + tok)
		default:
			return badParam("unknown trace type " + strconvQuote(tok))
		}
	}
	return nil
}

func strconvQuote(s string) string { return `"` + s + `"` }

// miStop is trace_stop.
func miStop(_ context.Context, p engine.MIParams) (any, error) {
	id, err := p.Get("id")
	if err != nil {
		return nil, err
	}
	if !global.remove(id) {
		return nil, &engine.MIError{Code: 400, Message: "Bad parameter value"}
	}
	return "OK", nil
}

// traceInfo is one destination in the trace listing, with OpenSIPS's keys.
type traceInfo struct {
	Name    string              `json:"name"`
	Type    string              `json:"type"`
	URI     string              `json:"uri"`
	State   string              `json:"state"`
	Filters []map[string]string `json:"filters,omitempty"`
	Scope   string              `json:"scope"`
	Sent    int64               `json:"sent"`
	Dropped int64               `json:"dropped"`
}

type traceList struct {
	Global       string      `json:"global"`
	Destinations []traceInfo `json:"trace destinations"`
}

// miTrace is the trace command: with mode alone it sets the global
// switch; with id alone it lists that trace; with nothing, all of them.
// Dynamic traces cannot be switched one by one (OpenSIPS's per-id modes
// are for the script's trace_id, which is not built).
func miTrace(_ context.Context, p engine.MIParams) (any, error) {
	id, hasID := p.Get("id")
	mode, hasMode := p.Get("mode")
	if hasMode == nil {
		var on bool
		switch strings.ToLower(mode) {
		case "on":
			on = true
		case "off":
		default:
			return nil, &engine.MIError{Code: 500, Message: "Bad parameter value", Data: "trace mode should be 'on' or 'off'"}
		}
		if hasID == nil {
			return nil, badParam("no static trace id " + strconvQuote(id) + " (dynamic traces stop with trace_stop)")
		}
		global.setOn(on)
		return "OK", nil
	}
	out := traceList{Global: "off", Destinations: []traceInfo{}}
	if global.isOn() {
		out.Global = "on"
	}
	for _, d := range global.list() {
		if hasID == nil && d.id != id {
			continue
		}
		info := traceInfo{Name: d.id, Type: "HEP", URI: d.dest.addr, State: "dynamic", Scope: string(d.scope),
			Sent: d.dest.sent.Load(), Dropped: d.dest.dropped.Load()}
		for _, f := range d.filters {
			info.Filters = append(info.Filters, map[string]string{filterNames[f.kind]: f.match})
		}
		out.Destinations = append(out.Destinations, info)
	}
	if hasID == nil && len(out.Destinations) == 0 {
		return nil, badParam("no trace id " + strconvQuote(id))
	}
	return out, nil
}
