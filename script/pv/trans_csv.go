package pv

import (
	"errors"
	"strings"

	"switchboard/engine"
)

// The {csv.*} class reads one RFC 4180 record: fields separated by ',',
// a field in double quotes may hold ',' and '""' for a quote.

func init() {
	trRegister("csv.count", trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		fields, err := csvFields(in)
		if err != nil {
			return engine.Null, err
		}
		return trInt(len(fields)), nil
	}))
	trRegister("csv.value", func(args []TransformArg) (Transformation, error) {
		if err := trWantArgs(args, 1, 1); err != nil {
			return nil, err
		}
		index, err := parseTrNum(args[0], "index")
		if err != nil {
			return nil, err
		}
		return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
			fields, err := csvFields(in)
			if err != nil {
				return engine.Null, err
			}
			i, err := index.get(ctx)
			if err != nil {
				return engine.Null, err
			}
			if i < 0 {
				i += len(fields)
			}
			// Unlike {s.select}, OpenSIPS makes an index out of range an error.
			if i < 0 || i >= len(fields) {
				return engine.Null, errors.New("csv.value: index out of range")
			}
			return engine.Str(fields[i]), nil
		}, nil
	})
}

func csvFields(in engine.Value) ([]string, error) {
	s, err := trText(in, "csv")
	if err != nil {
		return nil, err
	}
	var fields []string
	for {
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for {
				if i >= len(s) {
					return nil, errors.New("csv: unterminated quoted field")
				}
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if i < len(s) && s[i] != ',' {
				return nil, errors.New("csv: text after a closing quote")
			}
			fields = append(fields, b.String())
			s = s[i:]
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			fields = append(fields, s[:end])
			s = s[end:]
		}
		if s == "" {
			return fields, nil
		}
		s = s[1:] // the ','
	}
}
