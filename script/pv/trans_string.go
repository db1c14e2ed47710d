package pv

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"strconv"
	"strings"

	"switchboard/engine"
	"switchboard/sip"
)

// The {s.*} class: string operations. An integer input is first written
// in decimal, as OpenSIPS does.

func init() {
	trRegister("s.len", trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		return trInt(len(in.String())), nil
	}))
	trRegister("s.int", trNoArgs(stringToInt))
	trRegister("s.md5", trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		sum := md5.Sum([]byte(in.String()))
		return engine.Str(hex.EncodeToString(sum[:])), nil
	}))
	trRegister("s.crc32", trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		// OpenSIPS gives the checksum as a decimal string, not an integer.
		return engine.Str(strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(in.String()))), 10)), nil
	}))
	trRegister("s.reverse", trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		s := in.String()
		b := make([]byte, len(s))
		for i := range len(s) {
			b[len(s)-1-i] = s[i]
		}
		return engine.Str(string(b)), nil
	}))
	trRegister("s.substr", makeSubstr)
	trRegister("s.select", makeSelect)
	trRegister("s.encode.hexa", trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		return engine.Str(hex.EncodeToString([]byte(in.String()))), nil
	}))
	trRegister("s.decode.hexa", trNoArgs(decodeHexa))
	trRegister("s.escape.common", trNoArgs(escapeCommon))
	trRegister("s.unescape.common", trNoArgs(unescapeCommon))
	trRegister("s.escape.user", trNoArgs(uriEscaper(sip.EscapeUser)))
	trRegister("s.unescape.user", trNoArgs(uriUnescape))
	trRegister("s.escape.param", trNoArgs(uriEscaper(sip.EscapeParam)))
	trRegister("s.unescape.param", trNoArgs(uriUnescape))
	trRegister("s.tolower", trNoArgs(caseMapper(asciiLower)))
	trRegister("s.toupper", trNoArgs(caseMapper(asciiUpper)))
	trRegister("s.index", makeIndex(false))
	trRegister("s.rindex", makeIndex(true))
	trRegister("s.fill.left", makeFill(true))
	trRegister("s.fill.right", makeFill(false))
	trRegister("s.width", makeWidth)
	trRegister("s.trim", trNoArgs(trimmer(strings.TrimSpace)))
	trRegister("s.trimr", trNoArgs(trimmer(func(s string) string { return strings.TrimRight(s, " \t\r\n") })))
	trRegister("s.triml", trNoArgs(trimmer(func(s string) string { return strings.TrimLeft(s, " \t\r\n") })))
	trRegister("s.dec2hex", trNoArgs(dec2hex))
	trRegister("s.hex2dec", trNoArgs(hex2dec))
	trRegister("s.b64encode", trNoArgs(func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		return engine.Str(base64.StdEncoding.EncodeToString([]byte(in.String()))), nil
	}))
	trRegister("s.b64decode", trNoArgs(b64decode))
	trRegister("s.xor", makeXor)
	trRegister("s.date2unix", trNoArgs(date2unix))
	trRegister("s.eval", func([]TransformArg) (Transformation, error) {
		// {s.eval} re-parses its input as a format string at run time,
		// which would need the PV parser and a registry in every worker;
		// say so at load instead of half-working.
		return nil, errors.New("not supported: {s.eval}")
	})
}

// stringToInt is {s.int}: like OpenSIPS's str2sint with its result ignored,
// it reads an optional sign and the digits that follow, and gives 0 when
// there are none ("12ab" is 12, "ab" is 0).
func stringToInt(_ *engine.Context, in engine.Value) (engine.Value, error) {
	if in.IsInt() {
		return trInt(in.Int), nil
	}
	s := in.Str
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n > (1<<62)/10 {
			break // saturate rather than wrap on absurd input
		}
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return trInt(n), nil
}

func makeSubstr(args []TransformArg) (Transformation, error) {
	if err := trWantArgs(args, 2, 2); err != nil {
		return nil, err
	}
	offset, err := parseTrNum(args[0], "offset")
	if err != nil {
		return nil, err
	}
	length, err := parseTrNum(args[1], "length")
	if err != nil {
		return nil, err
	}
	return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
		i, err := offset.get(ctx)
		if err != nil {
			return engine.Null, err
		}
		n, err := length.get(ctx)
		if err != nil {
			return engine.Null, err
		}
		s, err := substr(in.String(), i, n)
		if err != nil {
			return engine.Null, err
		}
		return engine.Str(s), nil
	}, nil
}

// substr follows OpenSIPS 3.x: a negative offset counts from the end (-1
// is the last byte); a length of 0 means to the end and a negative one
// stops that many bytes before the end; a length past the end is cut.
// An offset outside the string is an error (the result is null).
func substr(s string, i, n int) (string, error) {
	if i < 0 {
		if -i > len(s) {
			return "", errors.New("s.substr: offset out of range")
		}
		i += len(s)
	}
	if i >= len(s) {
		return "", errors.New("s.substr: offset out of range")
	}
	if n < 1 {
		n += len(s) - i
	}
	if n > len(s)-i {
		n = len(s) - i
	}
	if n < 0 {
		// OpenSIPS would read before the string here; a null is safer.
		return "", errors.New("s.substr: negative length past the offset")
	}
	return s[i : i+n], nil
}

func makeSelect(args []TransformArg) (Transformation, error) {
	if err := trWantArgs(args, 2, 2); err != nil {
		return nil, err
	}
	index, err := parseTrNum(args[0], "index")
	if err != nil {
		return nil, err
	}
	sep := args[1].Text
	if args[1].Var != nil {
		return nil, errors.New("the separator must be a constant character")
	}
	if len(sep) != 1 {
		sep = strings.TrimSpace(sep)
	}
	if len(sep) != 1 {
		return nil, errors.New("the separator must be exactly one character")
	}
	return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
		i, err := index.get(ctx)
		if err != nil {
			return engine.Null, err
		}
		field, ok := selectField(in.String(), i, sep[0])
		if !ok {
			return engine.Null, nil // OpenSIPS: no such field is null, not an error
		}
		return engine.Str(field), nil
	}, nil
}

// selectField returns field i of s split on sep; a negative i counts from
// the end (-1 is the last field).
func selectField(s string, i int, sep byte) (string, bool) {
	fields := strings.Split(s, string(sep))
	if i < 0 {
		i += len(fields)
	}
	if i < 0 || i >= len(fields) {
		return "", false
	}
	return fields[i], true
}

func decodeHexa(_ *engine.Context, in engine.Value) (engine.Value, error) {
	s := in.String()
	// OpenSIPS decodes pairs and ignores an odd last digit.
	b, err := hex.DecodeString(s[:len(s)/2*2])
	if err != nil {
		return engine.Null, errors.New("s.decode.hexa: not hexadecimal")
	}
	return engine.Str(string(b)), nil
}

// escapeCommon backslash-escapes ', ", \ and NUL (the last as \0), for
// building SQL or JSON text by hand.
func escapeCommon(_ *engine.Context, in engine.Value) (engine.Value, error) {
	s := in.String()
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	return engine.Str(b.String()), nil
}

func unescapeCommon(_ *engine.Context, in engine.Value) (engine.Value, error) {
	s := in.String()
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '\'', '"', '\\':
				c = s[i+1]
				i++
			case '0':
				c = 0
				i++
			}
		}
		b.WriteByte(c)
	}
	return engine.Str(b.String()), nil
}

func uriEscaper(escape func(string) string) Transformation {
	return func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		return engine.Str(escape(in.String())), nil
	}
}

func uriUnescape(_ *engine.Context, in engine.Value) (engine.Value, error) {
	s, err := sip.Unescape(in.String())
	if err != nil {
		return engine.Null, err
	}
	return engine.Str(s), nil
}

// caseMapper maps ASCII letters only, as OpenSIPS does. An integer input
// keeps its integer form next to the string.
func caseMapper(f func(string) string) Transformation {
	return func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		if !in.IsStr() {
			return trInt(in.Int), nil
		}
		return engine.Str(f(in.Str)), nil
	}
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

// trimmer trims the string form and keeps an integer form, as OpenSIPS
// only changes the string of the value.
func trimmer(f func(string) string) Transformation {
	return func(_ *engine.Context, in engine.Value) (engine.Value, error) {
		out := in
		out.Str = f(in.String())
		out.Flags |= engine.HasStr
		return out, nil
	}
}

func dec2hex(_ *engine.Context, in engine.Value) (engine.Value, error) {
	n := in.Int
	if !in.IsInt() {
		var err error
		if n, err = strconv.Atoi(strings.TrimPrefix(in.Str, "+")); err != nil {
			return engine.Null, errors.New("s.dec2hex: input is not a decimal integer")
		}
	}
	// OpenSIPS prints a C int with %x: a negative number shows its 32-bit
	// two's complement.
	return engine.Str(strconv.FormatUint(uint64(uint32(n)), 16)), nil
}

func hex2dec(_ *engine.Context, in engine.Value) (engine.Value, error) {
	if in.IsInt() {
		return in, nil // already a number, as OpenSIPS leaves it
	}
	var n uint32 // OpenSIPS accumulates in 32 bits: longer input wraps
	for i := 0; i < len(in.Str); i++ {
		d, ok := hexDigit(in.Str[i])
		if !ok {
			return engine.Null, errors.New("s.hex2dec: input is not hexadecimal")
		}
		n = n<<4 | uint32(d)
	}
	return trInt(int(n)), nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// b64decode accepts padded and unpadded base64; OpenSIPS decodes without
// checking, so garbage in gives garbage out there and an error here.
func b64decode(_ *engine.Context, in engine.Value) (engine.Value, error) {
	s := in.String()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return engine.Null, errors.New("s.b64decode: input is not base64")
		}
	}
	return engine.Str(string(b)), nil
}

func makeXor(args []TransformArg) (Transformation, error) {
	if err := trWantArgs(args, 1, 1); err != nil {
		return nil, err
	}
	secret, err := parseTrStr(args[0], "secret")
	if err != nil {
		return nil, err
	}
	return func(ctx *engine.Context, in engine.Value) (engine.Value, error) {
		key, err := secret.get(ctx)
		if err != nil {
			return engine.Null, err
		}
		s := in.String()
		b := make([]byte, len(s))
		for i := range len(s) {
			b[i] = s[i] ^ key[i%len(key)]
		}
		return engine.Str(string(b)), nil
	}, nil
}
