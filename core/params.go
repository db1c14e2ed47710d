package core

import (
	"fmt"
	"log/slog"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"switchboard/blacklist"
	"switchboard/script/ast"
	"switchboard/transport"
)

// Config holds the core parameters of a script (log_level=3 ...). Only
// parameters the core acts on are here; the others OpenSIPS knows are
// reported as not supported by the script check.
type Config struct {
	LogLevel       int // OpenSIPS levels: -3 alert ... 4 debug
	XLogLevel      int
	StderrEnabled  bool
	SyslogEnabled  bool
	SyslogFacility string
	SyslogName     string
	ModulePath     string // mpath: accepted; modules are compiled in

	// The network: socket= / listen= lines, aliases, workers, TCP limits.
	Sockets               []transport.SocketSpec
	Aliases               []Alias
	UDPWorkers            int
	TCPWorkers            int
	TCPConnectTimeoutMS   int
	TCPConnectionLifetime int // seconds
	TCPMaxConnections     int
	// MaxBuffer is maxbuffer: the receive buffer each UDP socket asks
	// the kernel for (OpenSIPS's default 256 KB); 0 keeps the system's.
	MaxBuffer   int
	DNSTryIPv6  bool
	DNSTryNAPTR bool

	// The core events (events.go): thresholds in microseconds, 0 off.
	ExecMsgThreshold    int  // exec_msg_threshold: E_CORE_THRESHOLD for slow messages
	ExecDNSThreshold    int  // exec_dns_threshold: E_CORE_THRESHOLD for slow DNS queries
	EventSHMThreshold   int  // event_shm_threshold: E_CORE_SHM_THRESHOLD, percent of the memory limit
	LogEventEnabled     bool // log_event_enabled: E_CORE_LOG
	LogEventLevelFilter int  // log_event_level_filter: highest level raised; 0 all
	StderrLevelFilter   int  // stderror_level_filter: highest level written to stderr; 0 all
	SyslogLevelFilter   int  // syslog_level_filter: highest level sent to syslog; 0 all
	// AdvertisedAddress and AdvertisedPort are advertised_address and
	// advertised_port: what sockets without an "as" of their own write
	// into Via and Record-Route. Empty and 0: their bound address.
	AdvertisedAddress string
	AdvertisedPort    int
	// DisableStatelessFwd is disable_stateless_fwd: replies that match
	// no transaction are dropped instead of forwarded by their Via, and
	// forward() is refused.
	DisableStatelessFwd bool
	// TCPAcceptAliases is tcp_accept_aliases: a request over TCP whose Via
	// has "alias" makes its connection serve the Via's port (RFC 5923).
	TCPAcceptAliases bool
	// Blacklists are the dst_blacklist lines, in order.
	Blacklists []blacklist.Definition
	// DisableDNSBlacklist is disable_dns_blacklist (on by default, as in
	// OpenSIPS 3): off keeps destinations that could not be reached in the
	// "dns" blacklist for four minutes.
	DisableDNSBlacklist bool
}

// Alias is an alias= line: a name (and port, 0 for any) that is this
// server too.
type Alias struct {
	Proto transport.Proto
	Host  string
	Port  int
}

// DefaultConfig is what a script that sets nothing gets (OpenSIPS's
// defaults: log_level 2, stderror off, syslog on).
func DefaultConfig() Config {
	return Config{LogLevel: 2, XLogLevel: 2, SyslogEnabled: true, SyslogFacility: "LOG_DAEMON", SyslogName: "switchboard",
		UDPWorkers: 8, TCPWorkers: 8, TCPConnectTimeoutMS: 100, TCPConnectionLifetime: 120, TCPMaxConnections: 2048,
		MaxBuffer: 262144, DNSTryNAPTR: true, DisableDNSBlacklist: true}
}

// setters returns the global parameters the core implements, writing into
// cfg.
func (cfg *Config) setters() map[string]func(p *ast.GlobalParam) error {
	return map[string]func(p *ast.GlobalParam) error{
		"log_level":        intParam(&cfg.LogLevel, -3, 4),
		"xlog_level":       intParam(&cfg.XLogLevel, -3, 4),
		"stderror_enabled": boolParam(&cfg.StderrEnabled),
		"log_stderror":     boolParam(&cfg.StderrEnabled), // the pre-3.x name
		"syslog_enabled":   boolParam(&cfg.SyslogEnabled),
		"syslog_facility":  func(p *ast.GlobalParam) error { return facilityParam(cfg, p) },
		"log_facility":     func(p *ast.GlobalParam) error { return facilityParam(cfg, p) },
		"syslog_name":      stringParam(&cfg.SyslogName),
		"log_name":         stringParam(&cfg.SyslogName),
		"mpath":            stringParam(&cfg.ModulePath),

		"socket":                  func(p *ast.GlobalParam) error { return socketParam(cfg, p) },
		"listen":                  func(p *ast.GlobalParam) error { return socketParam(cfg, p) },
		"alias":                   func(p *ast.GlobalParam) error { return aliasParam(cfg, p) },
		"udp_workers":             intParam(&cfg.UDPWorkers, 1, 1024),
		"tcp_workers":             intParam(&cfg.TCPWorkers, 1, 1024),
		"tcp_connect_timeout":     intParam(&cfg.TCPConnectTimeoutMS, 1, 1<<20),
		"tcp_connection_lifetime": intParam(&cfg.TCPConnectionLifetime, 1, 1<<30),
		"tcp_max_connections":     intParam(&cfg.TCPMaxConnections, 1, 1<<20),
		"maxbuffer":               intParam(&cfg.MaxBuffer, 0, 1<<30),
		"dns_try_ipv6":            boolParam(&cfg.DNSTryIPv6),
		"dns_try_naptr":           boolParam(&cfg.DNSTryNAPTR),

		"exec_msg_threshold":     intParam(&cfg.ExecMsgThreshold, 0, 1<<30),
		"execmsgthreshold":       intParam(&cfg.ExecMsgThreshold, 0, 1<<30),
		"exec_dns_threshold":     intParam(&cfg.ExecDNSThreshold, 0, 1<<30),
		"execdnsthreshold":       intParam(&cfg.ExecDNSThreshold, 0, 1<<30),
		"event_shm_threshold":    intParam(&cfg.EventSHMThreshold, 0, 100),
		"log_event_enabled":      boolParam(&cfg.LogEventEnabled),
		"log_event_level_filter": levelParam(&cfg.LogEventLevelFilter),
		"stderror_level_filter":  levelParam(&cfg.StderrLevelFilter),
		"syslog_level_filter":    levelParam(&cfg.SyslogLevelFilter),
		"advertised_address":     func(p *ast.GlobalParam) error { return advertisedAddressParam(cfg, p) },
		"advertised_port":        intParam(&cfg.AdvertisedPort, 1, 65535),
		"disable_stateless_fwd":  boolParam(&cfg.DisableStatelessFwd),
		"tcp_accept_aliases":     boolParam(&cfg.TCPAcceptAliases),
		"dst_blacklist":          func(p *ast.GlobalParam) error { return blacklistParam(cfg, p) },
		"disable_dns_blacklist":  boolParam(&cfg.DisableDNSBlacklist),
	}
}

func oneWord(p *ast.GlobalParam) (string, error) {
	if len(p.Value) != 1 {
		return "", fmt.Errorf("expects one value, got %q", p.ValueText())
	}
	return p.Value[0].Text, nil
}

func intParam(dst *int, min, max int) func(p *ast.GlobalParam) error {
	return func(p *ast.GlobalParam) error {
		w, err := oneWord(p)
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(w)
		if err != nil || n < min || n > max {
			return fmt.Errorf("expects a number from %d to %d, got %q", min, max, w)
		}
		*dst = n
		return nil
	}
}

// levelParam reads an OpenSIPS log level, a number from -3 to 4; 0 means
// no filter for log_event_level_filter.
func levelParam(dst *int) func(p *ast.GlobalParam) error {
	return intParam(dst, -3, 4)
}

func boolParam(dst *bool) func(p *ast.GlobalParam) error {
	return func(p *ast.GlobalParam) error {
		w, err := oneWord(p)
		if err != nil {
			return err
		}
		switch strings.ToLower(w) {
		case "yes", "on", "true", "1":
			*dst = true
		case "no", "off", "false", "0":
			*dst = false
		default:
			return fmt.Errorf("expects yes or no, got %q", w)
		}
		return nil
	}
}

func stringParam(dst *string) func(p *ast.GlobalParam) error {
	return func(p *ast.GlobalParam) error {
		w, err := oneWord(p)
		*dst = w
		return err
	}
}

// facilities are the syslog facilities OpenSIPS accepts.
var facilities = []string{"LOG_KERN", "LOG_USER", "LOG_MAIL", "LOG_DAEMON", "LOG_AUTH", "LOG_SYSLOG",
	"LOG_LPR", "LOG_NEWS", "LOG_UUCP", "LOG_CRON", "LOG_AUTHPRIV", "LOG_FTP", "LOG_LOCAL0", "LOG_LOCAL1",
	"LOG_LOCAL2", "LOG_LOCAL3", "LOG_LOCAL4", "LOG_LOCAL5", "LOG_LOCAL6", "LOG_LOCAL7"}

func facilityParam(cfg *Config, p *ast.GlobalParam) error {
	w, err := oneWord(p)
	if err != nil {
		return err
	}
	for _, f := range facilities {
		if strings.EqualFold(f, w) {
			cfg.SyslogFacility = f
			return nil
		}
	}
	return fmt.Errorf("unknown syslog facility %q", w)
}

// SlogLevel maps an OpenSIPS log level onto slog's: L_ALERT(-3) .. L_ERR(-1)
// are errors, L_WARN(1) warnings, L_NOTICE(2) and L_INFO(3) info, L_DBG(4)
// debug.
func SlogLevel(level int) slog.Level {
	switch {
	case level <= -1:
		return slog.LevelError
	case level == 0 || level == 1:
		return slog.LevelWarn
	case level <= 3:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// ImplementedParams returns the global parameters the core acts on, for
// the compatibility table.
func ImplementedParams() []string {
	var cfg Config
	names := []string{"max_while_loops"} // the compiler's own
	for name := range cfg.setters() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func socketParam(cfg *Config, p *ast.GlobalParam) error {
	words := make([]string, len(p.Value))
	for i, w := range p.Value {
		words[i] = w.Text
	}
	spec, err := transport.ParseSocket(words)
	if err != nil {
		return err
	}
	cfg.Sockets = append(cfg.Sockets, spec)
	return nil
}

// aliasParam reads alias=[proto:]host[:port].
func aliasParam(cfg *Config, p *ast.GlobalParam) error {
	w, err := oneWord(p)
	if err != nil {
		return err
	}
	a := Alias{Host: w}
	if proto, rest, ok := strings.Cut(w, ":"); ok {
		if pr, err := transport.ParseProto(proto); err == nil {
			a.Proto, a.Host = pr, rest
		}
	}
	if i := strings.LastIndexByte(a.Host, ':'); i > 0 && !strings.HasSuffix(a.Host, "]") {
		port, err := strconv.Atoi(a.Host[i+1:])
		if err != nil || port < 0 || port > 65535 {
			return fmt.Errorf("bad port in alias %q", w)
		}
		a.Host, a.Port = a.Host[:i], port
	}
	cfg.Aliases = append(cfg.Aliases, a)
	return nil
}

// advertisedAddressParam reads advertised_address: an IP address or a
// host name, written as it is into Via and Record-Route. IPv6 may come
// with or without brackets.
func advertisedAddressParam(cfg *Config, p *ast.GlobalParam) error {
	w, err := oneWord(p)
	if err != nil {
		return err
	}
	host := strings.TrimSuffix(strings.TrimPrefix(w, "["), "]")
	if !validAdvertisedHost(host) {
		return fmt.Errorf("advertised_address: %q is not an IP address or host name", w)
	}
	cfg.AdvertisedAddress = host
	return nil
}

// validAdvertisedHost accepts an IP address or a host name: what may be
// written as a Via sent-by host.
func validAdvertisedHost(h string) bool {
	if h == "" {
		return false
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return !strings.Contains(h, "%")
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}
