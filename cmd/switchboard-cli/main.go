// Command switchboard-cli administers a switchboard installation, as
// opensips-cli does for OpenSIPS.
//
//	switchboard-cli db create URL [table...]   create the OpenSIPS 3.6 tables and version rows
//	switchboard-cli db migrate URL [table...]  create the missing ones, check the versions of the rest
//	switchboard-cli user add|passwd|rm|list URL ...  provision the subscriber table (see user.go)
//	switchboard-cli mi CMD [args...]            run an MI command on a running server (see mi.go)
//	switchboard-cli stats [group|name ...]      print statistics as group:name = value
//	switchboard-cli ps                          list the server's processes
//	switchboard-cli trace [caller=U] [callee=U] [ip=A] [scope=t|d]  print matching SIP traffic live
//	switchboard-cli completion bash             print a bash completion script
//
// Options, before the command: -f/--config FILE reads the MI transport
// from that script (default /etc/opensips/opensips.cfg, else the FIFO
// /tmp/opensips_fifo); --fifo PATH (with --reply-dir DIR, mi_fifo's
// reply_dir, default /tmp/), --datagram ADDR or --http URL name it;
// -j/--json prints JSON as the server sent it.
//
// URL is a db_url: sqlite:///path/file.db, postgres://user:pass@host/db,
// mysql://user:pass@host/db, text:///dir.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand; groups ("db") hold subcommands of their own,
// so "user add" or "mi ul_dump" slot in beside "db create" later.
type command struct {
	usage string
	help  string
	run   func(args []string, out io.Writer) error
	sub   map[string]*command
}

var commands = map[string]*command{
	"db": {help: "database schema", sub: map[string]*command{
		"create":  {usage: "URL [table...]", help: "create the OpenSIPS 3.6 tables (default: the standard set) and their version rows", run: dbCreate},
		"migrate": {usage: "URL [table...]", help: "create the missing tables; refuse if an existing one has another version", run: dbMigrate},
		"tables":  {usage: "", help: "list the tables switchboard knows", run: dbTables},
	}},
	"user":  {help: "subscribers (auth_db)", sub: userCommands},
	"mi":    {usage: "[--fifo PATH|--datagram ADDR|--http URL] CMD [name=value ...|value ...]", help: "run an MI command on a running server", run: miRun},
	"stats": {usage: "[group|name ...]", help: "print statistics (default all) as group:name = value", run: statsRun},
	"ps":    {usage: "", help: "list the server's processes", run: psRun},
}

// trace and completion read the table themselves (usage, the command
// names), so they join it here rather than in its initializer.
func init() {
	commands["trace"] = &command{usage: "[caller=USER[@HOST]] [callee=USER[@HOST]] [ip=ADDR] [scope=t|d|m] [listen=IP:PORT]",
		help: "print the SIP messages of matching calls as the server receives and sends them, until interrupted", run: traceRun}
	commands["completion"] = &command{usage: "bash", help: "print a bash completion script", run: completionRun}
}

// options are the global options; runCLI sets them for one command line.
type options struct {
	config               string
	fifo, datagram, http string
	replyDir             string // mi_fifo's reply_dir, with --fifo
	json                 bool
}

var opts options

const optionsUsage = "options: -f|--config FILE, --fifo PATH [--reply-dir DIR], --datagram ADDR, --http URL, -j|--json"

// runCLI is the whole command line: options, then a command.
func runCLI(args []string, out io.Writer) error {
	opts = options{}
	args, err := parseOptions(args)
	if err != nil {
		return err
	}
	return dispatch(commands, args, out, "")
}

// parseOptions takes the leading options off args into opts; the
// "--name value" and "--name=value" forms are accepted.
func parseOptions(args []string) ([]string, error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		name, value, inline := strings.Cut(args[0], "=")
		var dst *string
		switch name {
		case "-j", "--json":
			if inline {
				return nil, usageError(name + " takes no value\n" + optionsUsage)
			}
			opts.json = true
			args = args[1:]
			continue
		case "-f", "--config":
			dst = &opts.config
		case "--fifo":
			dst = &opts.fifo
		case "--reply-dir":
			dst = &opts.replyDir
		case "--datagram":
			dst = &opts.datagram
		case "--http":
			dst = &opts.http
		case "-h", "--help":
			return args, nil
		default:
			return nil, usageError("unknown option " + name + "\n" + optionsUsage)
		}
		if !inline {
			if len(args) < 2 {
				return nil, usageError(name + " needs a value\n" + optionsUsage)
			}
			value, args = args[1], args[1:]
		}
		if value == "" {
			return nil, usageError(name + " needs a value\n" + optionsUsage)
		}
		*dst = value
		args = args[1:]
	}
	return args, nil
}

func main() {
	if err := runCLI(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "switchboard-cli:", err)
		os.Exit(1)
	}
}

// usageError is a wrong command line: it prints the usage.
type usageError string

func (e usageError) Error() string { return string(e) }

func dispatch(cmds map[string]*command, args []string, out io.Writer, prefix string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" || args[0] == "--help" {
		return usageError("usage: switchboard-cli [options] COMMAND ...\n" + optionsUsage + "\n" + usage(cmds, prefix))
	}
	c := cmds[args[0]]
	if c == nil {
		return usageError(fmt.Sprintf("unknown command %q\nusage:\n%s", prefix+args[0], usage(cmds, prefix)))
	}
	if c.sub != nil {
		return dispatch(c.sub, args[1:], out, prefix+args[0]+" ")
	}
	return c.run(args[1:], out)
}

func usage(cmds map[string]*command, prefix string) string {
	return strings.Join(usageEntries(cmds, prefix), "\n") + "\n"
}

// usageEntries lists each command with its help below it, sorted by
// command line; an entry keeps its two lines together.
func usageEntries(cmds map[string]*command, prefix string) []string {
	var entries []string
	for name, c := range cmds {
		if c.sub != nil {
			entries = append(entries, usageEntries(c.sub, prefix+name+" ")...)
			continue
		}
		line := strings.TrimRight(fmt.Sprintf("  switchboard-cli %s%s %s", prefix, name, c.usage), " ")
		entries = append(entries, line+"\n      "+c.help)
	}
	sort.Strings(entries)
	return entries
}
