package pv

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"hash"
	"strconv"
	"strings"
	"time"

	"switchboard/engine"
)

// More of the {s.*} class: searching, padding, dates and SHA digests.

func init() {
	digests := map[string]func() hash.Hash{
		"sha1": sha1.New, "sha224": sha256.New224, "sha256": sha256.New,
		"sha384": sha512.New384, "sha512": sha512.New,
	}
	for name, newHash := range digests {
		trRegister("s."+name, trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
			h := newHash()
			h.Write([]byte(in.String()))
			return engine.Str(hex.EncodeToString(h.Sum(nil))), nil
		}))
		trRegister("s."+name+"_hmac", makeHMAC(newHash))
	}
}

func makeHMAC(newHash func() hash.Hash) transformMaker {
	return func(args []TransformArg) (Transformation, error) {
		if err := trWantArgs(args, 1, 1); err != nil {
			return nil, err
		}
		key, err := parseTrStr(args[0], "key")
		if err != nil {
			return nil, err
		}
		return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
			k, err := key.get(ctx)
			if err != nil {
				return engine.Null, err
			}
			mac := hmac.New(newHash, []byte(k))
			mac.Write([]byte(in.String()))
			return engine.Str(hex.EncodeToString(mac.Sum(nil))), nil
		}, nil
	}
}

// makeIndex builds {s.index,needle[,start]} and {s.rindex,needle[,start]}:
// the byte offset of the first (last) needle at or after (before) start,
// as an integer, or null when there is none. A negative start counts from
// the end and wraps modulo the length, as in OpenSIPS.
func makeIndex(reverse bool) transformMaker {
	return func(args []TransformArg) (Transformation, error) {
		if err := trWantArgs(args, 1, 2); err != nil {
			return nil, err
		}
		needle, err := parseTrStr(args[0], "needle")
		if err != nil {
			return nil, err
		}
		var start *trNum
		if len(args) == 2 {
			n, err := parseTrNum(args[1], "start")
			if err != nil {
				return nil, err
			}
			start = &n
		}
		return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
			s := in.String()
			nd, err := needle.get(ctx)
			if err != nil {
				return engine.Null, err
			}
			i := 0
			if reverse {
				i = len(s) - 1
			}
			if start != nil {
				if i, err = start.get(ctx); err != nil {
					return engine.Null, err
				}
			}
			if i < 0 {
				if len(s) == 0 {
					i = 0
				} else if i = -i % len(s); i > 0 {
					i = len(s) - i
				}
			}
			var at int
			if reverse {
				at = lastIndexFrom(s, nd, i)
			} else {
				at = indexFrom(s, nd, i)
			}
			if at < 0 {
				return engine.Null, nil
			}
			return trInt(at), nil
		}, nil
	}
}

func indexFrom(s, needle string, i int) int {
	if i >= len(s) || len(needle) > len(s)-i {
		return -1
	}
	if at := strings.Index(s[i:], needle); at >= 0 {
		return i + at
	}
	return -1
}

func lastIndexFrom(s, needle string, i int) int {
	if len(needle) > len(s) {
		return -1
	}
	if i >= len(s) {
		i = len(s) - 1
	}
	if len(needle) > len(s)-i {
		i = len(s) - len(needle)
	}
	return strings.LastIndex(s[:i+len(needle)], needle)
}

// makeFill builds {s.fill.left,pad,len} and {s.fill.right,pad,len}: pad
// the value to len bytes with pad repeated (cut to fit). Both arguments
// are constants in OpenSIPS; pad may be quoted to hold white space or a
// comma-free punctuation ('0', " ").
func makeFill(left bool) transformMaker {
	return func(args []TransformArg) (Transformation, error) {
		if err := trWantArgs(args, 2, 2); err != nil {
			return nil, err
		}
		if args[0].Var != nil || args[1].Var != nil {
			return nil, errors.New("pad and length must be constants")
		}
		pad := args[0].Text
		if len(pad) >= 2 && (pad[0] == '\'' || pad[0] == '"') && pad[len(pad)-1] == pad[0] {
			pad = pad[1 : len(pad)-1]
		}
		if pad == "" {
			return nil, errors.New("empty pad string")
		}
		width, err := strconv.Atoi(args[1].Text)
		if err != nil || width < 0 || width > maxTransformLen {
			return nil, errors.New("length must be an integer from 0 to 65536, not " + strconv.Quote(args[1].Text))
		}
		return func(_ *engine.Context, in engine.Value) (engine.Value, error) {
			s := in.String()
			missing := width - len(s)
			if missing < 0 {
				return in, nil // OpenSIPS leaves the value as it was
			}
			fill := strings.Repeat(pad, missing/len(pad)+1)
			if left {
				// The partial copy of pad goes first: its tail, so that
				// the pad pattern lines up against the value.
				return engine.Str(fill[len(fill)-missing:] + s), nil
			}
			return engine.Str(s + fill[:missing]), nil
		}, nil
	}
}

// makeWidth builds {s.width,len}: cut the value to len bytes or pad it
// with spaces on the right.
func makeWidth(args []TransformArg) (Transformation, error) {
	if err := trWantArgs(args, 1, 1); err != nil {
		return nil, err
	}
	width, err := parseTrNum(args[0], "width")
	if err != nil {
		return nil, err
	}
	if width.spec == nil && width.n <= 0 {
		return nil, errors.New("width must be at least 1")
	}
	return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
		w, err := width.get(ctx)
		if err != nil {
			return engine.Null, err
		}
		if w <= 0 || w > maxTransformLen {
			return engine.Null, errors.New("s.width: width out of range")
		}
		s := in.String()
		if w <= len(s) {
			return engine.Str(s[:w]), nil
		}
		return engine.Str(s + strings.Repeat(" ", w-len(s))), nil
	}, nil
}

// maxTransformLen bounds what a variable argument can make a
// transformation allocate; OpenSIPS's limit is its 64 KiB buffer.
const maxTransformLen = 1 << 16

// date2unix reads an RFC 1123 date in GMT (the Date header form) and gives
// the Unix time as a decimal string (a string only, as in OpenSIPS).
func date2unix(_ *engine.Context, in engine.Value) (engine.Value, error) {
	if !in.IsStr() {
		return engine.Null, errors.New("s.date2unix: input is not a string")
	}
	t, err := time.Parse("Mon, 2 Jan 2006 15:04:05 GMT", strings.TrimSpace(in.Str))
	if err != nil {
		return engine.Null, errors.New("s.date2unix: not a date like \"Tue, 15 Nov 1994 08:12:31 GMT\"")
	}
	return engine.Str(strconv.FormatInt(t.Unix(), 10)), nil
}
