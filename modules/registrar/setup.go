package registrar

import (
	"fmt"
	"strings"
	"sync/atomic"

	"switchboard/core"
	"switchboard/engine"
	"switchboard/modules/usrloc"
)

func init() {
	core.Register(&engine.Module{
		Name:  "registrar",
		Stats: statSpecs(),
		Deps:  []string{"usrloc", "sl"},
		Params: []engine.Param{
			engine.IntParam("default_expires", func(n int) error { pending.defaultExpires = n; return nil }),
			engine.IntParam("min_expires", func(n int) error { pending.minExpires = n; return nil }),
			engine.IntParam("max_expires", func(n int) error { pending.maxExpires = n; return nil }),
			engine.IntParam("max_contacts", func(n int) error { pending.maxContacts = n; return nil }),
			engine.IntParam("default_q", func(n int) error { pending.defaultQ = n; return nil }),
			engine.BoolParam("case_sensitive", func(b bool) { pending.caseSensitive = b }),
			engine.IntParam("retry_after", func(n int) error { pending.retryAfter = n; return nil }),
			engine.StrParam("realm_prefix", func(s string) error { pending.realmPrefix = strings.ToLower(s); return nil }),
			engine.StrParam("sock_hdr_name", func(s string) error { pending.sockHdrName = s; return nil }),
			engine.StrParam("received_avp", func(s string) error {
				v, err := core.ParseVarParam("received_avp", s)
				pending.receivedAVP = v
				return err
			}),
			engine.StrParam("tcp_persistent_flag", func(s string) error {
				bit, err := engine.MsgFlags.Bit(s)
				pending.tcpPersistentFlag = bit
				return err
			}),
		},
		Functions: []engine.Function{
			{Name: "save", Routes: engine.RequestRoute | engine.FailureRoute,
				Args: []engine.ArgSpec{domainArg(), {Kind: engine.ArgStr, Optional: true, Fixup: fixSave},
					{Kind: engine.ArgStr, Optional: true}},
				Run: runSave},
			{Name: "lookup", Routes: engine.RequestRoute | engine.FailureRoute,
				Args: []engine.ArgSpec{domainArg(), {Kind: engine.ArgStr, Optional: true, Fixup: fixLookup},
					{Kind: engine.ArgStr, Optional: true}},
				Run: runLookup},
			{Name: "registered", Routes: engine.AnyRoute,
				Args: []engine.ArgSpec{domainArg(), {Kind: engine.ArgStr, Optional: true}, {Kind: engine.ArgStr, Optional: true}},
				Run:  runRegistered},
			{Name: "is_registered", Routes: engine.AnyRoute,
				Args: []engine.ArgSpec{domainArg(), {Kind: engine.ArgStr, Optional: true}},
				Run:  runRegistered},
			{Name: "is_contact_registered", Routes: engine.AnyRoute,
				Args: []engine.ArgSpec{domainArg(), {Kind: engine.ArgStr, Optional: true},
					{Kind: engine.ArgStr, Optional: true}, {Kind: engine.ArgStr, Optional: true}},
				Run: runIsContactRegistered},
			{Name: "remove", Routes: engine.AnyRoute,
				Args: []engine.ArgSpec{domainArg(), {Kind: engine.ArgStr}, {Kind: engine.ArgStr, Optional: true},
					{Kind: engine.ArgStr, Optional: true}, {Kind: engine.ArgStr, Optional: true},
					{Kind: engine.ArgStatic, Optional: true, Fixup: fixBranchFlag}},
				Run: runRemove},
			{Name: "add_sock_hdr", Routes: engine.RequestRoute,
				Args: []engine.ArgSpec{{Kind: engine.ArgStr}},
				Run:  runAddSockHdr},
		},
		Init: func() error {
			cfg := pending
			active.Store(&cfg)
			pending = defaultSettings()
			return nil
		},
	})
}

// settings are the module parameters.
type settings struct {
	defaultExpires, minExpires, maxExpires, maxContacts int
	defaultQ, retryAfter                                int
	caseSensitive                                       bool
	realmPrefix, sockHdrName                            string
	receivedAVP                                         engine.Var
	tcpPersistentFlag                                   uint64
}

func defaultSettings() settings {
	return settings{defaultExpires: 3600, minExpires: 60, defaultQ: usrloc.QUnspecified, caseSensitive: true,
		sockHdrName: "Sock-Info"}
}

var (
	// pending collects the parameters of the script being loaded; Init
	// publishes them in active and starts the next load from defaults.
	pending = defaultSettings()
	active  atomic.Pointer[settings]
)

// config returns the running parameters; before Init ran (a script only
// compiled) the ones being set.
func config() *settings {
	if s := active.Load(); s != nil {
		return s
	}
	s := pending
	return &s
}

// Counters are the module's statistics (OpenSIPS names).
type Counters struct {
	AcceptedRegs atomic.Int64 // accepted_regs
	RejectedRegs atomic.Int64 // rejected_regs
}

// Stats holds the counters, read by the statistics interface. The
// registrar's max_expires, max_contacts and default_expires statistics
// are the parameters themselves (Params).
var Stats Counters

// Params returns default_expires, max_expires and max_contacts, which
// OpenSIPS also exports as statistics.
func Params() (defaultExpires, maxExpires, maxContacts int) {
	s := config()
	return s.defaultExpires, s.maxExpires, s.maxContacts
}

// domainArg is the table name: a constant, which usrloc registers so
// that its Init loads the table before any request arrives.
func domainArg() engine.ArgSpec {
	return engine.ArgSpec{Kind: engine.ArgStatic, Fixup: func(s string) (any, error) {
		if s == "" || strings.ContainsFunc(s, func(r rune) bool {
			return !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		}) {
			return nil, fmt.Errorf("domain %q must be a table name ([A-Za-z0-9_]+)", s)
		}
		usrloc.RegisterDomain(s)
		return s, nil
	}}
}

func fixSave(s string) (any, error)   { return parseSaveFlags(s) }
func fixLookup(s string) (any, error) { return parseLookupFlags(s) }
func fixBranchFlag(s string) (any, error) {
	return engine.BranchFlags.Bit(s)
}
