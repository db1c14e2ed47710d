package pv

import (
	"fmt"
	"strconv"
	"strings"

	"switchboard/engine"
	"switchboard/sip/sdp"
)

// The {sdp.*} class reads an SDP body: {sdp.line,type[,n]} is the n-th
// line of a type, {sdp.stream,x} one stream and {sdp.stream-delete,x}
// the body without some, x being a stream index or a media type.

func init() {
	trRegister("sdp.line", makeSDPLine)
	trRegister("sdp.stream", makeSDPStream(false))
	trRegister("sdp.stream-delete", makeSDPStream(true))
}

func makeSDPLine(args []TransformArg) (Transformation, error) {
	if err := trWantArgs(args, 1, 2); err != nil {
		return nil, err
	}
	typ, err := parseTrStr(args[0], "line type")
	if err != nil {
		return nil, err
	}
	if typ.spec == nil && len(typ.s) != 1 {
		return nil, fmt.Errorf("line type must be one letter, not %q", typ.s)
	}
	index := trNum{}
	if len(args) == 2 {
		if index, err = parseTrNum(args[1], "line index"); err != nil {
			return nil, err
		}
		if index.spec == nil && index.n < 0 {
			return nil, fmt.Errorf("line index must not be negative, got %d", index.n)
		}
	}
	return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
		body, err := trText(in, "sdp")
		if err != nil {
			return engine.Null, err
		}
		t, err := typ.get(ctx)
		if err != nil {
			return engine.Null, err
		}
		n, err := index.get(ctx)
		if err != nil {
			return engine.Null, err
		}
		if n < 0 {
			return engine.Null, fmt.Errorf("sdp.line: negative index %d", n)
		}
		// A scan, not sdp.Parse: OpenSIPS finds lines in any text, and a
		// script may look at a body the parser would refuse.
		for rest := body; rest != ""; {
			line, next, _ := strings.Cut(rest, "\n")
			rest = next
			if len(line) >= 2 && line[0] == t[0] && line[1] == '=' {
				if n == 0 {
					return engine.Str(strings.TrimSuffix(line, "\r")), nil
				}
				n--
			}
		}
		return engine.Null, nil
	}, nil
}

// makeSDPStream makes {sdp.stream} and {sdp.stream-delete}. A constant
// argument that is a number is an index (negative from the end); any
// other is a media type, compared without case. A variable is an index
// when it holds a number.
func makeSDPStream(remove bool) transformMaker {
	return func(args []TransformArg) (Transformation, error) {
		if err := trWantArgs(args, 1, 1); err != nil {
			return nil, err
		}
		which, err := parseTrStr(args[0], "stream index or media type")
		if err != nil {
			return nil, err
		}
		return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
			body, err := trText(in, "sdp")
			if err != nil {
				return engine.Null, err
			}
			s, err := sdp.Parse(body)
			if err != nil {
				return engine.Null, err
			}
			var arg engine.Value
			if which.spec != nil {
				arg = which.spec.Get(ctx)
			} else {
				arg = engine.Str(which.s)
			}
			streams := selectStreams(s, arg, remove)
			if len(streams) == 0 {
				return engine.Null, nil
			}
			if !remove {
				return engine.Str(s.Media[streams[0]].Text()), nil
			}
			out := body
			for i := len(streams) - 1; i >= 0; i-- { // back to front keeps indexes valid
				if out, err = s.RemoveStream(streams[i]); err != nil {
					return engine.Null, err
				}
				if s, err = sdp.Parse(out); err != nil {
					return engine.Null, err
				}
			}
			return engine.Str(out), nil
		}, nil
	}
}

// selectStreams returns the indexes of the streams arg names: the one at
// an index, or for a media type the first one (all of them when every
// is set, as {sdp.stream-delete} deletes every match).
func selectStreams(s *sdp.Session, arg engine.Value, every bool) []int {
	n, isIndex := arg.AsInt()
	if !arg.IsInt() {
		var err error
		n, err = strconv.Atoi(arg.Str)
		isIndex = err == nil
	}
	if isIndex {
		if n < 0 {
			n += len(s.Media)
		}
		if n < 0 || n >= len(s.Media) {
			return nil
		}
		return []int{n}
	}
	var out []int
	for i := range s.Media {
		if strings.EqualFold(s.Media[i].Type, arg.String()) {
			out = append(out, i)
			if !every {
				break
			}
		}
	}
	return out
}
