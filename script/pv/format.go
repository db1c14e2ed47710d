package pv

import (
	"strconv"
	"strings"

	"switchboard/engine"
)

// ParseFormat compiles a format string such as "$rU@$rd:$rp".
//
// As in OpenSIPS (pv_parse_format), every '$' starts a pseudo-variable
// and a '$' that does not (a bare "5$") is an error that fails the
// script; "$$" is a literal '$'. Literal text between references is
// kept as is.
func (p *Parser) ParseFormat(text string) (*Format, error) {
	f := &Format{Text: text}
	var lit strings.Builder
	for i := 0; i < len(text); {
		dollar := strings.IndexByte(text[i:], '$')
		if dollar < 0 {
			lit.WriteString(text[i:])
			break
		}
		lit.WriteString(text[i : i+dollar])
		i += dollar
		if i+1 < len(text) && text[i+1] == '$' {
			lit.WriteByte('$')
			i += 2
			continue
		}
		spec, n, err := p.ParsePV(text[i:])
		if err != nil {
			return nil, err
		}
		if lit.Len() > 0 {
			f.parts = append(f.parts, formatPart{literal: lit.String()})
			lit.Reset()
		}
		f.parts = append(f.parts, formatPart{spec: spec})
		i += n
	}
	if lit.Len() > 0 {
		f.parts = append(f.parts, formatPart{literal: lit.String()})
	}
	return f, nil
}

// Constant returns the text of a format without pseudo-variables ("$$"
// already turned into '$'), which the compiler folds into a constant.
func (f *Format) Constant() (string, bool) {
	switch {
	case len(f.parts) == 0:
		return "", true
	case len(f.parts) == 1 && f.parts[0].spec == nil:
		return f.parts[0].literal, true
	}
	return "", false
}

// Append evaluates the format into dst. A null value prints as nothing;
// integers are formatted in place, so a format over message fields
// allocates nothing but dst's growth.
func (f *Format) Append(ctx *engine.Context, dst []byte) []byte {
	for i := range f.parts {
		part := &f.parts[i]
		if part.spec == nil {
			dst = append(dst, part.literal...)
			continue
		}
		dst = appendValue(dst, part.spec.Get(ctx))
	}
	return dst
}

// String evaluates the format.
func (f *Format) String(ctx *engine.Context) string {
	if s, ok := f.Constant(); ok {
		return s
	}
	if len(f.parts) == 1 {
		return f.parts[0].spec.Get(ctx).String()
	}
	return string(f.Append(ctx, make([]byte, 0, 64)))
}

func appendValue(dst []byte, v engine.Value) []byte {
	switch {
	case v.IsStr():
		return append(dst, v.Str...)
	case v.IsInt():
		return strconv.AppendInt(dst, int64(v.Int), 10)
	}
	return dst
}
