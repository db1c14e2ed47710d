package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    options
		wantErr string
	}{
		{name: "none", args: "", want: options{}},
		{name: "file and check", args: "-c -f a.cfg", want: options{check: true, cfgFile: "a.cfg"}},
		{name: "combined switches with a value last", args: "-cf a.cfg", want: options{check: true, cfgFile: "a.cfg"}},
		{name: "value glued to its flag", args: "-fa.cfg -C", want: options{check: true, cfgFile: "a.cfg"}},
		{name: "debug counts", args: "-dd -d -E", want: options{debug: 3, stderr: true}},
		{name: "debug mode", args: "-D", want: options{debugMode: true}},
		{name: "listen repeats", args: "-l udp:127.0.0.1:5060 -l tcp:[::1]:5061", want: options{listen: []string{"udp:127.0.0.1:5060", "tcp:[::1]:5061"}}},
		{name: "workers and advertised", args: "-n 4 -N 2 -A sip.example.com", want: options{udpWorkers: "4", tcpWorkers: "2", advertised: "sip.example.com"}},
		{name: "script arguments", args: "-o a=1 -o b=x=y -o empty=", want: options{argv: map[string]string{"a": "1", "b": "x=y", "empty": ""}}},
		{name: "files", args: "-w /tmp -P /run/sb.pid -G /run/sb.pgid -p m4", want: options{workDir: "/tmp", pidFile: "/run/sb.pid", pgidFile: "/run/sb.pgid", preprocessor: "m4"}},
		{name: "version help dump", args: "-V -h --dump x.sip", want: options{version: true, help: true, dump: "x.sip"}},
		{name: "memory flags are noted", args: "-m 64 -M4 -F", want: options{notes: []string{
			"-m 64 ignored: shared memory size: Go sizes its heap itself (set GOMEMLIMIT to cap it)",
			"-M 4 ignored: pkg memory size: Go sizes its heap itself (set GOMEMLIMIT to cap it)",
			"-F: foreground: switchboard never daemonizes (run it under a service manager)"}}},
		{name: "unknown flag", args: "-x", wantErr: "unknown option -x"},
		{name: "missing value", args: "-f", wantErr: "-f needs a value"},
		{name: "bad worker count", args: "-n zero", wantErr: `-n: "zero" is not a positive number`},
		{name: "bad -o", args: "-o novalue", wantErr: `-o: "novalue" is not name=value`},
		{name: "chroot refused", args: "-t /var/empty", wantErr: "-t: not supported: chroot"},
		{name: "user switch refused", args: "-u opensips", wantErr: "-u: not supported"},
		{name: "reverse DNS refused", args: "-R", wantErr: "-R: not supported"},
		{name: "stray argument", args: "a.cfg", wantErr: `unexpected argument "a.cfg"`},
		{name: "long option", args: "--check", wantErr: `unexpected argument "--check"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseOptions(strings.Fields(tc.args))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want.argv == nil {
				tc.want.argv = map[string]string{}
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestOptionParams(t *testing.T) {
	o, err := parseOptions(strings.Fields("-l udp:127.0.0.1:5070 -n 3 -N 2 -A 203.0.113.7"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"socket=udp:127.0.0.1:5070", "udp_workers=3", "tcp_workers=2", `advertised_address="203.0.113.7"`}
	if got := o.params(); !reflect.DeepEqual(got, want) {
		t.Errorf("params %q, want %q", got, want)
	}
}
