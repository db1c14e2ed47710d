package pv

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"switchboard/engine"
)

// startTime is $TS; the core may set it with SetStartTime.
var startTime atomic.Int64

func init() { startTime.Store(time.Now().Unix()) }

// SetStartTime records when the server started ($TS).
func SetStartTime(t time.Time) { startTime.Store(t.Unix()) }

// forceColor is xlog_force_color: without it $C(xy) prints nothing.
var forceColor atomic.Bool

// SetForceColor sets the xlog module's xlog_force_color parameter.
func SetForceColor(on bool) { forceColor.Store(on) }

// now is replaced by tests.
var now = time.Now

func timePVs() []engine.PVClass {
	return []engine.PVClass{
		{Name: "time", Key: engine.KeyRequired, ParseKey: func(f string) (any, error) { return f, nil },
			Get: func(_ *engine.Context, k *engine.PVKey) engine.Value {
				out := appendStrftime(nil, k.Name, now())
				if len(out) == 0 {
					return engine.Null
				}
				return engine.Str(string(out))
			}},
		roPV("Ts", func(*engine.Context) engine.Value { return engine.Int(int(now().Unix())) }),
		roPV("Tsm", func(*engine.Context) engine.Value { return engine.Int(now().Nanosecond() / 1000) }),
		roPV("TS", func(*engine.Context) engine.Value { return engine.Int(int(startTime.Load())) }),
		// $Tf is ctime(3) without its newline, with the time as number.
		roPV("Tf", func(*engine.Context) engine.Value {
			t := now()
			return engine.StrInt(t.Format("Mon Jan _2 15:04:05 2006"), int(t.Unix()))
		}),
		{Name: "C", Key: engine.KeyRequired, ParseKey: parseColor, Get: func(_ *engine.Context, k *engine.PVKey) engine.Value {
			if !forceColor.Load() {
				return engine.Str("")
			}
			s, _ := k.Data.(string)
			return engine.Str(s)
		}},
	}
}

// parseColor compiles $C(xy), x the foreground (upper case for bold) and
// y the background, into its ANSI escape sequence.
func parseColor(name string) (any, error) {
	const colors = "srgybpcw" // black red green yellow blue purple cyan white
	code := func(c byte, base int) (string, bool) {
		if c == 'x' {
			return strconv.Itoa(base + 9), true
		}
		for i := 0; i < len(colors); i++ {
			if colors[i] == c {
				return strconv.Itoa(base + i), true
			}
		}
		return "", false
	}
	if len(name) != 2 {
		return nil, fmt.Errorf("color must be two letters, foreground and background: %q", name)
	}
	fg, bold := name[0], "0;"
	if fg >= 'A' && fg <= 'Z' {
		fg, bold = fg+'a'-'A', "1;"
	}
	f, ok1 := code(fg, 30)
	b, ok2 := code(name[1], 40)
	if !ok1 || !ok2 || name[0] == 'X' {
		return nil, fmt.Errorf("invalid color %q: letters are x (default) s r g y b p c w", name)
	}
	return "\033[" + bold + f + ";" + b + "m", nil
}

// appendStrftime formats t as C strftime does for the conversions scripts
// use; an unknown conversion is copied as written, as glibc does.
func appendStrftime(dst []byte, format string, t time.Time) []byte {
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			dst = append(dst, c)
			continue
		}
		i++
		switch format[i] {
		case 'a':
			dst = t.AppendFormat(dst, "Mon")
		case 'A':
			dst = t.AppendFormat(dst, "Monday")
		case 'b', 'h':
			dst = t.AppendFormat(dst, "Jan")
		case 'B':
			dst = t.AppendFormat(dst, "January")
		case 'c':
			dst = t.AppendFormat(dst, "Mon Jan _2 15:04:05 2006")
		case 'C':
			dst = pad2(dst, t.Year()/100)
		case 'd':
			dst = pad2(dst, t.Day())
		case 'D':
			dst = t.AppendFormat(dst, "01/02/06")
		case 'e':
			dst = t.AppendFormat(dst, "_2")
		case 'F':
			dst = t.AppendFormat(dst, "2006-01-02")
		case 'H':
			dst = pad2(dst, t.Hour())
		case 'I':
			dst = t.AppendFormat(dst, "03")
		case 'j':
			dst = t.AppendFormat(dst, "002")
		case 'k':
			dst = t.AppendFormat(dst, "15") // 24-hour, padded with a space in C
			if dst[len(dst)-2] == '0' {
				dst[len(dst)-2] = ' '
			}
		case 'l':
			dst = t.AppendFormat(dst, "_3")
		case 'm':
			dst = pad2(dst, int(t.Month()))
		case 'M':
			dst = pad2(dst, t.Minute())
		case 'n':
			dst = append(dst, '\n')
		case 'p':
			dst = t.AppendFormat(dst, "PM")
		case 'r':
			dst = t.AppendFormat(dst, "03:04:05 PM")
		case 'R':
			dst = t.AppendFormat(dst, "15:04")
		case 's':
			dst = strconv.AppendInt(dst, t.Unix(), 10)
		case 'S':
			dst = pad2(dst, t.Second())
		case 't':
			dst = append(dst, '\t')
		case 'T':
			dst = t.AppendFormat(dst, "15:04:05")
		case 'u':
			wd := int(t.Weekday())
			if wd == 0 {
				wd = 7
			}
			dst = strconv.AppendInt(dst, int64(wd), 10)
		case 'w':
			dst = strconv.AppendInt(dst, int64(t.Weekday()), 10)
		case 'y':
			dst = pad2(dst, t.Year()%100)
		case 'Y':
			dst = strconv.AppendInt(dst, int64(t.Year()), 10)
		case 'z':
			dst = t.AppendFormat(dst, "-0700")
		case 'Z':
			dst = t.AppendFormat(dst, "MST")
		case '%':
			dst = append(dst, '%')
		default:
			dst = append(dst, '%', format[i])
		}
	}
	return dst
}

func pad2(dst []byte, n int) []byte {
	if n < 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, int64(n), 10)
}
