package pv

import (
	"errors"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// The {param.*} class reads a parameter list "a=1;b=2;c" as OpenSIPS's
// parse_params does: no leading ';' is expected (one is tolerated),
// names compare without case, and a quoted value loses its quotes.

func init() {
	trRegister("param.value", makeParamByName(func(p *listParam) engine.Value {
		if p == nil {
			return engine.Null
		}
		return engine.Str(p.value)
	}))
	exist := makeParamByName(func(p *listParam) engine.Value { return trBool(p != nil) })
	trRegister("param.exist", exist)
	trRegister("param.exists", exist) // OpenSIPS accepts both spellings
	trRegister("param.valueat", makeParamAt(func(p listParam) string { return p.value }))
	trRegister("param.name", makeParamAt(func(p listParam) string { return p.name }))
	trRegister("param.count", trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		params, err := paramList(in)
		if err != nil {
			return engine.Null, err
		}
		return trInt(len(params)), nil
	}))
}

type listParam struct{ name, value string }

// paramList splits s on the ';' outside double quotes.
func paramList(in engine.Value) ([]listParam, error) {
	s, err := trText(in, "param")
	if err != nil {
		return nil, err
	}
	s = strings.TrimPrefix(strings.TrimSpace(s), ";")
	var params []listParam
	for s != "" {
		end, quoted := 0, false
		for ; end < len(s) && (quoted || s[end] != ';'); end++ {
			switch {
			case s[end] == '\\' && quoted:
				end++
			case s[end] == '"':
				quoted = !quoted
			}
		}
		if quoted {
			return nil, errors.New("param: unterminated quoted value")
		}
		end = min(end, len(s))
		item := strings.TrimSpace(s[:end])
		name, value, _ := strings.Cut(item, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if name == "" {
			return nil, errors.New("param: empty parameter name")
		}
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		params = append(params, listParam{name, value})
		if end == len(s) {
			break
		}
		s = s[end+1:]
	}
	if len(params) == 0 {
		return nil, errors.New("param: no parameters")
	}
	return params, nil
}

func makeParamByName(result func(p *listParam) engine.Value) transformMaker {
	return withParamName(func(in engine.Value, name string) (engine.Value, error) {
		params, err := paramList(in)
		if err != nil {
			return engine.Null, err
		}
		for i := range params {
			if sip.EqualFold(params[i].name, name) {
				return result(&params[i]), nil
			}
		}
		return result(nil), nil
	})
}

// makeParamAt builds valueat/name: index from 0, negative from the end
// (-1 is the last); out of range is null.
func makeParamAt(field func(p listParam) string) transformMaker {
	return func(args []TransformArg) (Transformation, error) {
		if err := trWantArgs(args, 1, 1); err != nil {
			return nil, err
		}
		index, err := parseTrNum(args[0], "index")
		if err != nil {
			return nil, err
		}
		return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
			params, err := paramList(in)
			if err != nil {
				return engine.Null, err
			}
			i, err := index.get(ctx)
			if err != nil {
				return engine.Null, err
			}
			if i < 0 {
				i += len(params)
			}
			if i < 0 || i >= len(params) {
				return engine.Null, nil
			}
			return engine.Str(field(params[i])), nil
		}, nil
	}
}
