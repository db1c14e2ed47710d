package main

import (
	"fmt"
	"strconv"
	"strings"
)

// options is the command line, read the way OpenSIPS reads its own
// (main.c, getopt "A:f:cCm:M:b:l:n:N:rRvdDFEVhw:t:u:g:p:P:G:W:o:a:k:s:e:"):
// short flags that combine ("-dd", "-cf x.cfg", "-fx.cfg"), values in the
// next word or glued to the flag. A systemd unit or an init script written
// for opensips starts switchboard unchanged.
type options struct {
	cfgFile      string            // -f
	check        bool              // -c, -C
	preprocessor string            // -p
	listen       []string          // -l, repeatable: socket= lines added to the script's
	udpWorkers   string            // -n
	tcpWorkers   string            // -N
	advertised   string            // -A: advertised_address
	debug        int               // -d, repeatable: log level raised by one each
	debugMode    bool              // -D: log level 4 to stderr
	stderr       bool              // -E: log to stderr
	version      bool              // -V
	help         bool              // -h
	workDir      string            // -w
	pidFile      string            // -P
	pgidFile     string            // -G
	argv         map[string]string // -o name=value, read as $argv(name)
	dump         string            // --dump FILE: parse a SIP message and print it
	notes        []string          // accepted flags that change nothing here, said at start
}

// flagsWithValue are the OpenSIPS flags that take a value; every other
// letter of the getopt string is a switch.
const flagsWithValue = "AfmMblnNwtugpPGWoakse"

// ignoredFlags are OpenSIPS flags that size or pick what Go manages itself;
// they are accepted so existing command lines keep working, and said at
// start so nobody believes they took effect.
var ignoredFlags = map[byte]string{
	'm': "shared memory size: Go sizes its heap itself (set GOMEMLIMIT to cap it)",
	'M': "pkg memory size: Go sizes its heap itself (set GOMEMLIMIT to cap it)",
	'a': "memory allocator: Go has one",
	'k': "pkg allocator: Go has one",
	's': "shm allocator: Go has one",
	'e': "restart-persistent allocator: Go has one",
	'b': "receive buffer size: the kernel default is kept",
	'W': "poll method: Go's netpoller uses epoll",
	'F': "foreground: switchboard never daemonizes (run it under a service manager)",
}

// refusedFlags are OpenSIPS flags whose effect switchboard does not have:
// starting as if they worked would be wrong.
var refusedFlags = map[byte]string{
	't': "chroot",
	'u': "dropping to another user",
	'g': "dropping to another group",
	'r': "DNS lookups to decide received=",
	'R': "reverse DNS lookups to decide received=",
	'v': "Via host checks on replies",
}

const usage = `usage: switchboard [options]
  -f file      the routing script (opensips.cfg); none: the embedded default
  -c, -C       check the script and exit: 0 when valid, else every error
  -p command   pipe the script through a preprocessor first (e.g. "m4 -DTCP")
  -l address   also listen on [proto:]addr[:port] (repeatable), like socket=
  -n N         UDP reader goroutines per socket (udp_workers)
  -N N         TCP workers (tcp_workers)
  -A address   advertised_address
  -o name=val  a script argument, read as $argv(name) (repeatable)
  -d           one more log level (repeatable: -dd)
  -D           debug mode: log level 4 to stderr
  -E           log to stderr, whatever the script says
  -F           foreground (always: switchboard never daemonizes)
  -w dir       working directory
  -P file      write the process id to file
  -G file      write the process group id to file
  -V           print the version and exit
  -h           this help
  --dump file  parse a SIP message file (one datagram) and print its structure
Accepted and ignored, as Go manages them: -m -M -a -k -s -e -b -W.
`

// parseOptions reads the command line (without the program name).
func parseOptions(args []string) (*options, error) {
	o := &options{argv: map[string]string{}}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			if i+1 < len(args) {
				return nil, fmt.Errorf("unexpected argument %q", args[i+1])
			}
			break
		}
		if arg == "--dump" || arg == "-dump" {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("%s needs a file", arg)
			}
			i++
			o.dump = args[i]
			continue
		}
		if len(arg) < 2 || arg[0] != '-' || arg[1] == '-' {
			return nil, fmt.Errorf("unexpected argument %q (options start with -, see -h)", arg)
		}
		for j := 1; j < len(arg); j++ {
			c := arg[j]
			if strings.IndexByte(flagsWithValue, c) >= 0 {
				value := arg[j+1:]
				if value == "" {
					if i+1 >= len(args) {
						return nil, fmt.Errorf("-%c needs a value", c)
					}
					i++
					value = args[i]
				}
				if err := o.setValue(c, value); err != nil {
					return nil, err
				}
				break
			}
			if err := o.setSwitch(c); err != nil {
				return nil, err
			}
		}
	}
	return o, nil
}

func (o *options) setSwitch(c byte) error {
	switch c {
	case 'c', 'C':
		o.check = true
	case 'd':
		o.debug++
	case 'D':
		o.debugMode = true
	case 'E':
		o.stderr = true
	case 'V':
		o.version = true
	case 'h':
		o.help = true
	case 'F':
		o.notes = append(o.notes, "-F: "+ignoredFlags['F'])
	default:
		if what, ok := refusedFlags[c]; ok {
			return fmt.Errorf("-%c: not supported: %s", c, what)
		}
		return fmt.Errorf("unknown option -%c (see -h)", c)
	}
	return nil
}

func (o *options) setValue(c byte, v string) error {
	switch c {
	case 'f':
		o.cfgFile = v
	case 'p':
		o.preprocessor = v
	case 'l':
		o.listen = append(o.listen, v)
	case 'n', 'N':
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			return fmt.Errorf("-%c: %q is not a positive number", c, v)
		}
		if c == 'n' {
			o.udpWorkers = v
		} else {
			o.tcpWorkers = v
		}
	case 'A':
		o.advertised = v
	case 'w':
		o.workDir = v
	case 'P':
		o.pidFile = v
	case 'G':
		o.pgidFile = v
	case 'o':
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return fmt.Errorf("-o: %q is not name=value", v)
		}
		o.argv[name] = value
	default:
		if why, ok := ignoredFlags[c]; ok {
			o.notes = append(o.notes, fmt.Sprintf("-%c %s ignored: %s", c, v, why))
			return nil
		}
		if what, ok := refusedFlags[c]; ok {
			return fmt.Errorf("-%c: not supported: %s", c, what)
		}
		return fmt.Errorf("unknown option -%c (see -h)", c)
	}
	return nil
}

// params are the script parameters the command line sets, as cfg lines
// read after the script's own: -l adds a socket as OpenSIPS's -l does,
// -n, -N and -A replace what the script says.
func (o *options) params() []string {
	var lines []string
	for _, l := range o.listen {
		lines = append(lines, "socket="+l)
	}
	if o.udpWorkers != "" {
		lines = append(lines, "udp_workers="+o.udpWorkers)
	}
	if o.tcpWorkers != "" {
		lines = append(lines, "tcp_workers="+o.tcpWorkers)
	}
	if o.advertised != "" {
		lines = append(lines, "advertised_address="+strconv.Quote(o.advertised))
	}
	return lines
}
