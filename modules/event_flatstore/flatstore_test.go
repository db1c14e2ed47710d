package event_flatstore

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/core/coretest"
	"switchboard/events"
	"switchboard/mi"
)

func TestAppendLine(t *testing.T) {
	params := events.Params{{Name: "ip", Value: "10.0.0.1"}, {Name: "n", Value: 7}, {Name: "none", Value: nil}, {Name: "s", Value: "a,b"}}
	tests := []struct {
		name   string
		format Format
		params events.Params
		want   string
	}{
		{"default", DefaultFormat(), params, "E_X,10.0.0.1,7,,a b\n"},
		{"no params", DefaultFormat(), nil, "E_X\n"},
		{"suppressed name", Format{Delimiter: ",", SuppressName: true}, params, "10.0.0.1,7,,a b\n"},
		{"escape", Format{Delimiter: ",", Escape: "|"}, params, "E_X,10.0.0.1,7,,a|b\n"},
		{"multi-char delimiter", Format{Delimiter: "::"}, events.Params{{Value: "a::b:c"}, {Value: -3}}, "E_X::a  b c::-3\n"},
		{"multi-char escape", Format{Delimiter: "::", Escape: "##"}, events.Params{{Value: "a::b:c"}}, "E_X::a##b:c\n"},
		{"newline kept on one line", DefaultFormat(), events.Params{{Value: "a\r\nb"}}, "E_X,a  b\n"},
		{"other types", DefaultFormat(), events.Params{{Value: int64(5)}, {Value: true}}, "E_X,5,true\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(tt.format.AppendLine(nil, "E_X", tt.params)); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatCheck(t *testing.T) {
	if err := (Format{Delimiter: ",", Escape: "||"}).Check(); err == nil || !strings.Contains(err.Error(), "as long as") {
		t.Errorf("escape longer than the delimiter: %v", err)
	}
	if err := (Format{Delimiter: "\n"}).Check(); err == nil || !strings.Contains(err.Error(), "line break") {
		t.Errorf("newline delimiter: %v", err)
	}
	if err := (Format{}).Check(); err == nil {
		t.Error("empty delimiter accepted")
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in       string
		suffixes bool
		want     uint64
		err      bool
	}{
		{"0", true, 0, false},
		{"1000", false, 1000, false},
		{"5000000000", false, 5000000000, false},
		{"2k", true, 2048, false},
		{"2m", true, 2 << 20, false},
		{"2G", true, 2 << 30, false},
		{"2k", false, 0, true},
		{"", true, 0, true},
		{"-1", true, 0, true},
		{"k", true, 0, true},
		{"99999999999999999999", false, 0, true},
		{"17179869184g", true, 0, true},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in, tt.suffixes)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseSize(%q, %v) = %d, %v; want %d, error %v", tt.in, tt.suffixes, got, err, tt.want, tt.err)
		}
	}
}

func TestParsePermissions(t *testing.T) {
	tests := []struct {
		in   string
		want os.FileMode
		err  bool
	}{
		{"644", 0o644, false}, {"0664", 0o664, false}, {"600", 0o600, false},
		{"888", 0, true}, {"1777", 0, true}, {"rw", 0, true}, {"", 0, true},
	}
	for _, tt := range tests {
		got, err := ParsePermissions(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParsePermissions(%q) = %o, %v", tt.in, got, err)
		}
	}
}

func TestParseSocket(t *testing.T) {
	dir := t.TempDir()
	b, err := NewBackend(Config{Format: DefaultFormat(), MaxFiles: 2, Perm: 0o644}, nil, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tests := []struct{ name, path, want string }{
		{"empty", "", "empty path"},
		{"no directory", filepath.Join(dir, "nope", "f.log"), "no such directory"},
		{"a directory", dir, "is a directory"},
		{"newline", dir + "/a\nb", "control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := b.Parse(tt.path); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse(%q) = %v, want %q", tt.path, err, tt.want)
			}
		})
	}
	t.Run("max_open_sockets", func(t *testing.T) {
		a1, err := b.Parse(dir + "/a.log")
		if err != nil {
			t.Fatal(err)
		}
		a2, err := b.Parse(dir + "/a.log") // the same file: no new slot
		if err != nil {
			t.Fatal(err)
		}
		if !a1.Match(a2) || a1.String() != dir+"/a.log" {
			t.Errorf("same path does not match, or prints %q", a1.String())
		}
		c, err := b.Parse(dir + "/c.log")
		if err != nil {
			t.Fatal(err)
		}
		if c.Match(a1) {
			t.Error("different paths match")
		}
		if _, err := b.Parse(dir + "/d.log"); err == nil || !strings.Contains(err.Error(), "max_open_sockets") {
			t.Fatalf("third file: %v", err)
		}
		c.Close()
		d, err := b.Parse(dir + "/d.log")
		if err != nil {
			t.Fatalf("after one closed: %v", err)
		}
		for _, s := range []events.Socket{a1, a2, d} {
			s.Close()
		}
	})
}

// waitLines waits until path holds n lines and returns them.
func waitLines(t *testing.T, path string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	var lines []string
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(path)
		lines = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		if len(data) == 0 {
			lines = nil
		}
		if len(lines) >= n {
			return lines
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: %d lines %q, want %d", path, len(lines), lines, n)
	return nil
}

func TestEventsToFile(t *testing.T) {
	dir := t.TempDir()
	reg := events.NewRegistry(slog.Default())
	b, err := NewBackend(Config{Format: DefaultFormat(), MaxFiles: 10, Perm: 0o600}, nil, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.RegisterBackend(b); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	defer reg.Close()
	path := filepath.Join(dir, "events.log")
	a, c := reg.MustPublish("E_A"), reg.MustPublish("E_C")
	for _, ev := range []string{"E_A", "E_C"} {
		if err := reg.Subscribe(ev, "flatstore:"+path, 0); err != nil {
			t.Fatal(err)
		}
	}
	a.Raise(events.Params{{Name: "x", Value: "1"}, {Name: "y", Value: 2}})
	waitLines(t, path, 1)
	c.Raise(nil)
	lines := waitLines(t, path, 2)
	if lines[0] != "E_A,1,2" || lines[1] != "E_C" {
		t.Errorf("lines %q", lines)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, %v; want 0600", st.Mode(), err)
	}
	subs := a.Subscribers()
	if len(subs) != 1 || subs[0].Socket != "flatstore:"+path {
		t.Errorf("subscribers %+v", subs)
	}
}

// memBackend is a "mem:" event backend that hands every event to a
// channel, to watch E_FLATSTORE_ROTATION.
type memBackend struct{ got chan *events.Raised }

func (m *memBackend) Scheme() string                                  { return "mem" }
func (m *memBackend) Parse(string) (events.Socket, error)             { return m, nil }
func (m *memBackend) String() string                                  { return "mem" }
func (m *memBackend) Match(events.Socket) bool                        { return true }
func (m *memBackend) Close() error                                    { return nil }
func (m *memBackend) Send(_ context.Context, ev *events.Raised) error { m.got <- ev; return nil }

// TestRotateCountAndSize: thresholds open a new file (under a new suffix)
// and raise E_FLATSTORE_ROTATION.
func TestRotateCountAndSize(t *testing.T) {
	for _, tt := range []struct {
		name   string
		cfg    func(*Config)
		reason string
	}{
		{"count", func(c *Config) { c.RotateCount = 2 }, ReasonCount},
		{"size", func(c *Config) { c.RotateSize = 8 }, ReasonSize}, // "E_R,n\n" is 6 bytes: two lines a file
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			reg := events.NewRegistry(slog.Default())
			var seq atomic.Int64
			cfg := Config{Format: DefaultFormat(), MaxFiles: 10, Perm: 0o644,
				Suffix: func() string { return fmt.Sprintf(".%d", seq.Add(1)) }}
			tt.cfg(&cfg)
			rotation := reg.MustPublish(RotationEvent)
			b, err := NewBackend(cfg, rotation, slog.Default())
			if err != nil {
				t.Fatal(err)
			}
			b.now = func() time.Time { return time.Unix(1700000000, 0) }
			mem := &memBackend{got: make(chan *events.Raised, 10)}
			for _, backend := range []events.Backend{b, mem} {
				if err := reg.RegisterBackend(backend); err != nil {
					t.Fatal(err)
				}
			}
			defer b.Close()
			defer reg.Close()
			path := filepath.Join(dir, "ev.log")
			ev := reg.MustPublish("E_R")
			if err := reg.Subscribe("E_R", "flatstore:"+path, 0); err != nil {
				t.Fatal(err)
			}
			if err := reg.Subscribe(RotationEvent, "mem:x", 0); err != nil {
				t.Fatal(err)
			}
			for i := 1; i <= 5; i++ {
				ev.Raise(events.Params{{Value: i}})
			}
			if got := waitLines(t, path+".1", 2); got[0] != "E_R,1" || got[1] != "E_R,2" {
				t.Errorf("first file %q", got)
			}
			waitLines(t, path+".2", 2)
			if got := waitLines(t, path+".3", 1); got[0] != "E_R,5" {
				t.Errorf("third file %q", got)
			}
			for i, old := range []string{".1", ".2"} {
				select {
				case r := <-mem.got:
					want := events.Params{{Name: "timestamp", Value: "1700000000"}, {Name: "reason", Value: tt.reason},
						{Name: "filename", Value: fmt.Sprintf("%s.%d", path, i+2)}, {Name: "old_filename", Value: path + old}}
					if fmt.Sprint(r.Params) != fmt.Sprint(want) {
						t.Errorf("rotation %d: %v, want %v", i, r.Params, want)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("rotation event %d not raised", i)
				}
			}
		})
	}
}

func TestRotatePeriod(t *testing.T) {
	dir := t.TempDir()
	reg := events.NewRegistry(slog.Default())
	var seq atomic.Int64
	b, err := NewBackend(Config{Format: DefaultFormat(), MaxFiles: 10, Perm: 0o644, RotatePeriod: time.Second,
		Suffix: func() string { return fmt.Sprintf(".%d", seq.Add(1)) }}, nil, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.RegisterBackend(b); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	defer reg.Close()
	path := filepath.Join(dir, "p.log")
	ev := reg.MustPublish("E_P")
	if err := reg.Subscribe("E_P", "flatstore:"+path, 0); err != nil {
		t.Fatal(err)
	}
	ev.Raise(events.Params{{Value: "before"}})
	waitLines(t, path+".1", 1)
	// Within about two seconds the timer rotates (every whole second).
	deadline := time.Now().Add(3 * time.Second)
	for seq.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if seq.Load() < 2 {
		t.Fatal("the period did not rotate the file")
	}
	ev.Raise(events.Params{{Value: "after"}})
	name := fmt.Sprintf("%s.%d", path, seq.Load())
	if got := waitLines(t, name, 1); got[0] != "E_P,after" {
		t.Errorf("%s: %q", name, got)
	}
}

// TestModuleRotateMI: the module as a script loads it; logrotate renames
// the file, evi_flat_rotate over the MI dispatcher makes the next event
// land in a new file at the original path.
func TestModuleRotateMI(t *testing.T) {
	dir := t.TempDir()
	cfg := `loadmodule "event_flatstore.so"
modparam("event_flatstore", "delimiter", ";")
modparam("event_flatstore", "escape_delimiter", "_")
modparam("event_flatstore", "file_permissions", "640")
modparam("event_flatstore", "max_open_sockets", 5)
modparam("event_flatstore", "rotate_count", "5000000000")
modparam("event_flatstore", "rotate_size", "2g")
modparam("event_flatstore", "suffix", ".$time(%Y)")
route { exit; }
`
	l, _ := coretest.Compile(t, cfg)
	if err := l.InitModules(); err != nil {
		t.Fatal(err)
	}
	defer stop()
	year := time.Now().Format("2006")
	path := filepath.Join(dir, "ev.log")
	written := path + "." + year
	ev := events.Default.MustPublish("E_SB_FLAT_MI")
	if err := events.Default.Subscribe(ev.Name(), "flatstore:"+path, time.Minute); err != nil {
		t.Fatal(err)
	}
	rotlog := filepath.Join(dir, "rotations")
	if err := events.Default.Subscribe(RotationEvent, "flatstore:"+rotlog, time.Minute); err != nil {
		t.Fatal(err)
	}
	defer events.Default.Unsubscribe(ev.Name(), "flatstore:"+path)
	defer events.Default.Unsubscribe(RotationEvent, "flatstore:"+rotlog)

	ev.Raise(events.Params{{Value: "one;two"}})
	if got := waitLines(t, written, 1); got[0] != "E_SB_FLAT_MI;one_two" {
		t.Fatalf("line %q", got)
	}
	if st, _ := os.Stat(written); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", st.Mode())
	}
	moved := written + ".1"
	if err := os.Rename(written, moved); err != nil {
		t.Fatal(err)
	}
	// Before the rotate command the module keeps writing the moved file.
	ev.Raise(events.Params{{Value: "still"}})
	waitLines(t, moved, 2)

	reg := mi.NewRegistry()
	for _, m := range l.Program.Modules {
		reg.Register(m.Name, m.MI...)
	}
	call := func(params string) map[string]any {
		t.Helper()
		out := mi.Dispatch(context.Background(), reg, []byte(`{"jsonrpc":"2.0","id":1,"method":"evi_flat_rotate","params":`+params+`}`))
		var reply map[string]any
		if err := json.Unmarshal(out, &reply); err != nil {
			t.Fatalf("reply %s: %v", out, err)
		}
		return reply
	}
	if r := call(`{"path_to_file":"` + path + `"}`); r["result"] != "OK" {
		t.Fatalf("evi_flat_rotate: %v", r)
	}
	ev.Raise(events.Params{{Value: "three"}})
	if got := waitLines(t, written, 1); got[0] != "E_SB_FLAT_MI;three" {
		t.Errorf("new file %q", got)
	}
	if got := waitLines(t, moved, 2); len(got) != 2 {
		t.Errorf("moved file %q", got)
	}
	rot := waitLines(t, rotlog+"."+year, 1)
	if !strings.HasPrefix(rot[0], RotationEvent+";") || !strings.HasSuffix(rot[0], ";mi;"+written+";"+written) {
		t.Errorf("rotation event %q", rot[0])
	}

	if r := call(`["/no/such/file"]`); r["error"] == nil || !strings.Contains(fmt.Sprint(r["error"]), "File not found") {
		t.Errorf("unknown file: %v", r)
	}
	if r := call(`[]`); r["error"] == nil {
		t.Errorf("no parameter: %v", r)
	}
}

func TestScriptErrors(t *testing.T) {
	tests := []struct{ name, cfg, want string }{
		{"bad permissions", `modparam("event_flatstore", "file_permissions", "rw")`, "octal mode"},
		{"bad size", `modparam("event_flatstore", "rotate_size", "big")`, "not a number"},
		{"bad count", `modparam("event_flatstore", "rotate_count", "2k")`, "not a number"},
		{"negative period", `modparam("event_flatstore", "rotate_period", -1)`, "rotate_period must be"},
		{"zero sockets", `modparam("event_flatstore", "max_open_sockets", 0)`, "at least 1"},
		{"empty delimiter", `modparam("event_flatstore", "delimiter", "")`, "must not be empty"},
		{"bad suffix", `modparam("event_flatstore", "suffix", "$nosuchvar")`, "suffix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() { pending = DefaultConfig() }()
			got := coretest.CompileErrors(t, "loadmodule \"event_flatstore.so\"\n"+tt.cfg+"\nroute { exit; }\n")
			if !strings.Contains(got, tt.want) {
				t.Fatalf("errors %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("numbers for rotate_count and rotate_size", func(t *testing.T) {
		defer func() { pending = DefaultConfig() }()
		coretest.Compile(t, "loadmodule \"event_flatstore.so\"\nmodparam(\"event_flatstore\", \"rotate_count\", 1000)\n"+
			"modparam(\"event_flatstore\", \"rotate_size\", 4096)\nroute { exit; }\n")
		if pending.RotateCount != 1000 || pending.RotateSize != 4096 {
			t.Fatalf("rotate_count %d, rotate_size %d", pending.RotateCount, pending.RotateSize)
		}
	})
	t.Run("escape longer than the delimiter fails at start", func(t *testing.T) {
		defer func() { pending = DefaultConfig() }()
		l, _ := coretest.Compile(t, "loadmodule \"event_flatstore.so\"\nmodparam(\"event_flatstore\", \"escape_delimiter\", \"||\")\nroute { exit; }\n")
		if err := l.InitModules(); err == nil || !strings.Contains(err.Error(), "as long as") {
			t.Fatalf("InitModules: %v", err)
		}
	})
}

// FuzzAppendLine: a line is one line; without an escape sequence the
// delimiter's first character cannot appear inside a value, so a line
// splits back into the name and one field per parameter whenever that
// character starts the delimiter only and is not in the name or digits.
func FuzzAppendLine(f *testing.F) {
	f.Add(",", "|", "a,b", "c", 3)
	f.Add("::", "##", "x::y", "", -1)
	f.Add(";", "", "a;b\nc", "d;", 0)
	f.Add("|x", "", "a|xb", "|", 12)
	f.Fuzz(func(t *testing.T, delim, escape, s1, s2 string, n int) {
		format := Format{Delimiter: delim, Escape: escape}
		if format.Check() != nil {
			return
		}
		line := string(format.AppendLine(nil, "E_F", events.Params{{Value: s1}, {Value: n}, {Value: s2}}))
		if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
			t.Fatalf("%q is not one line", line)
		}
		if escape != "" || strings.ContainsAny(delim, "\r\n ") || strings.Contains(delim[1:], delim[:1]) ||
			strings.Contains("E_F-0123456789", delim[:1]) {
			return
		}
		fields := strings.Split(strings.TrimSuffix(line, "\n"), delim)
		if len(fields) != 4 {
			t.Fatalf("delimiter %q: %q splits into %d fields", delim, line, len(fields))
		}
	})
}

// FuzzParse: any socket path is refused or accepted without a panic, and
// what is accepted prints back as given.
func FuzzParse(f *testing.F) {
	dir := f.TempDir()
	b, err := NewBackend(Config{Format: DefaultFormat(), MaxFiles: 1 << 30, Perm: 0o644}, nil, slog.Default())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(dir + "/events.log")
	f.Add("relative.log")
	f.Add(dir)
	f.Add("")
	f.Fuzz(func(t *testing.T, path string) {
		s, err := b.Parse(path)
		if err != nil {
			return
		}
		defer s.Close()
		if s.String() != path {
			t.Fatalf("%q prints as %q", path, s.String())
		}
	})
}

// BenchmarkSend is one event written to a file by its subscriber.
func BenchmarkSend(b *testing.B) {
	backend, err := NewBackend(DefaultConfig(), nil, slog.Default())
	if err != nil {
		b.Fatal(err)
	}
	defer backend.Close()
	sock, err := backend.Parse(filepath.Join(b.TempDir(), "bench.log"))
	if err != nil {
		b.Fatal(err)
	}
	defer sock.Close()
	ev := &events.Raised{Event: "E_UL_CONTACT_INSERT", Params: events.Params{
		{Name: "aor", Value: "alice@example.com"}, {Name: "uri", Value: "sip:alice@192.0.2.10:5060"}, {Name: "expires", Value: 3600}}}
	b.ReportAllocs()
	for b.Loop() {
		if err := sock.Send(context.Background(), ev); err != nil {
			b.Fatal(err)
		}
	}
}
