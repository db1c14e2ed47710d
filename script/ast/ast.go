// Package ast holds the syntax tree of an OpenSIPS 3.x routing script
// (opensips.cfg): global parameters, modules, modparams and route blocks with
// their statements and expressions. Every node carries the file:line:col it
// came from so that later passes (checker, compiler) can report positioned
// errors.
package ast

import "fmt"

// Pos is a source position. Line and Col are 1-based; Col counts bytes, a tab
// counts as one column (as OpenSIPS does).
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.File == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Node is any syntax tree node.
type Node interface {
	Position() Pos
}

// Decl is a top-level item of a script.
type Decl interface {
	Node
	declNode()
}

// Stmt is a statement inside a route block.
type Stmt interface {
	Node
	stmtNode()
}

// Expr is an expression: a condition, an assignment's right side or a
// function argument.
type Expr interface {
	Node
	exprNode()
}

// Script is one parsed configuration. Items keeps the source order (the
// printer needs it); the typed slices index the same nodes by kind.
type Script struct {
	Pos       Pos
	Items     []Decl
	Params    []*GlobalParam
	Modules   []*LoadModule
	ModParams []*ModParam
	Routes    []*RouteBlock
	Includes  []*Include
}

// Add appends d to Items and to the slice of its kind.
func (s *Script) Add(d Decl) {
	s.Items = append(s.Items, d)
	switch d := d.(type) {
	case *GlobalParam:
		s.Params = append(s.Params, d)
	case *LoadModule:
		s.Modules = append(s.Modules, d)
	case *ModParam:
		s.ModParams = append(s.ModParams, d)
	case *RouteBlock:
		s.Routes = append(s.Routes, d)
	case *Include:
		s.Includes = append(s.Includes, d)
	}
}

// GlobalParam is a core parameter assignment such as `log_level=3` or
// `socket=udp:127.0.0.1:5060 as 1.2.3.4:5060 use_workers 4`. The value is
// kept as words because its shape depends on the parameter (numbers,
// strings, socket definitions, blacklists, scaling profiles); the parameter
// registry gives them meaning.
type GlobalParam struct {
	Pos   Pos
	Name  string
	Value []Word
}

// Word is one whitespace-separated piece of a global parameter value. A
// quoted string is always a word of its own, with Text unescaped.
type Word struct {
	Pos    Pos
	Text   string
	Quoted bool
}

// ValueText joins the words of a value with single spaces, strings unquoted.
func (g *GlobalParam) ValueText() string {
	out := ""
	for i, w := range g.Value {
		if i > 0 {
			out += " "
		}
		out += w.Text
	}
	return out
}

// LoadModule is `loadmodule "path"`.
type LoadModule struct {
	Pos  Pos
	Path string
}

// ModParam is `modparam("module", "param", value)`. Module may name several
// modules separated by '|' (OpenSIPS matches it as a regular expression).
// Value is a *StringLit or a *NumberLit.
type ModParam struct {
	Pos    Pos
	Module string
	Param  string
	Value  Expr
}

// Include is `include_file "path"` or `import_file "path"`, at top level or
// inside a route.
type Include struct {
	Pos     Pos
	Keyword string // include_file or import_file
	Path    string
}

// RouteKind is the type of a route block.
type RouteKind int

// Route kinds, named after their keywords.
const (
	RequestRoute RouteKind = iota
	BranchRoute
	FailureRoute
	OnReplyRoute
	ErrorRoute
	LocalRoute
	StartupRoute
	TimerRoute
	EventRoute
)

var routeKeywords = [...]string{
	RequestRoute: "route",
	BranchRoute:  "branch_route",
	FailureRoute: "failure_route",
	OnReplyRoute: "onreply_route",
	ErrorRoute:   "error_route",
	LocalRoute:   "local_route",
	StartupRoute: "startup_route",
	TimerRoute:   "timer_route",
	EventRoute:   "event_route",
}

// String returns the cfg keyword of the route kind.
func (k RouteKind) String() string {
	if k < 0 || int(k) >= len(routeKeywords) {
		return fmt.Sprintf("RouteKind(%d)", int(k))
	}
	return routeKeywords[k]
}

// RouteKindByKeyword maps a cfg keyword to its route kind.
func RouteKindByKeyword(word string) (RouteKind, bool) {
	for k, w := range routeKeywords {
		if w == word {
			return RouteKind(k), true
		}
	}
	return 0, false
}

// RouteBlock is a route definition: `route{}`, `route[name]{}`,
// `timer_route[name, 60]{}`, `event_route[E_X, async]{}` ...
type RouteBlock struct {
	Pos      Pos
	Kind     RouteKind
	Name     string // empty for the unnamed main/onreply/error/... routes
	HasName  bool   // `route[0]` and `route` differ in the source
	Interval int64  // timer_route only
	Mode     string // event_route only: "", "sync" or "async"
	Body     *Block
}

func (n *GlobalParam) Position() Pos { return n.Pos }
func (n *LoadModule) Position() Pos  { return n.Pos }
func (n *ModParam) Position() Pos    { return n.Pos }
func (n *Include) Position() Pos     { return n.Pos }
func (n *RouteBlock) Position() Pos  { return n.Pos }
func (n *Script) Position() Pos      { return n.Pos }

func (*GlobalParam) declNode() {}
func (*LoadModule) declNode()  {}
func (*ModParam) declNode()    {}
func (*Include) declNode()     {}
func (*RouteBlock) declNode()  {}
