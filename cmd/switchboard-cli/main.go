// Command switchboard-cli administers a switchboard installation, as
// opensips-cli does for OpenSIPS.
//
//	switchboard-cli db create URL [table...]   create the OpenSIPS 3.6 tables and version rows
//	switchboard-cli db migrate URL [table...]  create the missing ones, check the versions of the rest
//	switchboard-cli user add|passwd|rm|list URL ...  provision the subscriber table (see user.go)
//	switchboard-cli mi [--datagram ADDR] CMD [args...]  run an MI command on a running server (see mi.go)
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
	"user": {help: "subscribers (auth_db)", sub: userCommands},
	"mi":   {usage: "[--datagram ADDR] CMD [name=value ...|value ...]", help: "run an MI command on a running server through mi_datagram (default udp:127.0.0.1:8080)", run: miRun},
}

func main() {
	if err := dispatch(commands, os.Args[1:], os.Stdout, ""); err != nil {
		fmt.Fprintln(os.Stderr, "switchboard-cli:", err)
		os.Exit(1)
	}
}

// usageError is a wrong command line: it prints the usage.
type usageError string

func (e usageError) Error() string { return string(e) }

func dispatch(cmds map[string]*command, args []string, out io.Writer, prefix string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" || args[0] == "--help" {
		return usageError("usage:\n" + usage(cmds, prefix))
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
	var lines []string
	for name, c := range cmds {
		if c.sub != nil {
			lines = append(lines, strings.Split(strings.TrimSuffix(usage(c.sub, prefix+name+" "), "\n"), "\n")...)
			continue
		}
		lines = append(lines, fmt.Sprintf("  switchboard-cli %s%s %s\n      %s", prefix, name, c.usage, c.help))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}
