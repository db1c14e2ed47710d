// Package prometheus is OpenSIPS's prometheus module: the statistics,
// in the Prometheus text exposition format 0.0.4, at /<root> (/metrics)
// on the httpd module's listener.
package prometheus

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"switchboard/stats"
)

// Group modes (group_mode): where a statistic's group goes.
const (
	GroupNone  = 0 // not sent
	GroupName  = 1 // in the name: opensips_core_rcv_requests
	GroupLabel = 2 // as a label: opensips_rcv_requests{group="core"}
)

// Config holds the module parameters.
type Config struct {
	Root        string
	Prefix      string
	GroupPrefix string
	Delimiter   string
	GroupLabel  string
	GroupMode   int
	Statistics  []string // "all", "group:" or names; none exports nothing
	Labels      []LabelRule
}

// DefaultConfig is OpenSIPS's defaults.
func DefaultConfig() Config {
	return Config{Root: "metrics", Prefix: "opensips", Delimiter: "_", GroupLabel: "group"}
}

// LabelRule turns part of a statistic's name into labels (labels
// parameter "group: /regex/replacement/"): when Match matches a name of
// Group, the replacement gives "newname:labels", as usrloc's
// "location-users" becomes users{domain="location"}.
type LabelRule struct {
	Group       string
	Match       *regexp.Regexp
	Replacement string
}

// labelList checks the labels a rule produces: name="value" pairs.
var labelList = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*$`)

var backReference = regexp.MustCompile(`\\([0-9])`)

// ParseLabelRule reads one labels value.
func ParseLabelRule(s string) (LabelRule, error) {
	group, rest, found := strings.Cut(s, ":")
	rest = strings.TrimSpace(rest)
	if !found || group == "" || len(rest) < 3 || rest[0] != '/' || !strings.HasSuffix(rest, "/") {
		return LabelRule{}, fmt.Errorf("labels must look like \"group: /regex/name:label=\\\"value\\\"/\", not %q", s)
	}
	regex, replacement, found := strings.Cut(rest[1:len(rest)-1], "/")
	if !found {
		return LabelRule{}, fmt.Errorf("labels %q: no replacement after the regex", s)
	}
	re, err := regexp.Compile(regex)
	if err != nil {
		return LabelRule{}, fmt.Errorf("labels %q: %w", s, err)
	}
	// OpenSIPS writes groups as \1; Go's regexp wants ${1}.
	replacement = backReference.ReplaceAllString(replacement, "$${$1}")
	return LabelRule{Group: strings.TrimSpace(group), Match: re, Replacement: replacement}, nil
}

// Handler serves the statistics of r as cfg says, read at each scrape.
func Handler(cfg Config, r *stats.Registry) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = w.Write(Render(cfg, r))
	})
}

// Render writes the selected statistics, one family each. A name that
// comes out twice (group_mode 0 and two groups with one statistic
// name) is written once with each set of labels, under one TYPE line.
func Render(cfg Config, r *stats.Registry) []byte {
	type sample struct{ labels, value string }
	type family struct {
		kind    string
		samples []sample
	}
	var order []string
	families := map[string]*family{}
	for _, s := range r.Select(cfg.Statistics...) {
		name, labels := cfg.metric(s)
		f, seen := families[name]
		if !seen {
			kind := "gauge"
			if s.Incremental() {
				kind = "counter"
			}
			f = &family{kind: kind}
			families[name] = f
			order = append(order, name)
		}
		dup := false
		for _, old := range f.samples {
			dup = dup || old.labels == labels
		}
		if !dup {
			f.samples = append(f.samples, sample{labels, fmt.Sprint(s.Value())})
		}
	}
	var out []byte
	for _, name := range order {
		f := families[name]
		out = fmt.Appendf(out, "# TYPE %s %s\n", name, f.kind)
		for _, s := range f.samples {
			if s.labels == "" {
				out = fmt.Appendf(out, "%s %s\n", name, s.value)
			} else {
				out = fmt.Appendf(out, "%s{%s} %s\n", name, s.labels, s.value)
			}
		}
	}
	return out
}

// metric gives a statistic's metric name and labels.
func (cfg Config) metric(s *stats.Stat) (string, string) {
	name, labels := s.Name(), ""
	for _, rule := range cfg.Labels {
		if rule.Group != s.Group() || !rule.Match.MatchString(name) {
			continue
		}
		renamed, extra, _ := strings.Cut(rule.Match.ReplaceAllString(name, rule.Replacement), ":")
		if labelList.MatchString(extra) {
			name, labels = renamed, extra
		}
		break
	}
	var b strings.Builder
	if cfg.Prefix != "" {
		b.WriteString(cfg.Prefix)
		b.WriteString(cfg.Delimiter)
	}
	switch cfg.GroupMode {
	case GroupName:
		b.WriteString(cfg.GroupPrefix)
		b.WriteString(s.Group())
		b.WriteString(cfg.Delimiter)
	case GroupLabel:
		group := fmt.Sprintf("%s=%q", cfg.GroupLabel, cfg.GroupPrefix+s.Group())
		if labels == "" {
			labels = group
		} else {
			labels = group + "," + labels
		}
	}
	b.WriteString(name)
	return sanitize(b.String()), labels
}

// sanitize maps a name onto Prometheus's [a-zA-Z_:][a-zA-Z0-9_:]*:
// OpenSIPS names hold '-' (load1m-all, location-users) and may start
// with a digit (1xx_replies) when there is no prefix.
func sanitize(name string) string {
	out := []byte(name)
	for i, c := range out {
		ok := c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			out[i] = '_'
		}
	}
	return string(out)
}
