package script

import (
	"fmt"

	"switchboard/script/ast"
)

// Kind is the class of a token.
type Kind int

// Token kinds. Keywords are identifiers: the parser tells them apart by
// context, which keeps the lexer small and lets names like `default` or
// `in` stay usable where OpenSIPS allows them.
const (
	EOF     Kind = iota
	Ident        // letters, digits, '_'
	Number       // 123, 0x1f, 017 (sign is a separate '-' token)
	String       // "..." or '...', Text holds the unescaped value
	PV           // $ru, $var(x), $(avp(x)[2]{s.len}); Text is the raw source
	IPv4         // 10.0.0.1
	IPv6         // ::1, 2001:db8::1
	IPNet        // 10.0.0.0/8, 10.0.0.0/255.0.0.0, ::/0
	Punct        // operators and punctuation; Text is the operator
	Illegal      // a byte that starts no token
)

var kindNames = [...]string{
	EOF: "end of file", Ident: "identifier", Number: "number", String: "string",
	PV: "pseudo-variable", IPv4: "IPv4 address", IPv6: "IPv6 address",
	IPNet: "IP network", Punct: "operator", Illegal: "character",
}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Token is one lexical token. Off and End are byte offsets into the source
// (End exclusive); global parameter values are rebuilt from them.
type Token struct {
	Kind Kind
	Text string
	Pos  ast.Pos
	Off  int
	End  int
	// EndPos is the position just after the token, where a missing ';' is
	// reported.
	EndPos ast.Pos
}

// Is reports whether t is the punctuation or identifier s.
func (t Token) Is(s string) bool {
	return (t.Kind == Punct || t.Kind == Ident) && t.Text == s
}

// describe names the token for "expected X, found Y" messages.
func (t Token) describe() string {
	switch t.Kind {
	case EOF:
		return "end of file"
	case Punct:
		return "'" + t.Text + "'"
	case String:
		s := t.Text
		if len(s) > 30 {
			s = s[:30] + "..."
		}
		return "string " + ast.Quote(s)
	case Illegal:
		return fmt.Sprintf("unexpected character %q", t.Text)
	default:
		s := t.Text
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		return t.Kind.String() + " " + s
	}
}
