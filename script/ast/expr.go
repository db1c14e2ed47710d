package ast

// Op is an operator, spelled as in the cfg. The word forms `and`, `or` and
// `not` are stored as "&&", "||" and "!".
type Op string

// Operators.
const (
	OpOr    Op = "||"
	OpAnd   Op = "&&"
	OpNot   Op = "!"
	OpEq    Op = "=="
	OpNe    Op = "!="
	OpGt    Op = ">"
	OpLt    Op = "<"
	OpGe    Op = ">="
	OpLe    Op = "<="
	OpMatch Op = "=~"
	OpNoMat Op = "!~"
	OpAdd   Op = "+"
	OpSub   Op = "-"
	OpMul   Op = "*"
	OpDiv   Op = "/"
	OpMod   Op = "%"
	OpBand  Op = "&"
	OpBor   Op = "|"
	OpBxor  Op = "^"
	OpBnot  Op = "~"
	OpShl   Op = "<<"
	OpShr   Op = ">>"

	OpAssign    Op = "="
	OpColonEq   Op = ":="
	OpAddAssign Op = "+="
	OpSubAssign Op = "-="
	OpMulAssign Op = "*="
	OpDivAssign Op = "/="
	OpModAssign Op = "%="
	OpAndAssign Op = "&="
	OpOrAssign  Op = "|="
	OpXorAssign Op = "^="
)

// PVar is a pseudo-variable reference kept as its raw text, for example
// `$ru`, `$var(x)` or `$(avp(x)[2]{s.len})`. The PV registry parses it.
type PVar struct {
	Pos Pos
	Raw string
}

// StringLit is a string constant with escapes resolved. Adjacent strings
// ("a" "b") are folded into one, as OpenSIPS does.
type StringLit struct {
	Pos   Pos
	Value string
}

// NumberLit is an integer constant. Text is the source spelling ("0x1F",
// "-5", "yes"); OpenSIPS reads yes/true/on/enable as 1 and
// no/false/off/disable as 0.
type NumberLit struct {
	Pos   Pos
	Text  string
	Value int64
}

// NullLit is NULL (or null).
type NullLit struct{ Pos Pos }

// IPLit is an IPv4/IPv6 address or network (`10.0.0.0/8`), as written.
type IPLit struct {
	Pos  Pos
	Text string
}

// Ident is a bare word used as a function argument (a route or flag name
// in old-style calls). OpenSIPS 3.x expects strings there; the checker
// decides.
type Ident struct {
	Pos  Pos
	Name string
}

// EmptyArg is an omitted argument: the first one in `f(, "x")`.
type EmptyArg struct{ Pos Pos }

// CallExpr is a function call `name(args)`. Core statements spelled like
// calls (xlog, log, assert, error, ...) are calls too.
type CallExpr struct {
	Pos  Pos
	Name string
	Args []Expr
}

// RouteCall is `route(name[, params...])`. Target is an *Ident, a
// *StringLit (possibly a format), a *NumberLit or a *PVar.
type RouteCall struct {
	Pos    Pos
	Target Expr
	Args   []Expr
}

// AsyncCall is `async(func(args), resume_route[, timeout])` or, with Launch
// set, `launch(func(args)[, report_route[, "id"]])`. Route is nil when
// launch has no report route; Extra is the timeout or the launch id.
type AsyncCall struct {
	Pos    Pos
	Launch bool
	Call   *CallExpr
	Route  Expr
	Extra  Expr
}

// UnaryExpr is `!X` / `not X` or `~X`.
type UnaryExpr struct {
	Pos Pos
	Op  Op
	X   Expr
}

// BinaryExpr is `X Op Y`. Pos is the start of X, OpPos the operator.
type BinaryExpr struct {
	Pos   Pos
	OpPos Pos
	Op    Op
	X, Y  Expr
}

// ParenExpr is `(X)`. It is kept because the source grouping decides the
// evaluation order where OpenSIPS's flat precedence would not.
type ParenExpr struct {
	Pos Pos
	X   Expr
}

// BracketExpr is `[X]`, OpenSIPS's arithmetic test inside a condition.
type BracketExpr struct {
	Pos Pos
	X   Expr
}

func (n *PVar) Position() Pos        { return n.Pos }
func (n *StringLit) Position() Pos   { return n.Pos }
func (n *NumberLit) Position() Pos   { return n.Pos }
func (n *NullLit) Position() Pos     { return n.Pos }
func (n *IPLit) Position() Pos       { return n.Pos }
func (n *Ident) Position() Pos       { return n.Pos }
func (n *EmptyArg) Position() Pos    { return n.Pos }
func (n *CallExpr) Position() Pos    { return n.Pos }
func (n *RouteCall) Position() Pos   { return n.Pos }
func (n *AsyncCall) Position() Pos   { return n.Pos }
func (n *UnaryExpr) Position() Pos   { return n.Pos }
func (n *BinaryExpr) Position() Pos  { return n.Pos }
func (n *ParenExpr) Position() Pos   { return n.Pos }
func (n *BracketExpr) Position() Pos { return n.Pos }

func (*PVar) exprNode()        {}
func (*StringLit) exprNode()   {}
func (*NumberLit) exprNode()   {}
func (*NullLit) exprNode()     {}
func (*IPLit) exprNode()       {}
func (*Ident) exprNode()       {}
func (*EmptyArg) exprNode()    {}
func (*CallExpr) exprNode()    {}
func (*RouteCall) exprNode()   {}
func (*AsyncCall) exprNode()   {}
func (*UnaryExpr) exprNode()   {}
func (*BinaryExpr) exprNode()  {}
func (*ParenExpr) exprNode()   {}
func (*BracketExpr) exprNode() {}
