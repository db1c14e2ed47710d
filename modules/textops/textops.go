package textops

import (
	"regexp"
	"strings"
	"sync"

	"switchboard/engine"
	"switchboard/sip"
)

// posixCache holds, for each pattern the engine compiled, the form that
// matches like OpenSIPS's regcomp(REG_EXTENDED|REG_ICASE|REG_NEWLINE):
// '^' and '$' at every line (REG_NEWLINE) and the leftmost-longest match
// of POSIX rather than Go's leftmost-first. Constant patterns hit the
// cache on every call; patterns built at run time are cached up to a
// bound so a script cannot grow it without limit.
var posixCache sync.Map // string -> *regexp.Regexp

const posixCacheMax = 1024

var posixCacheLen int
var posixCacheMu sync.Mutex

func posix(re *regexp.Regexp) *regexp.Regexp {
	key := re.String()
	if v, ok := posixCache.Load(key); ok {
		return v.(*regexp.Regexp)
	}
	p, err := regexp.Compile("(?m)" + key)
	if err != nil {
		p = regexp.MustCompile(key) // key compiled already: (?m) cannot break it
	}
	p.Longest()
	posixCacheMu.Lock()
	if posixCacheLen < posixCacheMax {
		posixCacheLen++
		posixCache.Store(key, p)
	}
	posixCacheMu.Unlock()
	return p
}

// regexArg returns the pattern of a ArgRegex argument; nil when a pattern
// from a variable did not compile.
func regexArg(a *engine.Arg) *regexp.Regexp {
	re, _ := a.Fixed.(*regexp.Regexp)
	if !a.Set || re == nil {
		return nil
	}
	return posix(re)
}

// headersStart is where the headers begin: replace, search_append and
// subst skip the first line, as OpenSIPS does, so that the Request-URI is
// only changed through the R-URI functions.
func headersStart(m *sip.Msg) int {
	if i := strings.IndexByte(m.Raw(), '\n'); i >= 0 {
		return i + 1
	}
	return len(m.Raw())
}

func truth(b bool) int {
	if b {
		return 1
	}
	return -1
}

// search is search(re): a match anywhere in the message as received,
// first line included.
func search(ctx *engine.Context, a []engine.Arg) int {
	re := regexArg(&a[0])
	return truth(ctx.Msg != nil && re != nil && re.MatchString(ctx.Msg.Raw()))
}

// searchBody is search_body(re).
func searchBody(ctx *engine.Context, a []engine.Arg) int {
	re := regexArg(&a[0])
	return truth(ctx.Msg != nil && re != nil && ctx.Msg.Body() != "" && re.MatchString(ctx.Msg.Body()))
}

// appendAfterMatch inserts text after the first match of re in the
// message from offset from on.
func appendAfterMatch(m *sip.Msg, re *regexp.Regexp, from int, text string) int {
	loc := re.FindStringIndex(m.Raw()[from:])
	if loc == nil {
		return -1
	}
	m.Lumps.InsertAfter(from+loc[1], text)
	return 1
}

// searchAppend is search_append(re, txt): txt goes after the first match
// in the headers or body.
func searchAppend(ctx *engine.Context, a []engine.Arg) int {
	re := regexArg(&a[0])
	if ctx.Msg == nil || re == nil {
		return -1
	}
	return appendAfterMatch(ctx.Msg, re, headersStart(ctx.Msg), a[1].Str)
}

// searchAppendBody is search_append_body(re, txt).
func searchAppendBody(ctx *engine.Context, a []engine.Arg) int {
	re := regexArg(&a[0])
	if ctx.Msg == nil || re == nil || ctx.Msg.Body() == "" {
		return -1
	}
	return appendAfterMatch(ctx.Msg, re, ctx.Msg.BodyOffset(), a[1].Str)
}

// replaceMatches replaces the matches of re in the received text from
// offset from to end with text: the first one, or all when all is set.
// Edits are lumps on the received offsets, so they compose with whatever
// else the script changed. Like OpenSIPS, replacing all stops with false
// at an empty match, which would otherwise never advance.
func replaceMatches(m *sip.Msg, re *regexp.Regexp, from, end int, text string, all bool) int {
	src := m.Raw()[from:end]
	if !all {
		loc := re.FindStringIndex(src)
		if loc == nil {
			return -1
		}
		m.Lumps.Replace(from+loc[0], from+loc[1], text)
		return 1
	}
	code := -1
	for _, loc := range re.FindAllStringIndex(src, -1) {
		if loc[0] == loc[1] {
			return -1
		}
		m.Lumps.Replace(from+loc[0], from+loc[1], text)
		code = 1
	}
	return code
}

func replaceFirst(ctx *engine.Context, a []engine.Arg) int {
	return replaceIn(ctx, a, false, false)
}

func replaceAll(ctx *engine.Context, a []engine.Arg) int {
	return replaceIn(ctx, a, false, true)
}

func replaceBody(ctx *engine.Context, a []engine.Arg) int {
	return replaceIn(ctx, a, true, false)
}

func replaceBodyAll(ctx *engine.Context, a []engine.Arg) int {
	return replaceIn(ctx, a, true, true)
}

// replaceBodyAtOnce is replace_body_atonce(re, txt): every match in the
// body, but '^' matches only at the start of the body, as OpenSIPS runs
// every search after the first with REG_NOTBOL.
func replaceBodyAtOnce(ctx *engine.Context, a []engine.Arg) int {
	m := ctx.Msg
	re, _ := a[0].Fixed.(*regexp.Regexp)
	if m == nil || re == nil || !a[0].Set || m.Body() == "" {
		return -1
	}
	// Without (?m): '^' is the start of the body only.
	once, err := regexp.Compile(re.String())
	if err != nil {
		return -1
	}
	once.Longest()
	start := m.BodyOffset()
	return replaceMatches(m, once, start, start+len(m.Body()), a[1].Str, true)
}

func replaceIn(ctx *engine.Context, a []engine.Arg, body, all bool) int {
	m := ctx.Msg
	re := regexArg(&a[0])
	if m == nil || re == nil {
		return -1
	}
	start, end := headersStart(m), len(m.Raw())
	if body {
		if m.Body() == "" {
			return -1
		}
		start = m.BodyOffset()
		end = start + len(m.Body())
	}
	return replaceMatches(m, re, start, end, a[1].Str, all)
}
