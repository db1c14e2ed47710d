package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"switchboard/script"
	"switchboard/script/ast"
)

// defaultConfig is where OpenSIPS (and a packaged switchboard) keeps its
// script; the CLI reads the MI transport from it unless -f names another.
const defaultConfig = "/etc/opensips/opensips.cfg"

// Defaults of the MI modules, as OpenSIPS's (and opensips-cli's).
const (
	defaultFIFO     = "/tmp/opensips_fifo"
	defaultReplyDir = "/tmp/"
	defaultHTTPPort = 8888
	defaultHTTPRoot = "mi"
)

// miTarget is one way to reach a server's MI.
type miTarget struct {
	kind     string // "fifo", "datagram", "http"
	addr     string // FIFO path, datagram socket_name, or URL
	replyDir string // fifo: where the reply FIFO is made
}

func (t miTarget) String() string { return t.kind + " " + t.addr }

// miTargetsFromConfig parses the script at path with the server's own
// parser and returns the MI transports it loads, in the order the CLI
// prefers them: mi_fifo (opensips-cli's default), mi_datagram, mi_http.
func miTargetsFromConfig(path string) ([]miTarget, error) {
	s, err := script.Load(path)
	if err != nil {
		return nil, fmt.Errorf("reading the MI transport from %s: %w", path, err)
	}
	loaded := map[string]bool{}
	for _, m := range s.Modules {
		name := m.Path[strings.LastIndex(m.Path, "/")+1:]
		loaded[strings.TrimSuffix(name, ".so")] = true
	}
	var out []miTarget
	if loaded["mi_fifo"] {
		t := miTarget{kind: "fifo", addr: defaultFIFO, replyDir: defaultReplyDir}
		if v, ok := modparam(s, "mi_fifo", "fifo_name"); ok {
			t.addr = v
		}
		if v, ok := modparam(s, "mi_fifo", "reply_dir"); ok {
			t.replyDir = v
		}
		out = append(out, t)
	}
	if loaded["mi_datagram"] {
		v, ok := modparam(s, "mi_datagram", "socket_name")
		if !ok {
			return nil, fmt.Errorf("%s loads mi_datagram without its socket_name", path)
		}
		out = append(out, miTarget{kind: "datagram", addr: v})
	}
	if loaded["mi_http"] && loaded["httpd"] {
		ip, port, root := "127.0.0.1", strconv.Itoa(defaultHTTPPort), defaultHTTPRoot
		if v, ok := modparam(s, "httpd", "ip"); ok && v != "" && v != "0.0.0.0" && v != "::" {
			ip = v
		}
		if v, ok := modparam(s, "httpd", "port"); ok {
			port = v
		}
		if v, ok := modparam(s, "mi_http", "root"); ok {
			root = strings.Trim(v, "/")
		}
		out = append(out, miTarget{kind: "http", addr: "http://" + net.JoinHostPort(ip, port) + "/" + root})
	}
	return out, nil
}

// modparam returns the last value the script gives a module parameter
// (a later modparam overrides an earlier one, as when OpenSIPS sets it).
// The module may be a '|' list of names, as OpenSIPS accepts.
func modparam(s *ast.Script, module, param string) (string, bool) {
	var value string
	var found bool
	for _, mp := range s.ModParams {
		if mp.Param != param || !namesModule(mp.Module, module) {
			continue
		}
		switch v := mp.Value.(type) {
		case *ast.StringLit:
			value, found = v.Value, true
		case *ast.NumberLit:
			value, found = strconv.FormatInt(v.Value, 10), true
		}
	}
	return value, found
}

func namesModule(list, module string) bool {
	for name := range strings.SplitSeq(list, "|") {
		if name == module {
			return true
		}
	}
	return false
}

// resolveTarget picks the MI transport: a --fifo, --datagram or --http
// option, else the first one the script loads (-f, or the default
// script when it exists), else OpenSIPS's default FIFO.
func resolveTarget() (miTarget, error) {
	if opts.replyDir != "" && opts.fifo == "" {
		return miTarget{}, usageError("--reply-dir goes with --fifo")
	}
	switch {
	case opts.fifo != "":
		dir := opts.replyDir
		if dir == "" {
			dir = defaultReplyDir
		}
		return miTarget{kind: "fifo", addr: opts.fifo, replyDir: dir}, nil
	case opts.datagram != "":
		return miTarget{kind: "datagram", addr: opts.datagram}, nil
	case opts.http != "":
		return miTarget{kind: "http", addr: opts.http}, nil
	}
	path := opts.config
	if path == "" {
		if _, err := os.Stat(defaultConfig); errors.Is(err, os.ErrNotExist) {
			return miTarget{kind: "fifo", addr: defaultFIFO, replyDir: defaultReplyDir}, nil
		}
		path = defaultConfig
	}
	targets, err := miTargetsFromConfig(path)
	if err != nil {
		return miTarget{}, err
	}
	if len(targets) == 0 {
		return miTarget{}, fmt.Errorf("%s loads no MI transport (mi_fifo, mi_datagram, or mi_http with httpd): give --fifo, --datagram or --http", path)
	}
	return targets[0], nil
}
