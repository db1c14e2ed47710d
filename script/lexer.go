package script

import (
	"net/netip"
	"strings"

	"switchboard/script/ast"
)

// lexer turns cfg source into tokens in one linear pass. It never fails:
// problems (unclosed strings or comments, bad addresses) are recorded and
// lexing goes on, so the parser can report everything at once.
type lexer struct {
	file string
	src  []byte
	off  int
	line int
	col  int
	toks []Token
	errs ErrorList
}

// Lex returns the tokens of src, ending with an EOF token, and the lexical
// errors found.
func Lex(file string, src []byte) ([]Token, ErrorList) {
	l := &lexer{file: file, src: src, line: 1, col: 1}
	l.run()
	return l.toks, l.errs
}

func (l *lexer) pos() ast.Pos { return ast.Pos{File: l.file, Line: l.line, Col: l.col} }

func (l *lexer) errorf(p ast.Pos, msg string) {
	l.errs = append(l.errs, &Error{Pos: p, Msg: msg})
}

// advanceTo moves the read position to end, keeping line and column.
func (l *lexer) advanceTo(end int) {
	for ; l.off < end; l.off++ {
		if l.src[l.off] == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
	}
}

func (l *lexer) emit(kind Kind, text string, start int, startPos ast.Pos, end int) {
	l.advanceTo(end)
	l.toks = append(l.toks, Token{Kind: kind, Text: text, Pos: startPos, Off: start, End: end, EndPos: l.pos()})
}

func (l *lexer) run() {
	for {
		l.skipSpace()
		if l.off >= len(l.src) {
			p := l.pos()
			l.toks = append(l.toks, Token{Kind: EOF, Pos: p, Off: l.off, End: l.off, EndPos: p})
			return
		}
		l.next()
	}
}

// skipSpace skips blanks, comments and backslash-newline continuations.
func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\b' || c == '\f' || c == '\v':
			l.advanceTo(l.off + 1)
		case c == '\\' && l.peekAt(1) == '\n':
			l.advanceTo(l.off + 2)
		case c == '\\' && l.peekAt(1) == '\r' && l.peekAt(2) == '\n':
			l.advanceTo(l.off + 3)
		case c == '#' || (c == '/' && l.peekAt(1) == '/'):
			end := l.off
			for end < len(l.src) && l.src[end] != '\n' {
				end++
			}
			l.advanceTo(end)
		case c == '/' && l.peekAt(1) == '*':
			l.skipBlockComment()
		default:
			return
		}
	}
}

// skipBlockComment skips a /* */ comment. OpenSIPS nests them, so
// commenting out a region that already holds a comment works.
func (l *lexer) skipBlockComment() {
	start := l.pos()
	depth := 0
	i := l.off
	for i < len(l.src) {
		switch {
		case l.src[i] == '/' && i+1 < len(l.src) && l.src[i+1] == '*':
			depth++
			i += 2
		case l.src[i] == '*' && i+1 < len(l.src) && l.src[i+1] == '/':
			depth--
			i += 2
			if depth == 0 {
				l.advanceTo(i)
				return
			}
		default:
			i++
		}
	}
	l.advanceTo(i)
	l.errorf(start, "comment not closed: '/*' without matching '*/'")
}

func (l *lexer) peekAt(n int) byte {
	if l.off+n < len(l.src) {
		return l.src[l.off+n]
	}
	return 0
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isWordChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_'
}

// twoCharOps are matched before single characters (longest match).
var twoCharOps = []string{":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
	"==", "!=", ">=", "<=", "=~", "!~", "&&", "||", "<<", ">>"}

const oneCharOps = "=><!+-*/%&|^~(){}[],;:."

func (l *lexer) next() {
	start, p := l.off, l.pos()
	c := l.src[l.off]
	switch {
	case c == '"':
		l.lexDoubleQuoted(start, p)
		return
	case c == '\'':
		l.lexSingleQuoted(start, p)
		return
	case c == '$':
		l.lexPV(start, p)
		return
	}
	if isHex(c) || c == ':' {
		if l.lexIP(start, p) {
			return
		}
	}
	switch {
	case isDigit(c):
		end := start
		if c == '0' && (l.peekAt(1) == 'x' || l.peekAt(1) == 'X') && l.off+2 < len(l.src) && isHex(l.src[l.off+2]) {
			end += 2
			for end < len(l.src) && isHex(l.src[end]) {
				end++
			}
		} else {
			for end < len(l.src) && isDigit(l.src[end]) {
				end++
			}
		}
		l.emit(Number, string(l.src[start:end]), start, p, end)
	case isLetter(c) || c == '_':
		end := start
		for end < len(l.src) && isWordChar(l.src[end]) {
			end++
		}
		word := string(l.src[start:end])
		// The two core keywords spelled with a dash.
		for _, suffix := range [...]string{"mem-group", "read-only"} {
			rest, ok := strings.CutPrefix(suffix, word)
			if ok && rest != "" && rest[0] == '-' && strings.HasPrefix(string(l.src[end:min(len(l.src), end+len(rest))]), rest) &&
				(end+len(rest) >= len(l.src) || !isWordChar(l.src[end+len(rest)])) {
				end += len(rest)
				word = suffix
			}
		}
		switch word {
		case "and":
			l.emit(Punct, "&&", start, p, end)
		case "or":
			l.emit(Punct, "||", start, p, end)
		case "not":
			l.emit(Punct, "!", start, p, end)
		default:
			l.emit(Ident, word, start, p, end)
		}
	default:
		for _, op := range twoCharOps {
			if strings.HasPrefix(string(l.src[start:min(len(l.src), start+2)]), op) {
				l.emit(Punct, op, start, p, start+2)
				return
			}
		}
		if strings.IndexByte(oneCharOps, c) >= 0 {
			l.emit(Punct, string(c), start, p, start+1)
			return
		}
		l.emit(Illegal, string(c), start, p, start+1)
	}
}

// lexDoubleQuoted reads a "..." string with OpenSIPS escapes: \n \r \a \t
// \" \\ \xH[H] \ooo (two or three octal digits, so that a lone \1 stays a
// regex back-reference) and backslash-newline. Any other backslash is kept
// as is, which regular expressions rely on ("^\+1").
func (l *lexer) lexDoubleQuoted(start int, p ast.Pos) {
	var b strings.Builder
	i := start + 1
	for {
		if i >= len(l.src) {
			l.errorf(p, "string not closed: missing '\"'")
			l.emit(String, b.String(), start, p, i)
			return
		}
		c := l.src[i]
		if c == '"' {
			l.emit(String, b.String(), start, p, i+1)
			return
		}
		if c != '\\' || i+1 >= len(l.src) {
			b.WriteByte(c)
			i++
			continue
		}
		switch n := l.src[i+1]; n {
		case 'n':
			b.WriteByte('\n')
			i += 2
		case 'r':
			b.WriteByte('\r')
			i += 2
		case 'a':
			b.WriteByte('\a')
			i += 2
		case 't':
			b.WriteByte('\t')
			i += 2
		case '"', '\\':
			b.WriteByte(n)
			i += 2
		case '\n':
			i += 2
		case 'x':
			j := i + 2
			v := 0
			for j < len(l.src) && j < i+4 && isHex(l.src[j]) {
				v = v*16 + hexVal(l.src[j])
				j++
			}
			if j == i+2 {
				b.WriteByte('\\')
				i++
				continue
			}
			b.WriteByte(byte(v))
			i = j
		default:
			j := i + 1
			v := 0
			for j < len(l.src) && j < i+4 && l.src[j] >= '0' && l.src[j] <= '7' {
				v = v*8 + int(l.src[j]-'0')
				j++
			}
			if j-(i+1) < 2 {
				b.WriteByte('\\')
				i++
				continue
			}
			b.WriteByte(byte(v))
			i = j
		}
	}
}

func hexVal(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	default:
		return int(c-'A') + 10
	}
}

// lexSingleQuoted reads a '...' string: no escapes at all.
func (l *lexer) lexSingleQuoted(start int, p ast.Pos) {
	end := start + 1
	for end < len(l.src) && l.src[end] != '\'' {
		end++
	}
	if end >= len(l.src) {
		l.errorf(p, "string not closed: missing \"'\"")
		l.emit(String, string(l.src[start+1:end]), start, p, end)
		return
	}
	l.emit(String, string(l.src[start+1:end]), start, p, end+1)
}

// lexPV reads a pseudo-variable as one token. Like OpenSIPS it counts
// parentheses only: `$name`, `$name(...)` and `$(...)` end at the ')' that
// closes the first '(' (whitespace and any character allowed inside);
// a bare `$name` ends at the first character that is not a letter, digit,
// '_' or '.'. `$$` is a literal dollar.
func (l *lexer) lexPV(start int, p ast.Pos) {
	i := start + 1
	if i < len(l.src) && l.src[i] == '$' {
		l.emit(PV, "$$", start, p, i+1)
		return
	}
	for i < len(l.src) && (isWordChar(l.src[i]) || l.src[i] == '.') {
		i++
	}
	if i < len(l.src) && l.src[i] == '(' {
		depth := 0
		for ; i < len(l.src); i++ {
			if l.src[i] == '(' {
				depth++
			} else if l.src[i] == ')' {
				depth--
				if depth == 0 {
					i++
					break
				}
			}
		}
		if depth != 0 {
			l.errorf(p, "pseudo-variable not closed: missing ')'")
		}
	} else if i == start+1 {
		l.errorf(p, "'$' must be followed by a pseudo-variable name")
		l.advanceTo(i)
		return
	}
	l.emit(PV, string(l.src[start:i]), start, p, i)
}

// lexIP recognises IPv4/IPv6 addresses and ip/mask networks. It reports
// false (consuming nothing) when the text at start is not one, so that the
// caller lexes a number, identifier or ':' instead.
func (l *lexer) lexIP(start int, p ast.Pos) bool {
	end, kind := l.scanAddr(start)
	if kind == EOF {
		return false
	}
	if end < len(l.src) && l.src[end] == '/' {
		if mEnd, mKind := l.scanAddr(end + 1); mKind != EOF {
			l.emitNet(start, p, mEnd, true)
			return true
		}
		j := end + 1
		for j < len(l.src) && isDigit(l.src[j]) {
			j++
		}
		if j > end+1 {
			l.emitNet(start, p, j, false)
			return true
		}
	}
	text := string(l.src[start:end])
	if _, err := netip.ParseAddr(text); err != nil {
		l.errorf(p, "bad "+kind.String()+" "+text)
	}
	l.emit(kind, text, start, p, end)
	return true
}

func (l *lexer) emitNet(start int, p ast.Pos, end int, maskForm bool) {
	text := string(l.src[start:end])
	addr, mask, _ := strings.Cut(text, "/")
	ok := false
	if maskForm {
		a, err1 := netip.ParseAddr(addr)
		m, err2 := netip.ParseAddr(mask)
		ok = err1 == nil && err2 == nil && a.Is4() == m.Is4()
	} else {
		_, err := netip.ParsePrefix(text)
		ok = err == nil
	}
	if !ok {
		l.errorf(p, "bad IP network "+text)
	}
	l.emit(IPNet, text, start, p, end)
}

// scanAddr returns the end of an IPv4 (digits.digits.digits.digits) or
// IPv6 address at i, or kind EOF when there is none. An IPv6 candidate must
// hold "::" or seven ':' (as in OpenSIPS's lexer) and parse, which keeps
// `case 1:` and `default:` out.
func (l *lexer) scanAddr(i int) (int, Kind) {
	if end := l.scanIPv4(i); end > 0 {
		return end, IPv4
	}
	// An IPv6 address is at most 39 characters; stopping the scan there
	// keeps long runs like a:b:c:... linear to lex.
	j := i
	for j < len(l.src) && j-i <= 39 && (isHex(l.src[j]) || l.src[j] == ':') {
		j++
	}
	if j-i > 39 {
		return 0, EOF
	}
	cand := string(l.src[i:j])
	if !strings.Contains(cand, "::") && strings.Count(cand, ":") != 7 {
		return 0, EOF
	}
	if j < len(l.src) && (isWordChar(l.src[j]) || l.src[j] == '.') {
		return 0, EOF
	}
	if _, err := netip.ParseAddr(cand); err != nil {
		return 0, EOF
	}
	return j, IPv6
}

func (l *lexer) scanIPv4(i int) int {
	for group := 0; group < 4; group++ {
		if group > 0 {
			if i >= len(l.src) || l.src[i] != '.' {
				return 0
			}
			i++
		}
		n := 0
		for i < len(l.src) && isDigit(l.src[i]) {
			i++
			n++
		}
		if n == 0 || n > 3 {
			return 0
		}
	}
	if i < len(l.src) && isWordChar(l.src[i]) {
		return 0
	}
	return i
}
