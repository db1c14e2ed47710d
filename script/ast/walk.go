package ast

// Inspect walks the tree rooted at n in source order, calling f for each
// node. If f returns false the node's children are skipped.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	switch n := n.(type) {
	case *Script:
		for _, d := range n.Items {
			Inspect(d, f)
		}
	case *ModParam:
		Inspect(n.Value, f)
	case *RouteBlock:
		if n.Body != nil {
			Inspect(n.Body, f)
		}
	case *Block:
		inspectStmts(n.Stmts, f)
	case *IfStmt:
		Inspect(n.Cond, f)
		Inspect(n.Then, f)
		if n.Else != nil {
			Inspect(n.Else, f)
		}
	case *SwitchStmt:
		Inspect(n.Subject, f)
		for _, c := range n.Cases {
			Inspect(c, f)
		}
	case *CaseClause:
		if n.Value != nil {
			Inspect(n.Value, f)
		}
		inspectStmts(n.Body, f)
	case *WhileStmt:
		Inspect(n.Cond, f)
		Inspect(n.Body, f)
	case *ForEachStmt:
		Inspect(n.Var, f)
		Inspect(n.List, f)
		Inspect(n.Body, f)
	case *ReturnStmt:
		inspectExprs(n.Values, f)
	case *AssignStmt:
		Inspect(n.Left, f)
		Inspect(n.Right, f)
	case *ExprStmt:
		Inspect(n.X, f)
	case *CallExpr:
		inspectExprs(n.Args, f)
	case *RouteCall:
		Inspect(n.Target, f)
		inspectExprs(n.Args, f)
	case *AsyncCall:
		Inspect(n.Call, f)
		if n.Route != nil {
			Inspect(n.Route, f)
		}
		if n.Extra != nil {
			Inspect(n.Extra, f)
		}
	case *UnaryExpr:
		Inspect(n.X, f)
	case *BinaryExpr:
		Inspect(n.X, f)
		Inspect(n.Y, f)
	case *ParenExpr:
		Inspect(n.X, f)
	case *BracketExpr:
		Inspect(n.X, f)
	}
}

func inspectStmts(list []Stmt, f func(Node) bool) {
	for _, s := range list {
		Inspect(s, f)
	}
}

func inspectExprs(list []Expr, f func(Node) bool) {
	for _, e := range list {
		Inspect(e, f)
	}
}
