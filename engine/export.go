package engine

// Module is what a module declares to the engine: OpenSIPS's
// module_exports. Modules register it from init() through core.
type Module struct {
	Name      string
	Params    []Param
	Functions []Function
	PVs       []PVClass
	// Deps names the modules this one needs loaded (tm for dialog...).
	Deps []string
	// Init runs once after every modparam is set and before any socket
	// is opened; an error stops the start-up with the module's name.
	Init func() error
	// Shutdown runs once when the server stops cleanly, in reverse
	// loadmodule order, after the sockets are closed: usrloc flushes its
	// write-back cache there.
	Shutdown func()
	// BeforeScript runs for every request before the main route, in
	// loadmodule order; returning true means the module consumed the
	// request (sl absorbs the ACKs of its own replies) and the script
	// does not run.
	BeforeScript func(ctx *Context) bool
	// OnReply runs for every reply after the global onreply_route (as
	// OpenSIPS runs its main onreply_route before tm), in loadmodule
	// order; returning true means the module took the reply (tm matched
	// it to a transaction) and the core does not forward it statelessly.
	OnReply func(ctx *Context) bool
	// BeforeForward runs for every copy of a request the core sends on
	// (stateless forward or a tm branch), in loadmodule order, once the
	// destination and socket are chosen.
	BeforeForward func(ctx *Context, out *Outgoing)
	// MI are the management commands the module exports (OpenSIPS
	// mi_export_t); they are reachable over the MI transports when the
	// script loads the module.
	MI []MICommand
	// Stats are the statistics the module exports, under its name as
	// group, while a script that loads it runs.
	Stats []StatSpec
	// Events are the Event Interface events the module raises (OpenSIPS
	// evi_publish_event): the core publishes them when a script that
	// loads the module starts, so events_list lists them, subscribers may
	// subscribe to them and an event_route may name them.
	Events []EventSpec
}

// EventSpec declares an event a module raises and the names of the
// parameters it carries, in order.
type EventSpec struct {
	Name   string
	Params []string
}

// EventRef is what a function's fixup returns for a constant argument
// naming an event the script raises or subscribes to (raise_event,
// subscribe_event): the checker then accepts an event_route for that event
// although no module declares it, as OpenSIPS publishes script events.
type EventRef interface {
	EventName() string
}

// ParamKind is the type of a module parameter's value.
type ParamKind uint8

// Parameter kinds: modparam takes a number or a string.
const (
	ParamInt ParamKind = iota
	ParamStr
)

// Param is a module parameter (modparam). Set receives each value the
// script gives, in order, and validates it: some parameters are set several
// times (db_url of several partitions, listen-like lists).
type Param struct {
	Name string
	Kind ParamKind
	Set  func(v Value) error
}

// ArgKind is the type of a function argument, as OpenSIPS's cmd_param
// flags say it (CMD_PARAM_INT, _STR, _VAR, _REGEX, _STATIC).
type ArgKind uint8

// Argument kinds.
const (
	ArgInt    ArgKind = iota // a number, constant or from a variable
	ArgStr                   // a string: constant, variable or format string ("$rU@$rd")
	ArgVar                   // a writable variable the function stores into
	ArgRegex                 // a regular expression, compiled once when constant
	ArgStatic                // a constant only, turned into Arg.Fixed at load (flags, modes, names)
	ArgRoute                 // the name of a route of ArgSpec.Route's type; Arg.Fixed is a Route
)

func (k ArgKind) String() string {
	return [...]string{"integer", "string", "variable", "regular expression", "constant string", "route name"}[k]
}

// Route is a compiled route a module can run later: t_on_failure's
// failure_route, t_on_branch's branch_route.
type Route interface {
	Name() string
	// Run runs the route on ctx, which must be of the route's type, and
	// returns its code.
	Run(ctx *Context) int
}

// ArgSpec describes one parameter of a function.
type ArgSpec struct {
	Kind     ArgKind
	Optional bool
	// Fixup turns a constant argument into Arg.Fixed once, at load time;
	// its error is reported at the argument's position in the script.
	// For ArgStatic it is required; for others it is optional.
	Fixup func(s string) (any, error)
	// Route is the route type an ArgRoute argument names.
	Route RouteType
}

// Arg is the value of one argument when a function runs.
type Arg struct {
	Str   string
	Int   int
	Var   Var // ArgVar: where to store
	Fixed any // what Fixup made of a constant
	Set   bool
}

// Function is a script function a module exports (OpenSIPS cmd_export_t).
// Run returns the script code: positive is true, negative false, 0 stops
// the script (OpenSIPS's return-code rules).
type Function struct {
	Name   string
	Args   []ArgSpec
	Routes RouteType // the route types the function may be called from
	Run    func(ctx *Context, args []Arg) int
}

// Var is a compiled variable reference a function reads or writes ($var,
// $avp, $ru...): what an ArgVar argument holds.
type Var interface {
	Get(ctx *Context) Value
	// Set assigns v; replace is the ':=' form, which matters for lists
	// such as $avp (replace every value instead of adding one).
	Set(ctx *Context, v Value, replace bool) error
}

// KeyRule says whether a pseudo-variable takes a name in parentheses.
type KeyRule uint8

// Key rules: $ru (none), $hdr(Via) (required), $time / $time(fmt) (optional).
const (
	KeyNone KeyRule = iota
	KeyRequired
	KeyOptional
)

// PVKey is what a pseudo-variable class gets to resolve one reference: the
// name in parentheses, what ParseKey made of it, and the index.
type PVKey struct {
	Name string
	Data any
	// Index is [n] (negative counts from the end) when HasIndex is set;
	// AllIndexes is [*].
	Index      int
	HasIndex   bool
	AllIndexes bool
}

// PVClass is a family of pseudo-variables sharing a name: $ru, $hdr(...),
// $avp(...). Set is nil for read-only ones.
type PVClass struct {
	Name     string
	Key      KeyRule
	ParseKey func(name string) (any, error)
	Get      func(ctx *Context, k *PVKey) Value
	Set      func(ctx *Context, k *PVKey, v Value, replace bool) error
	// Indexed reports whether [n] means something for the class.
	Indexed bool
	// All returns every value for [*] (for each loops); nil when the
	// class has no list.
	All func(ctx *Context, k *PVKey) []Value
}

// StrParam is a string modparam whose values go to set.
func StrParam(name string, set func(string) error) Param {
	return Param{Name: name, Kind: ParamStr, Set: func(v Value) error { return set(v.String()) }}
}

// IntParam is a number modparam whose values go to set. The script
// compiler has already turned a numeric string into a number, or refused it.
func IntParam(name string, set func(int) error) Param {
	return Param{Name: name, Kind: ParamInt, Set: func(v Value) error { return set(v.Int) }}
}

// BoolParam is a number modparam read as a switch: non-zero is on, as
// OpenSIPS reads its int flags.
func BoolParam(name string, set func(bool)) Param {
	return Param{Name: name, Kind: ParamInt, Set: func(v Value) error { set(v.Int != 0); return nil }}
}
