package ast

// Block is `{ statements }`.
type Block struct {
	Pos   Pos
	Stmts []Stmt
}

// IfStmt is `if (Cond) Then [else Else]`. Then and Else are a *Block or a
// single statement; Else may be another *IfStmt (`else if`).
type IfStmt struct {
	Pos  Pos
	Cond Expr
	Then Stmt
	Else Stmt
}

// SwitchStmt is `switch (Subject) { case ...: ... default: ... }`.
type SwitchStmt struct {
	Pos     Pos
	Subject Expr
	Cases   []*CaseClause
}

// CaseClause is one `case value:` or `default:` arm. An empty Body falls
// through to the next arm, as in OpenSIPS.
type CaseClause struct {
	Pos     Pos
	Default bool
	Value   Expr // *NumberLit or *StringLit; nil for default
	Body    []Stmt
}

// WhileStmt is `while (Cond) Body`.
type WhileStmt struct {
	Pos  Pos
	Cond Expr
	Body Stmt
}

// ForEachStmt is `for ($var(it) in $(avp(list)[*])) Body`.
type ForEachStmt struct {
	Pos  Pos
	Var  *PVar
	List *PVar
	Body Stmt
}

// BreakStmt is `break`.
type BreakStmt struct{ Pos Pos }

// ExitStmt is `exit` or `exit()`.
type ExitStmt struct{ Pos Pos }

// DropStmt is `drop` or `drop()`.
type DropStmt struct{ Pos Pos }

// ReturnStmt is `return`, `return n`, `return(n)` or `return(n, v1, ...)`.
// An empty first value (`return(, v1)`) is an *EmptyArg. No values means
// return code 1.
type ReturnStmt struct {
	Pos    Pos
	Values []Expr
}

// AssignStmt is `$pv op value`, op one of = := += -= *= /= %= &= |= ^=.
type AssignStmt struct {
	Pos   Pos
	Left  *PVar
	Op    Op
	Right Expr
}

// ExprStmt is a call used as a statement: `t_relay();`, `route(relay);`,
// `async(...)`.
type ExprStmt struct {
	Pos Pos
	X   Expr
}

func (n *Block) Position() Pos       { return n.Pos }
func (n *IfStmt) Position() Pos      { return n.Pos }
func (n *SwitchStmt) Position() Pos  { return n.Pos }
func (n *CaseClause) Position() Pos  { return n.Pos }
func (n *WhileStmt) Position() Pos   { return n.Pos }
func (n *ForEachStmt) Position() Pos { return n.Pos }
func (n *BreakStmt) Position() Pos   { return n.Pos }
func (n *ExitStmt) Position() Pos    { return n.Pos }
func (n *DropStmt) Position() Pos    { return n.Pos }
func (n *ReturnStmt) Position() Pos  { return n.Pos }
func (n *AssignStmt) Position() Pos  { return n.Pos }
func (n *ExprStmt) Position() Pos    { return n.Pos }

func (*Block) stmtNode()       {}
func (*IfStmt) stmtNode()      {}
func (*SwitchStmt) stmtNode()  {}
func (*WhileStmt) stmtNode()   {}
func (*ForEachStmt) stmtNode() {}
func (*BreakStmt) stmtNode()   {}
func (*ExitStmt) stmtNode()    {}
func (*DropStmt) stmtNode()    {}
func (*ReturnStmt) stmtNode()  {}
func (*AssignStmt) stmtNode()  {}
func (*ExprStmt) stmtNode()    {}
func (*Include) stmtNode()     {}
