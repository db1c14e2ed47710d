package core

import (
	"context"
	"fmt"

	"switchboard/engine"
	"switchboard/stats"
)

// publishModuleStats puts the statistics of the modules a script loads
// into the registry, under each module's name, replacing what an
// earlier server published: only loaded modules have statistics, as in
// OpenSIPS.
func publishModuleStats(r *stats.Registry, modules []*engine.Module) {
	for _, m := range modules {
		if len(m.Stats) == 0 {
			continue
		}
		r.RemoveGroup(m.Name)
		for _, spec := range m.Stats {
			if spec.Computed {
				r.Computed(m.Name, spec.Name, stats.NoReset, spec.Value, nil)
			} else {
				r.Mirror(m.Name, spec.Name, spec.Value, spec.Reset)
			}
		}
	}
}

// statsMICommands are OpenSIPS's statistics commands (statistics.c).
func statsMICommands(r *stats.Registry) []engine.MICommand {
	return []engine.MICommand{
		{Name: "get_statistics", Help: "prints the statistics (all, group or one) real time values",
			Params: [][]string{{"statistics"}}, Run: func(_ context.Context, p engine.MIParams) (any, error) {
				return getStatistics(r, p)
			}},
		{Name: "list_statistics", Help: "lists all the registered statistics and their types",
			Params: [][]string{nil, {"statistics"}}, Run: func(_ context.Context, p engine.MIParams) (any, error) {
				return listStatistics(r, p)
			}},
		{Name: "reset_statistics", Help: "resets the value of a statistic variable",
			Params: [][]string{{"statistics"}}, Run: func(_ context.Context, p engine.MIParams) (any, error) {
				return resetStatistics(r, p)
			}},
		{Name: "reset_all_statistics", Help: "resets the value of all the statistic variables",
			Run: func(context.Context, engine.MIParams) (any, error) {
				for _, s := range r.All() {
					s.Reset()
				}
				return ok, nil
			}},
	}
}

// statValues is a flat JSON object "group:name": value in registry
// order: OpenSIPS's get_statistics result. A map would sort the keys;
// the order tells an operator which group a value came from at a glance.
type statValues []*stats.Stat

func (v statValues) MarshalJSON() ([]byte, error) {
	out := []byte{'{'}
	for i, s := range v {
		if i > 0 {
			out = append(out, ',')
		}
		out = fmt.Appendf(out, "%q:%d", s.FullName(), s.Value())
	}
	return append(out, '}'), nil
}

// statKinds is list_statistics's result: "group:name": "incremental" or
// "non-incremental".
type statKinds []*stats.Stat

func (v statKinds) MarshalJSON() ([]byte, error) {
	out := []byte{'{'}
	for i, s := range v {
		if i > 0 {
			out = append(out, ',')
		}
		kind := "non-incremental"
		if s.Incremental() {
			kind = "incremental"
		}
		out = fmt.Appendf(out, "%q:%q", s.FullName(), kind)
	}
	return append(out, '}'), nil
}

// statQueries reads the statistics parameter: an array of names,
// "group:" or "all" (a single string is taken too, as opensips-cli
// sends one when given one).
func statQueries(p engine.MIParams) ([]string, error) {
	raw, _ := p.Raw("statistics")
	switch v := raw.(type) {
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, item := range v {
			s, isString := item.(string)
			if !isString {
				return nil, invalid("statistics must be an array of strings")
			}
			out = append(out, s)
		}
		if len(out) == 0 {
			return nil, invalid("statistics must not be empty")
		}
		return out, nil
	}
	return nil, invalid("statistics must be an array of strings")
}

// errStatsNotFound is OpenSIPS's answer when nothing matched.
var errStatsNotFound = &engine.MIError{Code: 404, Message: "Statistics Not Found"}

// selectStats returns the statistics the "statistics" param names, or
// OpenSIPS's 404 when none matched.
func selectStats(r *stats.Registry, p engine.MIParams) ([]*stats.Stat, error) {
	queries, err := statQueries(p)
	if err != nil {
		return nil, err
	}
	found := r.Select(queries...)
	if len(found) == 0 {
		return nil, errStatsNotFound
	}
	return found, nil
}

func getStatistics(r *stats.Registry, p engine.MIParams) (any, error) {
	found, err := selectStats(r, p)
	if err != nil {
		return nil, err
	}
	return statValues(found), nil
}

func listStatistics(r *stats.Registry, p engine.MIParams) (any, error) {
	if !p.Has("statistics") {
		return statKinds(r.All()), nil
	}
	found, err := selectStats(r, p)
	if err != nil {
		return nil, err
	}
	return statKinds(found), nil
}

func resetStatistics(r *stats.Registry, p engine.MIParams) (any, error) {
	found, err := selectStats(r, p)
	if err != nil {
		return nil, err
	}
	for _, s := range found {
		s.Reset()
	}
	return ok, nil
}
